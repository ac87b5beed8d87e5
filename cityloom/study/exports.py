"""Open data: a published edition as CSV, XLSX and JSON (values, scores, ranks, metadata, licence).

Every column has a code (`score_ECO.1`, `value_ECO.1.1`: stable, for programs) and a heading
in the reader's language ("Score — Smart economy"). Each format carries both:

- CSV: two header rows, the headings first, then the codes; `?header=codes` gives the former
  layout, the codes as the only header row, for scripts that read it with a plain CSV reader.
- XLSX: one header row of headings on the "results" sheet, so that a spreadsheet filters and
  sorts it as it is; the "columns" sheet is the data dictionary: each column's heading, code
  and meaning.
- JSON: keyed by the codes, as before.
"""

import csv
import io
import json

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Computation, Edition
from .queries import Structure, label


def _fixed_columns() -> list[tuple[str, str, str]]:
    """(code, heading, meaning) of the columns every edition has, in the reader's language."""
    return [
        ("geonames_id", _("GeoNames id"), _("The city's identifier at geonames.org.")),
        ("city", _("City"), _("The city's name.")),
        ("country", _("Country code"), _("The country's ISO 3166 code.")),
        ("region", _("Region"), _("The world region, as a code.")),
        ("population", _("Population"), _("Inhabitants.")),
        ("score", _("Score"), _("The composite index, from 0 to 100.")),
        ("rank", _("Rank"), _("The rank on the composite index.")),
        (
            "rank_p05",
            _("Rank, best likely (5th percentile)"),
            _("The best rank the uncertainty analysis found likely."),
        ),
        (
            "rank_p95",
            _("Rank, worst likely (95th percentile)"),
            _("The worst rank the uncertainty analysis found likely."),
        ),
        ("coverage", _("Data coverage"), _("The share of indicators with a value, from 0 to 1.")),
    ]


def _name(item: dict) -> str:
    """An axis in the reader's language (`label`); a factor or indicator by its own names only.

    Factors and indicators carry their axis too: they must not all be called by its name.
    """
    if item.get("parent") is None:
        return label(item)
    return item.get(f"name_{(get_language() or 'en')[:2]}") or item["name"]


def columns(structure: Structure, groups: list[str], codes: list[str]) -> list[dict]:
    """Each column of the results, in order: its code, its heading and what it holds."""
    result = [{"code": c, "heading": h, "meaning": m} for c, h, m in _fixed_columns()]
    names = {g: _name(structure.groups[g]) if g in structure.groups else g for g in groups}
    for g in groups:
        result.append(
            {
                "code": f"score_{g}",
                "heading": _("Score — %(name)s") % {"name": names[g]},
                "meaning": _("The score of %(code)s, from 0 to 100.") % {"code": g},
            }
        )
    for g in groups:
        result.append(
            {
                "code": f"rank_{g}",
                "heading": _("Rank — %(name)s") % {"name": names[g]},
                "meaning": _("The rank on %(code)s.") % {"code": g},
            }
        )
    for c in codes:
        indicator = structure.indicators.get(c, {})
        name = _name(indicator) if indicator else c
        unit = indicator.get("unit")
        result.append(
            {
                "code": f"value_{c}",
                "heading": (
                    _("Value — %(name)s (%(unit)s)") % {"name": name, "unit": unit}
                    if unit
                    else _("Value — %(name)s") % {"name": name}
                ),
                "meaning": _("The value the city gave for indicator %(code)s.") % {"code": c},
            }
        )
    return result


def _rows(edition: Edition, computation: Computation):
    structure = Structure.of(computation)
    groups = list(structure.groups)
    codes = computation.snapshot.get("codes", [])
    units = computation.snapshot.get("units", [])
    raw = dict(zip(units, computation.snapshot.get("X", []), strict=False))
    results = computation.results.select_related("city").order_by("rank", "city__name")
    header = [
        *[code for code, _heading, _meaning in _fixed_columns()],
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
    return header, rows, structure, columns(structure, groups, codes)


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


def as_csv(edition: Edition, computation: Computation, *, codes_only: bool = False) -> str:
    """Headings in the reader's language, then the codes; only the codes with `codes_only`."""
    header, rows, _s, described = _rows(edition, computation)
    out = io.StringIO()
    writer = csv.writer(out)
    if not codes_only:
        writer.writerow([c["heading"] for c in described])
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def as_xlsx(edition: Edition, computation: Computation) -> bytes:
    _header, rows, structure, described = _rows(edition, computation)
    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append([c["heading"] for c in described])
    ws.freeze_panes = "C2"  # the headings and the city stay in view
    for row in rows:
        ws.append(row)
    # The data dictionary: the codes of the former header row, and what each column holds.
    dictionary = wb.create_sheet("columns")
    dictionary.append([_("Column"), _("Heading"), _("Code"), _("Meaning")])
    for number, column in enumerate(described, start=1):
        dictionary.append(
            [
                ws.cell(row=1, column=number).column_letter,
                column["heading"],
                column["code"],
                column["meaning"],
            ]
        )
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
    header, rows, _s, _described = _rows(edition, computation)
    return json.dumps(
        {
            "metadata": metadata(edition, computation),
            "cities": [dict(zip(header, r, strict=True)) for r in rows],
        },
        ensure_ascii=False,
    )
