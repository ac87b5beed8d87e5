"""Demo data: the 2012 edition (28 cities) and a 2014 edition, generated, computed and published.

Values are drawn from a seeded generator so that every demo shows the same numbers; each
edition is flagged `is_demo`, and every page of it says so.
"""

import datetime as dt

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cityloom.network import demo as network_demo
from cityloom.network.models import City, Commission

from .models import Answer, Computation, Edition, Node, Questionnaire, Value
from .services.computation import run_computation
from .services.editions import create_edition
from .services.frameworks import ensure_shipped_frameworks

User = get_user_model()
LEFT_OUT_2012 = {3130564, 3530597}  # Alcorcón and Mexico City joined in 2013
ACTIONS = {
    "economy": "a municipal agency that helps start-ups and puts local shops online",
    "people": "free digital-skills courses in libraries and civic centres",
    "governance": "an open-data portal and most procedures available online",
    "mobility": "real-time public transport information and a bike-sharing scheme",
    "environment": "sensors that measure air quality and smart street lighting",
    "living": "telecare for elderly residents and online booking of sports facilities",
}


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


def _fill(edition: Edition, cities: list[City], quality: dict[int, float], values_by_city, rng):
    indicators = list(edition.framework.nodes.indicators().order_by("position"))
    questionnaires = {q.city_id: q for q in edition.questionnaires.all()}
    q_vec = np.array([quality[c.pk] for c in cities])
    rows = []
    for node in indicators:
        previous = values_by_city.get(node.code)
        if previous is None:
            drawn = _draw(node, q_vec, rng)
        else:
            sign = -1.0 if node.direction == Node.Direction.LOWER else 1.0
            growth = rng.normal(0.04, 0.05, size=len(cities)) + 0.03 * q_vec
            base = np.array([previous.get(c.pk, np.nan) for c in cities])
            fresh = _draw(node, q_vec, rng)
            base = np.where(np.isnan(base), fresh, base)
            if node.value_type in (Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY):
                drawn = np.maximum(base, fresh) if sign > 0 else base
            else:
                drawn = base * (1 + sign * growth)
                low, high = node.bounds()
                drawn = np.clip(
                    drawn, low if low is not None else 0, high if high is not None else np.inf
                )
                drawn = drawn.round(4)
        # A few gaps, as in any real questionnaire.
        missing = rng.random(len(cities)) < 0.04
        values_by_city[node.code] = {}
        for city, value, gap in zip(cities, drawn.tolist(), missing.tolist(), strict=True):
            values_by_city[node.code][city.pk] = value
            if gap:
                continue
            rows.append(
                Value(
                    questionnaire=questionnaires[city.pk],
                    indicator=node,
                    number=float(value),
                    year=edition.year - int(rng.integers(0, 2)),
                    source="Demo data (generated)",
                )
            )
    Value.objects.bulk_create(rows, batch_size=1000)
    answers = []
    for group in edition.framework.nodes.top():
        for city in cities:
            q = questionnaires[city.pk]
            what = ACTIONS.get(group.axis, "a digital strategy")
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
    now = timezone.now()
    edition.questionnaires.update(
        status=Questionnaire.Status.ACCEPTED, submitted_at=now, reviewed_at=now
    )


def _publish(edition: Edition) -> None:
    computation = Computation.objects.create(edition=edition)
    computation = run_computation(computation.pk)
    if computation.status != Computation.Status.DONE:
        raise RuntimeError(f"demo computation failed: {computation.errors}")
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.PUBLISHED,
        published_computation=computation,
        published_at=timezone.now(),
    )
    edition.refresh_from_db()


def load_demo() -> list[Edition]:
    """Create and publish the 2012 and 2014 demo editions (idempotent)."""
    commission = Commission.objects.filter(slug="digital-cities").first()
    if commission is None:
        network_demo.load_demo()
        commission = Commission.objects.get(slug="digital-cities")
    frameworks = ensure_shipped_frameworks()
    framework = frameworks["giffinger-2007"]
    members = {c.geonames_id: c for c in City.objects.filter(memberships__commission=commission)}
    ordered = [members[gid] for gid, _year in network_demo.DIGITAL_MEMBERS if gid in members]
    cities_2012 = [c for c in ordered if c.geonames_id not in LEFT_OUT_2012][:28]
    rng = np.random.default_rng(2012)
    quality = {
        c.pk: float(q) for c, q in zip(ordered, rng.standard_normal(len(ordered)), strict=True)
    }
    values: dict = {}
    out = []
    for year, cities, base in ((2012, cities_2012, None), (2014, ordered, 2012)):
        edition = Edition.objects.filter(commission=commission, year=year).first()
        if edition is None:
            with transaction.atomic():
                edition = create_edition(
                    commission=commission,
                    framework=framework,
                    year=year,
                    title=f"Smart Cities Study {year}",
                    title_fr=f"Étude Smart Cities {year}",
                    title_es=f"Estudio Smart Cities {year}",
                    cities=cities,
                    calendar={
                        "opens_on": dt.date(year, 2, 1),
                        "closes_on": dt.date(year, 5, 31),
                        "review_by": dt.date(year, 7, 15),
                        "publish_on": dt.date(year, 10, 1),
                    },
                    base_edition=Edition.objects.filter(commission=commission, year=base).first()
                    if base
                    else None,
                    is_demo=True,
                )
                _fill(edition, cities, quality, values, rng)
        else:
            # Later editions grow from the stored values, so a rerun draws the same numbers.
            for code, number, city_id in Value.objects.filter(
                questionnaire__edition=edition
            ).values_list("indicator__code", "number", "questionnaire__city_id"):
                values.setdefault(code, {})[city_id] = number
        if not edition.is_published:
            _publish(edition)
        out.append(edition)
    return out
