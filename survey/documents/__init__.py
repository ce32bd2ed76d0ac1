"""The toolkit every document of a round is drawn with, whatever its kind.

- :mod:`~survey.documents.text`: text and numbers as documents print them.
- :mod:`~survey.documents.pdf`: the A4 page (:class:`~survey.documents.pdf.Document`), its
  paragraphs, headings, ruled tables and hashes.
- :mod:`~survey.documents.frame`: what every document says about the round besides its results
  (:class:`~survey.documents.frame.Frame`): the bodies, the conference, the committee, the counts.
- :mod:`~survey.documents.minutes`: the header blocks, the signatures, and the minutes of the
  count around the results a kind supplies.
- :mod:`~survey.documents.charts`: stacked bars, as SVG for pages and as vectors for PDF.
- :mod:`~survey.documents.xlsx` and :mod:`~survey.documents.csv`: spreadsheets and CSV, every
  text cell kept as text.

Nothing here reads the database or knows a kind of round: a kind gives the rows and sections,
the toolkit lays them out.
"""
