"""Peer appraisal rounds: the roster, named cards, the appraisal form and its storage."""
