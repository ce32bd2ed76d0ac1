"""Pure rating over counts: no Flask, no SQLAlchemy, no I/O.

The database counts (a ``GROUP BY`` in :mod:`survey.kinds.counts`); this package turns those
counts into percentages, bands and ratings with exact integer and ``Decimal`` arithmetic.
"""
