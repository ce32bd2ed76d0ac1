"""Form pieces every blueprint uses."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import SelectChoice


def choices(labels: Mapping[str, object]) -> list[SelectChoice]:
    """``SelectChoice`` objects: WTForms 3.3 deprecates a dict whose labels are lazy strings."""
    return [SelectChoice(value, label) for value, label in labels.items()]


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons."""
