"""Plain helpers and constants shared by several test modules.

Fixtures live in ``tests/conftest.py`` (and browser-only ones in ``tests/browser/conftest.py``);
a test module never imports from another test module (``tests/test_suite_layout.py``).
"""

from __future__ import annotations

from survey.tally.recount import SubjectEntry, encode

#: The two subjects of the small confidence ballot file below.
RECOUNT_SUBJECTS = [SubjectEntry(1, "Lò Văn Minh", "Bí thư"),
                    SubjectEntry(2, "Vì Thị Hoa", "", "UBND")]


def confidence_file(ballots, **overrides) -> bytes:
    """A confidence poll's ballot file of :data:`RECOUNT_SUBJECTS` (10 summoned, 9 present, 9
    issued, percentages of the ballots collected, minimum 1); ``overrides`` go to ``encode``."""
    options = dict(round_info={"id": 7, "title": "Thử", "body": "", "place": "", "date": None},
                   kind="confidence", summoned=10, present=9, issued=9, denominator="collected",
                   min_ballots=1, subjects=RECOUNT_SUBJECTS, ballots=ballots)
    options.update(overrides)
    return encode(**options)
