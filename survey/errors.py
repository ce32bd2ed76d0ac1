"""Errors raised by operations; views and the CLI turn them into messages."""

from __future__ import annotations


class SurveyError(Exception):
    """Base of every refusal an operation can make; ``str()`` is a message for the user."""


class NotFound(SurveyError):
    pass


class RoundStateError(SurveyError):
    """The round's state does not allow this step (for example editing an open round)."""


class QuorumError(RoundStateError):
    pass


class CardRejected(SurveyError):
    """A card cannot be used to vote; ``reason`` says why, for the voter's page."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInput(SurveyError):
    pass
