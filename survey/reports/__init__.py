"""Results: SQL aggregates in ``queries``, rendering in ``views``; the maths is in ``tally``."""
