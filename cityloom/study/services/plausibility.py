"""Plausibility warnings on a typed value: far from the peers, or from the city's last edition.

The live check shows them to a city while it types, so what they are computed from must be
public or reviewed: never another city's draft (see `peer_numbers`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from cityloom.core.i18n import signed, signed_percent
from cityloom.study.models import Edition, Node, Questionnaire, Value

ROBUST_Z_LIMIT = 3.5
MIN_PEERS = 5
PREVIOUS_CHANGE_LIMIT = 0.5


def robust_z(x: float, peers: list[float]) -> float | None:
    """(x - median) / (1.4826 · MAD) among peers; None when there are too few or no spread."""
    if len(peers) < MIN_PEERS:
        return None
    values = np.asarray(peers, dtype=float)
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median)))
    if mad == 0:
        return None
    return (x - median) / (1.4826 * mad)


def peer_numbers(questionnaire: Questionnaire, indicator: Node) -> list[float]:
    """What a value is compared with: never another city's answer that is not reviewed.

    The live check answers any member of the city while they type, so probing it would reveal
    the median and spread of the peers. The peers are therefore the values the secretariat
    accepted in this edition when there are enough of them, else the values the latest
    published edition of the commission published for the same indicator code (public in its
    open data). Drafts, returned and unreviewed questionnaires never count.
    """
    return comparison(questionnaire, [indicator]).peers[indicator.code]


def previous_value(questionnaire: Questionnaire, indicator: Node) -> tuple[int, float] | None:
    """The city's value for the same indicator code in its latest earlier edition."""
    return comparison(questionnaire, [indicator]).previous.get(indicator.code)


@dataclass(frozen=True)
class Comparison:
    """What a questionnaire's values are compared with, by indicator code: the peers' numbers
    (as `peer_numbers` chooses them) and the city's previous (year, value)."""

    peers: dict[str, list[float]]
    previous: dict[str, tuple[int, float]]


def comparison(questionnaire: Questionnaire, indicators: Iterable[Node]) -> Comparison:
    """`peer_numbers` and `previous_value` of many indicators at once: at most four queries
    whatever their number (a save read them per row: 12 queries for one row, 20 for four)."""
    numeric = list(indicators)
    if not numeric:
        return Comparison({}, {})
    accepted: dict[int, list[float]] = defaultdict(list)
    rows = (
        Value.objects.filter(
            questionnaire__edition_id=questionnaire.edition_id,
            questionnaire__status=Questionnaire.Status.ACCEPTED,
            indicator__in=numeric,
            number__isnull=False,
        )
        .exclude(questionnaire=questionnaire)
        .values_list("indicator_id", "number")
    )
    for indicator_id, number in rows:
        accepted[indicator_id].append(number)
    peers = {n.code: accepted[n.pk] for n in numeric}
    short = [n.code for n in numeric if len(accepted[n.pk]) < MIN_PEERS]
    if short and (published := _latest_published_before(questionnaire)) is not None:
        published_numbers: dict[str, list[float]] = defaultdict(list)
        rows = (
            Value.objects.filter(
                questionnaire__edition=published,
                questionnaire__status__in=(
                    Questionnaire.Status.SUBMITTED,
                    Questionnaire.Status.ACCEPTED,
                ),
                indicator__code__in=short,
                number__isnull=False,
            )
            .exclude(questionnaire__city_id=questionnaire.city_id)
            .values_list("indicator__code", "number")
        )
        for code, number in rows:
            published_numbers[code].append(number)
        peers.update({code: published_numbers[code] for code in short})
    previous: dict[str, tuple[int, float]] = {}
    rows = (
        Value.objects.filter(
            questionnaire__city_id=questionnaire.city_id,
            questionnaire__edition__commission_id=questionnaire.edition.commission_id,
            questionnaire__edition__year__lt=questionnaire.edition.year,
            indicator__code__in=[n.code for n in numeric],
            number__isnull=False,
        )
        .order_by("-questionnaire__edition__year")
        .values_list("indicator__code", "questionnaire__edition__year", "number")
    )
    for code, year, number in rows:
        previous.setdefault(code, (year, number))
    return Comparison(peers, previous)


def _latest_published_before(questionnaire: Questionnaire) -> Edition | None:
    return (
        Edition.objects.published()
        .filter(
            commission_id=questionnaire.edition.commission_id,
            year__lt=questionnaire.edition.year,
        )
        .order_by("-year")
        .first()
    )


def warnings_for(
    questionnaire: Questionnaire,
    indicator: Node,
    number: float,
    *,
    compared: Comparison | None = None,
) -> list[str]:
    """Plausibility warnings: far from the peers (robust z-score) or from the previous edition.

    `compared` is `comparison(...)` read once for a whole save; without it, this row's is read.
    """
    if indicator.value_type in (Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY):
        return []
    if compared is None:
        compared = comparison(questionnaire, [indicator])
    out = []
    z = robust_z(number, compared.peers.get(indicator.code, []))
    if z is not None and abs(z) > ROBUST_Z_LIMIT:
        out.append(
            _("This value is far from the other cities' (robust z-score %(z)s): please check it.")
            % {"z": signed(z, 1)}
        )
    previous = compared.previous.get(indicator.code)
    if previous is not None:
        year, before = previous
        if before != 0 and abs(number - before) / abs(before) > PREVIOUS_CHANGE_LIMIT:
            out.append(
                _("This value changed by %(change)s since %(year)s (%(before)s): please check it.")
                % {
                    "change": signed_percent((number - before) / abs(before)),
                    "year": year,
                    "before": f"{before:g}",
                }
            )
    return out
