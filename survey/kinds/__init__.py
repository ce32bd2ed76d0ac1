"""The kinds of round, and the one registry that maps a round's kind to its object.

Everything that differs by kind lives in the kind's module (:mod:`survey.kinds.confidence`,
:mod:`~survey.kinds.no_confidence`, :mod:`~survey.kinds.appraisal`,
:mod:`~survey.kinds.nomination`, :mod:`~survey.kinds.approval`), as a
:class:`~survey.kinds.base.Kind`. Code elsewhere calls
:func:`kind_of` and the kind's methods; it never asks which kind a round is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import click
from flask import Blueprint

from survey.errors import InvalidInput
from survey.i18n import _l
from survey.kinds.appraisal import APPRAISAL
from survey.kinds.approval import APPROVAL, COLLECTIVE_VOTE
from survey.kinds.base import Kind
from survey.kinds.confidence import CONFIDENCE
from survey.kinds.no_confidence import NO_CONFIDENCE
from survey.kinds.nomination import NOMINATION

#: Every kind, by its stored name, in the order the organizer's list offers them.
KINDS: Mapping[str, Kind] = {
    kind.name: kind for kind in (CONFIDENCE, NO_CONFIDENCE, APPRAISAL, NOMINATION, APPROVAL,
                                 COLLECTIVE_VOTE)
}


class HasKind(Protocol):
    """Anything with a ``kind`` name: a round, a card check, a report."""

    @property
    def kind(self) -> str: ...


def kind_named(name: str) -> Kind:
    """The kind stored as ``name``.

    :raises InvalidInput: if there is no such kind.
    """
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidInput(_l("Loại đợt không hợp lệ: %(kind)s", kind=name)) from None


def kind_of(thing: HasKind) -> Kind:
    """The kind of a round (or of anything that names one)."""
    return KINDS[thing.kind]


def blueprints() -> list[Blueprint]:
    """The kinds' own pages, once each (the app registers them)."""
    found = [each.blueprint for each in KINDS.values() if each.blueprint is not None]
    return list(dict.fromkeys(found))


def commands() -> list[click.Command]:
    """The kinds' own ``survey`` commands."""
    return [command for each in KINDS.values() for command in each.commands]


def labels() -> dict[str, object]:
    """Each kind's name and label, in the registry's order (for choosing a kind)."""
    return {name: kind.label for name, kind in KINDS.items()}


__all__ = ["KINDS", "Kind", "blueprints", "commands", "kind_named", "kind_of", "labels"]
