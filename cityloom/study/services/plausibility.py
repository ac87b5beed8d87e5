"""Plausibility warnings on a typed value: far from the peers, or from the city's last edition.

The live check shows them to a city while it types, so what they are computed from must be
public or reviewed: never another city's draft (see `peer_numbers`).
"""

import numpy as np
from django.utils.translation import gettext as _

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
    accepted = list(
        Value.objects.filter(
            questionnaire__edition_id=questionnaire.edition_id,
            questionnaire__status=Questionnaire.Status.ACCEPTED,
            indicator=indicator,
            number__isnull=False,
        )
        .exclude(questionnaire=questionnaire)
        .values_list("number", flat=True)
    )
    if len(accepted) >= MIN_PEERS:
        return accepted
    published = (
        Edition.objects.published()
        .filter(
            commission_id=questionnaire.edition.commission_id,
            year__lt=questionnaire.edition.year,
        )
        .order_by("-year")
        .first()
    )
    if published is None:
        return accepted
    # What the computation counted (and the open data published): submitted or accepted.
    return list(
        Value.objects.filter(
            questionnaire__edition=published,
            questionnaire__status__in=(
                Questionnaire.Status.SUBMITTED,
                Questionnaire.Status.ACCEPTED,
            ),
            indicator__code=indicator.code,
            number__isnull=False,
        )
        .exclude(questionnaire__city_id=questionnaire.city_id)
        .values_list("number", flat=True)
    )


def previous_value(questionnaire: Questionnaire, indicator: Node) -> tuple[int, float] | None:
    """The city's value for the same indicator code in its latest earlier edition."""
    return (
        Value.objects.filter(
            questionnaire__city_id=questionnaire.city_id,
            questionnaire__edition__commission_id=questionnaire.edition.commission_id,
            questionnaire__edition__year__lt=questionnaire.edition.year,
            indicator__code=indicator.code,
            number__isnull=False,
        )
        .order_by("-questionnaire__edition__year")
        .values_list("questionnaire__edition__year", "number")
        .first()
    )


def warnings_for(questionnaire: Questionnaire, indicator: Node, number: float) -> list[str]:
    """Plausibility warnings: far from the peers (robust z-score) or from the previous edition."""
    if indicator.value_type in (Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY):
        return []
    out = []
    z = robust_z(number, peer_numbers(questionnaire, indicator))
    if z is not None and abs(z) > ROBUST_Z_LIMIT:
        out.append(
            _("This value is far from the other cities' (robust z-score %(z)s): please check it.")
            % {"z": f"{z:+.1f}"}
        )
    previous = previous_value(questionnaire, indicator)
    if previous is not None:
        year, before = previous
        if before != 0 and abs(number - before) / abs(before) > PREVIOUS_CHANGE_LIMIT:
            out.append(
                _("This value changed by %(change)s since %(year)s (%(before)s): please check it.")
                % {
                    "change": f"{(number - before) / abs(before):+.0%}",
                    "year": year,
                    "before": f"{before:g}",
                }
            )
    return out
