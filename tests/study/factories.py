"""Study test data: a small framework from YAML text, editions with invited cities, focal points."""

import datetime as dt

import yaml
from django.contrib.auth import get_user_model

from cityloom.study.models import Edition, Questionnaire
from cityloom.study.services.editions import create_edition
from cityloom.study.services.frameworks import import_framework, read_framework
from tests.factories import CityFactory, MembershipFactory, UserFactory

SMALL_FRAMEWORK = """
schema_version: 1
id: small-test
name: {en: Small test framework, fr: Petit cadre de test}
structure:
  levels: [axis, factor, indicator]
tree:
- level: axis
  code: ECO
  name: {en: Economy}
  axis: economy
  children:
  - level: factor
    code: ECO.1
    name: {en: Innovation}
    indicators:
    - {code: ECO.1.1, name: {en: R&D spending}, unit: percent of GDP, direction: higher_is_better, tier: core}
    - {code: ECO.1.2, name: {en: Unemployment}, unit: percent, direction: lower_is_better, tier: core}
  - level: factor
    code: ECO.2
    name: {en: Enterprise}
    indicators:
    - {code: ECO.2.1, name: {en: New firms}, unit: per inhabitant, direction: higher_is_better, tier: advanced}
- level: axis
  code: GOV
  name: {en: Governance}
  axis: governance
  children:
  - level: factor
    code: GOV.1
    name: {en: e-Government}
    indicators:
    - {code: GOV.1.1, name: {en: Online services}, unit: yes/no, direction: higher_is_better, value_type: boolean, tier: core}
    - {code: GOV.1.2, name: {en: Schools online}, unit: range, direction: higher_is_better, value_type: category}
    - {code: GOV.1.3, name: {en: Open data sets}, unit: count, direction: higher_is_better}
"""

User = get_user_model()


def translated(text: str) -> str:
    """A framework file with every name and unit also in French and Spanish, as imports ask."""

    def complete(names):
        names = names if isinstance(names, dict) else {"en": names}
        return {"fr": f"{names['en']} (fr)", "es": f"{names['en']} (es)", **names}

    def walk(nodes):
        for node in nodes:
            node["name"] = complete(node["name"])
            if "unit" in node:
                node["unit"] = complete(node["unit"])
            walk(node.get("children", []) + node.get("indicators", []))

    data = yaml.safe_load(text)
    data["name"] = complete(data["name"])
    walk(data["tree"])
    return yaml.safe_dump(data, allow_unicode=True)


def small_framework():
    return import_framework(read_framework(SMALL_FRAMEWORK))


def make_edition(
    commission, *, n_cities=3, year=2014, status=Edition.Status.OPEN, framework=None, names=None
):
    framework = framework or small_framework()
    names = names or [f"City {chr(65 + i)}" for i in range(n_cities)]
    cities = []
    for i, name in enumerate(names):
        city = CityFactory(name=name, geonames_id=8_000_000 + i, population=200_000 * (i + 1))
        MembershipFactory(city=city, commission=commission)
        cities.append(city)
    edition = create_edition(
        commission=commission,
        framework=framework,
        year=year,
        title=f"Smart Cities Study {year}",
        cities=cities,
        calendar={"opens_on": dt.date(year, 1, 1)},
    )
    edition.status = status
    edition.save()
    return edition


def focal_point(city, **kwargs):
    return UserFactory(city=city, role=User.Role.FOCAL_POINT, **kwargs)


def questionnaire(edition, city) -> Questionnaire:
    return Questionnaire.objects.get(edition=edition, city=city)
