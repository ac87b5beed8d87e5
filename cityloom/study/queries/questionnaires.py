"""Reads of the cities' questionnaires: a city's page, its history, the follow-up."""

from collections import Counter
from typing import Any

from cityloom.study import permissions
from cityloom.study.models import Edition, Questionnaire, Value, ValueChange
from cityloom.study.services.questionnaire import display_value


def questionnaires_of_city(city_id: int) -> list[Questionnaire]:
    """The city's questionnaires of every edition opened to cities, newest first."""
    return list(
        Questionnaire.objects.filter(city_id=city_id)
        .exclude(edition__status=Edition.Status.DRAFT)
        .select_related("edition", "city")
        .order_by("-edition__year")
    )


def questionnaire_sections(questionnaire: Questionnaire, user) -> list[dict[str, Any]]:
    """Indicators grouped by axis, with the city's values and what may be changed."""
    nodes = list(questionnaire.edition.framework.nodes.order_by("position"))
    values = {v.indicator_id: v for v in questionnaire.values.all()}
    answers = {(a.group_id, a.kind): a for a in questionnaire.answers.all()}
    by_parent: dict = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)
    sections = []

    def walk(node, depth, items):
        for child in by_parent.get(node.pk, []):
            if child.is_indicator:
                value = values.get(child.pk)
                items.append(
                    {
                        "node": child,
                        "value": value,
                        "shown": display_value(child, value.number) if value else "",
                        "editable": permissions.can_edit_value(user, questionnaire, value),
                    }
                )
            else:
                items.append({"heading": child, "depth": depth})
                walk(child, depth + 1, items)

    for top in by_parent.get(None, []):
        items: list = []
        walk(top, 0, items)
        sections.append(
            {
                "axis": top,
                "items": items,
                "actions": answers.get((top.pk, "actions")),
                "experience": answers.get((top.pk, "experience")),
            }
        )
    return sections


def value_changes(questionnaire: Questionnaire):
    """Every change of the questionnaire's values, with the indicator and who made it."""
    return ValueChange.objects.filter(value__questionnaire=questionnaire).select_related(
        "value__indicator", "by"
    )


def completeness(edition: Edition) -> dict[str, Any]:
    """Answered indicators by city and by indicator (the secretariat's follow-up)."""
    indicators = list(edition.framework.nodes.indicators().order_by("position"))
    total = len(indicators)
    core_ids = {n.pk for n in indicators if n.is_core}
    questionnaires = list(edition.questionnaires.select_related("city").order_by("city__name"))
    answered = Counter()
    core_answered = Counter()
    by_indicator = Counter()
    for qid, iid in Value.objects.filter(
        questionnaire__edition=edition, number__isnull=False
    ).values_list("questionnaire_id", "indicator_id"):
        answered[qid] += 1
        by_indicator[iid] += 1
        if iid in core_ids:
            core_answered[qid] += 1
    n = len(questionnaires) or 1
    return {
        "cities": [
            {
                "questionnaire": q,
                "answered": answered[q.pk],
                "share": answered[q.pk] / total if total else 0,
                "core_missing": len(core_ids) - core_answered[q.pk],
            }
            for q in questionnaires
        ],
        "indicators": [
            {"indicator": i, "answered": by_indicator[i.pk], "share": by_indicator[i.pk] / n}
            for i in indicators
        ],
        "total": total,
        "statuses": Counter(q.status for q in questionnaires),
    }
