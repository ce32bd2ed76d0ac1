"""Paper ballots in the same count: printed ballots, double entry, reconciliation.

A paper ballot takes a serial like a phone card (a slot of ``cards`` with ``medium="paper"``
and no code). Two organizers enter each collected paper ballot by its serial; when two entries
by two different people agree, the ballot is stored exactly like an electronic one and the
entries are deleted. See docs/paper-ballots.md.
"""
