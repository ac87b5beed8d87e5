"""Open data: a published edition as CSV, XLSX and JSON (values, scores, ranks, metadata, licence)."""

import csv
import io
import json

from django.conf import settings
from openpyxl import Workbook

from .models import Computation, Edition
from .queries import Structure


def _rows(edition: Edition, computation: Computation):
    structure = Structure.of(computation)
    groups = list(structure.groups)
    codes = computation.snapshot.get("codes", [])
    units = computation.snapshot.get("units", [])
    raw = dict(zip(units, computation.snapshot.get("X", []), strict=False))
    results = computation.results.select_related("city").order_by("rank", "city__name")
    header = [
        "geonames_id",
        "city",
        "country",
        "region",
        "population",
        "score",
        "rank",
        "rank_p05",
        "rank_p95",
        "coverage",
        *[f"score_{g}" for g in groups],
        *[f"rank_{g}" for g in groups],
        *[f"value_{c}" for c in codes],
    ]
    rows = []
    for r in results:
        values = raw.get(str(r.city.geonames_id), [None] * len(codes))
        rows.append(
            [
                r.city.geonames_id,
                r.city.name,
                r.city.country_code,
                r.city.region,
                r.city.population,
                r.score,
                r.rank,
                r.rank_low,
                r.rank_high,
                round(r.coverage, 4),
                *[r.groups.get(g) for g in groups],
                *[r.group_ranks.get(g) for g in groups],
                *values,
            ]
        )
    return header, rows, structure


def metadata(edition: Edition, computation: Computation) -> dict:
    structure = computation.structure
    return {
        "title": edition.title,
        "year": edition.year,
        "commission": edition.commission.name,
        "framework": edition.framework.slug,
        "published_at": edition.published_at.isoformat() if edition.published_at else None,
        "licence": edition.licence,
        "demo_data": edition.is_demo,
        "method": computation.snapshot.get("pipeline"),
        "uncertainty": computation.snapshot.get("uncertainty"),
        "comparable_basis": computation.comparable_basis,
        "groups": structure.get("groups", []),
        "indicators": structure.get("indicators", []),
        "included_indicators": structure.get("included", []),
        "source": settings.SITE_URL + edition.get_absolute_url(),
    }


def as_csv(edition: Edition, computation: Computation) -> str:
    header, rows, _s = _rows(edition, computation)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def as_xlsx(edition: Edition, computation: Computation) -> bytes:
    header, rows, structure = _rows(edition, computation)
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append(header)
    for row in rows:
        ws.append(row)
    meta = wb.create_sheet("indicators")
    meta.append(["code", "name", "parent", "unit", "direction", "tier", "value_type"])
    for i in structure.raw.get("indicators", []):
        meta.append(
            [
                i["code"],
                i["name"],
                i["parent"],
                i["unit"],
                i["direction"],
                i["tier"],
                i["value_type"],
            ]
        )
    about = wb.create_sheet("metadata")
    info = metadata(edition, computation)
    for key in (
        "title",
        "year",
        "commission",
        "framework",
        "published_at",
        "licence",
        "demo_data",
        "source",
    ):
        about.append([key, str(info[key])])
    about.append(["method", json.dumps(info["method"])])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_json(edition: Edition, computation: Computation) -> str:
    header, rows, _s = _rows(edition, computation)
    return json.dumps(
        {
            "metadata": metadata(edition, computation),
            "cities": [dict(zip(header, r, strict=True)) for r in rows],
        },
        ensure_ascii=False,
    )
