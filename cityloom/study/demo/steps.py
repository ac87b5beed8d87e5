"""Named steps the Study's demo data file calls: generated answers, then the platform's index.

Values are drawn from seeded generators so that every demo shows the same numbers; each
edition is flagged `is_demo`, and every page of it says so. A later edition grows from the
values stored for its base edition. An edition still open (the demo's present-day layer) keeps
some questionnaires in the cities' hands: drafts partly answered, others submitted and waiting
for review, the rest accepted.
"""

import datetime as dt

import numpy as np

from cityloom.study.models import Answer, Computation, Edition, Node, Questionnaire, Value
from cityloom.study.services.computation import run_computation
from cityloom.study.services.editions import create_edition
from cityloom.study.services.frameworks import ensure_shipped_frameworks


def _draw(node: Node, quality: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Plausible values for one indicator, better for cities of higher latent quality."""
    sign = -1.0 if node.direction == Node.Direction.LOWER else 1.0
    z = 0.5 * sign * quality + 0.85 * rng.standard_normal(quality.size)
    unit = node.unit.lower()
    if node.value_type == Node.ValueType.BOOLEAN:
        return (z > rng.normal(-0.3, 0.3)).astype(float)
    if node.value_type == Node.ValueType.CATEGORY:
        return np.clip(np.round(2.5 + z), 1, len(node.categories) or 4)
    if "percent" in unit or "survey" in unit or unit == "index":
        centre = rng.uniform(25, 65)
        return np.clip(centre + 14 * z, 0.5, 99.5).round(1)
    if "hours" in unit:
        return np.clip(5.5 + 1.4 * z, 1, 12).round(1)
    if "µg" in unit:
        return np.clip(28 + 8 * z, 5, 80).round(1)
    if "days" in unit:
        return np.clip(25 + 12 * z, 0, 120).round(0)
    if "per inhabitant" in unit or "per resident" in unit or "per employed" in unit:
        return np.exp(rng.uniform(-3, 1) + 0.35 * z).round(4)
    return np.exp(rng.uniform(2, 5) + 0.45 * z).round(2)


def _grow(node: Node, base: np.ndarray, fresh: np.ndarray, quality: np.ndarray, rng) -> np.ndarray:
    """The base edition's values a little better, for a city that answered both."""
    sign = -1.0 if node.direction == Node.Direction.LOWER else 1.0
    growth = rng.normal(0.04, 0.05, size=base.size) + 0.03 * quality
    base = np.where(np.isnan(base), fresh, base)
    if node.value_type in (Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY):
        return np.maximum(base, fresh) if sign > 0 else base
    grown = base * (1 + sign * growth)
    low, high = node.bounds()
    grown = np.clip(grown, low if low is not None else 0, high if high is not None else np.inf)
    return grown.round(4)


def generate_edition(
    *,
    commission,
    year: int,
    title: str,
    title_fr: str,
    title_es: str,
    cities: list,
    calendar: dict[str, dt.date],
    submitted_on: dt.date,
    reviewed_on: dt.date,
    actions: dict[str, str],
    seed: int,
    framework: str = "giffinger-2007",
    base_year: int | None = None,
    drafts: list | None = None,
    draft_share: float = 0.4,
    waiting_review: list | None = None,
) -> Edition | None:
    """Create the edition with every questionnaire answered and accepted; nothing if it exists.

    `drafts`: cities whose questionnaire is still a draft, about `draft_share` of it answered;
    `waiting_review`: cities that submitted theirs on `submitted_on`, waiting for review. Given
    either, the edition is open for data; the others were accepted on `reviewed_on`.
    """
    draft_ids = {c.pk for c in drafts or []}
    waiting_ids = {c.pk for c in waiting_review or []}
    if Edition.objects.filter(commission=commission, year=year).exists():
        return None
    base = Edition.objects.get(commission=commission, year=base_year) if base_year else None
    edition = create_edition(
        commission=commission,
        framework=ensure_shipped_frameworks()[framework],
        year=year,
        title=title,
        title_fr=title_fr,
        title_es=title_es,
        cities=cities,
        calendar=calendar,
        base_edition=base,
        is_demo=True,
    )
    rng = np.random.default_rng(seed)
    # A city's latent quality is its own, whatever the edition: seeded by its GeoNames id.
    quality = np.array([np.random.default_rng(c.geonames_id).standard_normal() for c in cities])
    before: dict[tuple[str, int], float] = {}
    if base is not None:
        for code, number, city_id in Value.objects.filter(questionnaire__edition=base).values_list(
            "indicator__code", "number", "questionnaire__city_id"
        ):
            before[(code, city_id)] = number
    questionnaires = {q.city_id: q for q in edition.questionnaires.all()}
    rows = []
    for node in edition.framework.nodes.indicators().order_by("position"):
        drawn = _draw(node, quality, rng)
        if base is not None:
            previous = np.array([before.get((node.code, c.pk), np.nan) for c in cities])
            drawn = _grow(node, previous, drawn, quality, rng)
        missing = rng.random(len(cities)) < 0.04  # a few gaps, as in any real questionnaire
        # A draft's questions still to do (drawn only then: the other editions keep their numbers).
        unanswered = (
            rng.random(len(cities)) >= draft_share if draft_ids else np.zeros(len(cities), bool)
        )
        for city, value, gap, todo in zip(
            cities, drawn.tolist(), missing.tolist(), unanswered.tolist(), strict=True
        ):
            if not gap and not (city.pk in draft_ids and todo):
                rows.append(
                    Value(
                        questionnaire=questionnaires[city.pk],
                        indicator=node,
                        number=float(value),
                        year=year - int(rng.integers(0, 2)),
                        source="Demo data (generated)",
                    )
                )
    Value.objects.bulk_create(rows, batch_size=1000)
    answers = []
    for group in edition.framework.nodes.top():
        what = actions.get(group.axis, actions.get("default", "a digital strategy"))
        for city in cities:
            q = questionnaires[city.pk]
            answers.append(
                Answer(
                    questionnaire=q,
                    group=group,
                    kind=Answer.Kind.ACTIONS,
                    text=f"[Demo text] {city.name} has {what}.",
                )
            )
            if rng.random() < 0.3:
                answers.append(
                    Answer(
                        questionnaire=q,
                        group=group,
                        kind=Answer.Kind.EXPERIENCE,
                        text=f"[Demo text] {city.name} shares its experience of {what}, "
                        "with results measured each year.",
                    )
                )
    Answer.objects.bulk_create(answers)
    # The edition's own account of time, not the day the demo was loaded.
    noon = dt.time(12, tzinfo=dt.UTC)
    opened, submitted, reviewed = (
        dt.datetime.combine(d, noon) for d in (calendar["opens_on"], submitted_on, reviewed_on)
    )
    is_open = bool(draft_ids or waiting_ids)
    Edition.objects.filter(pk=edition.pk).update(
        created_at=opened,
        updated_at=opened,
        status=Edition.Status.OPEN if is_open else edition.status,
    )
    Value.objects.filter(questionnaire__edition=edition).update(updated_at=submitted)
    questionnaires = edition.questionnaires.all()
    questionnaires.update(created_at=opened)
    questionnaires.exclude(city__in=draft_ids | waiting_ids).update(
        status=Questionnaire.Status.ACCEPTED,
        submitted_at=submitted,
        reviewed_at=reviewed,
        updated_at=reviewed,
    )
    questionnaires.filter(city__in=waiting_ids).update(
        status=Questionnaire.Status.SUBMITTED, submitted_at=submitted, updated_at=submitted
    )
    # A draft was last saved between the opening and the submissions of the others.
    saved = opened + (submitted - opened) / 2
    questionnaires.filter(city__in=draft_ids).update(updated_at=saved)
    Value.objects.filter(questionnaire__city__in=draft_ids, questionnaire__edition=edition).update(
        updated_at=saved
    )
    return edition


def publish_edition(*, edition: Edition, published_at: dt.datetime) -> Edition:
    """Compute the index with the platform's own computation and publish it on that date."""
    computation = run_computation(Computation.objects.create(edition=edition).pk)
    if computation.status != Computation.Status.DONE:
        raise RuntimeError(f"demo computation failed: {computation.errors}")
    Computation.objects.filter(pk=computation.pk).update(
        created_at=published_at, updated_at=published_at, finished_at=published_at
    )
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.PUBLISHED,
        published_computation=computation,
        published_at=published_at,
        updated_at=published_at,
    )
    edition.refresh_from_db()
    return edition
