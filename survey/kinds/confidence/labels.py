"""The names of the confidence poll's levels and bands, as ballots and documents print them."""

from __future__ import annotations

from collections.abc import Mapping

from survey.i18n import _l
from survey.kinds.base import Label
from survey.tally.confidence import Band, Level

LEVEL_LABELS: Mapping[str, Label] = {
    Level.high: _l("Tín nhiệm cao"),
    Level.confidence: _l("Tín nhiệm"),
    Level.low: _l("Tín nhiệm thấp"),
}

BAND_LABELS = {
    Band.over_half_low: _l("Trên 1/2 đến dưới 2/3 tín nhiệm thấp"),
    Band.two_thirds_low: _l("Từ 2/3 trở lên tín nhiệm thấp"),
}
