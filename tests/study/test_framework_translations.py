"""Framework names in three languages: the shipped files, the importer's check, the pages."""

import html
import pickle
import re

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.utils import translation

from cityloom.study.models import Framework, Node
from cityloom.study.names import LocalName
from cityloom.study.queries import label
from cityloom.study.services.editions import publish_edition
from cityloom.study.services.frameworks import (
    CROSSWALK,
    FRAMEWORKS_DIR,
    FrameworkImportError,
    derive_framework,
    ensure_shipped_frameworks,
    import_framework,
    import_framework_file,
    missing_translations,
    read_framework,
)
from tests.study.factories import focal_point, make_edition
from tests.study.test_study_computation import fill, run

pytestmark = pytest.mark.django_db

SHIPPED_TREES = sorted(p.name for p in FRAMEWORKS_DIR.glob("*.yaml") if p != CROSSWALK)

FRAMEWORK = """
schema_version: 1
id: three-languages
name: {en: Three languages, fr: Trois langues, es: Tres idiomas}
structure:
  levels: [axis, factor, indicator]
tree:
- level: axis
  code: ECO
  name: {en: Smart Economy, fr: Économie intelligente, es: Economía inteligente}
  axis: economy
  children:
  - level: factor
    code: ECO.1
    name: {en: Innovative spirit, fr: Esprit d'innovation, es: Espíritu innovador}
    indicators:
    - code: ECO.1.1
      name: {en: R&D expenditure, fr: Dépenses de R&D, es: Gasto en I+D}
      unit: {en: percent of GDP, fr: pourcentage du PIB, es: porcentaje del PIB}
    - code: ECO.1.2
      name: {en: Unemployment rate, fr: Taux de chômage, es: Tasa de desempleo}
      unit: {en: percent, fr: pourcentage, es: porcentaje}
      direction: lower_is_better
  - level: factor
    code: ECO.2
    name: {en: Entrepreneurship, fr: Esprit d'entreprise, es: Emprendimiento}
    indicators:
    - code: ECO.2.1
      name: {en: New businesses, fr: Entreprises nouvelles, es: Empresas nuevas}
      unit: {en: per inhabitant, fr: par habitant, es: por habitante}
- level: axis
  code: GOV
  name: {en: Smart Governance, fr: Gouvernance intelligente, es: Gobernanza inteligente}
  axis: governance
  children:
  - level: factor
    code: GOV.1
    name: {en: e-Government, fr: Administration en ligne, es: Administración electrónica}
    indicators:
    - code: GOV.1.1
      name: {en: Online services, fr: Services en ligne, es: Servicios en línea}
      unit: {en: yes/no, fr: oui/non, es: sí/no}
      value_type: boolean
    - code: GOV.1.2
      name: {en: Schools online, fr: Écoles connectées, es: Escuelas conectadas}
      unit: {en: range, fr: tranche, es: intervalo}
      value_type: category
    - code: GOV.1.3
      name: {en: Open data sets, fr: Jeux de données ouverts, es: Conjuntos de datos abiertos}
      unit: {en: count, fr: nombre, es: número}
"""


def without(text: str, code: str, field: str, lang: str) -> str:
    """FRAMEWORK-like text where node `code` lacks its `field` in `lang`."""
    data = yaml.safe_load(text)

    def walk(nodes):
        for node in nodes:
            if node["code"] == code:
                del node[field][lang]
            walk(node.get("children", []) + node.get("indicators", []))

    walk(data["tree"])
    return yaml.safe_dump(data, allow_unicode=True)


def rows(page: str, start: str, end: str) -> list[str]:
    """The row headings (`<th scope="row">`) of the page between two markers, as HTML."""
    part = page[page.index(start) : page.index(end, page.index(start))]
    return [html.unescape(h) for h in re.findall(r'<th scope="row">(.*?)</th>', part)]


# The shipped files


@pytest.mark.parametrize("name", SHIPPED_TREES)
def test_shipped_framework_names_everything_in_three_languages(name):
    data = read_framework((FRAMEWORKS_DIR / name).read_bytes())
    assert missing_translations(data) == []
    # Translated, not copied: few names read the same in French as in English ("Innovation").
    same = [n.code for n in data.nodes if n.names["fr"] == n.names["en"]]
    assert len(same) <= len(data.nodes) // 20, same
    same = [n.code for n in data.nodes if n.names["es"] == n.names["en"]]
    assert len(same) <= len(data.nodes) // 20, same


@pytest.mark.parametrize("name", SHIPPED_TREES)
def test_shipped_framework_imports_with_its_names_and_units(name):
    framework = import_framework_file(FRAMEWORKS_DIR / name)
    nodes = Node.objects.filter(framework=framework)
    assert nodes.exists()
    assert not nodes.filter(name_fr="").exists()
    assert not nodes.filter(name_es="").exists()
    assert not nodes.exclude(unit="").filter(unit_fr="").exists()
    assert not nodes.exclude(unit="").filter(unit_es="").exists()
    assert framework.name_fr
    assert framework.name_es


def test_iso_37120_uses_the_standard_terms():
    framework = import_framework_file(FRAMEWORKS_DIR / "iso37120.yaml")
    node = framework.nodes.get(name="City's unemployment rate")
    assert (node.name_fr, node.name_es) == (
        "Taux de chômage de la ville",
        "Tasa de desempleo de la ciudad",
    )


def test_crosswalk_names_the_six_axes_in_three_languages():
    axes = yaml.safe_load(CROSSWALK.read_text(encoding="utf-8"))["axes"]
    assert len(axes) == 6
    for entry in axes.values():
        assert set(entry["name"]) == {"en", "fr", "es"}


# The importer's check


def test_import_refuses_a_missing_name_or_unit_and_keeps_the_framework_as_it_was(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    before = import_framework_file(path)
    names = dict(before.nodes.values_list("code", "name_fr"))
    broken = without(without(FRAMEWORK, "ECO.1.2", "name", "fr"), "ECO.1.1", "unit", "es")
    path.write_text(without(broken, "GOV.1", "name", "fr"), encoding="utf-8")
    with pytest.raises(FrameworkImportError) as info:
        import_framework_file(path)
    assert info.value.messages == [
        "Names missing in French (2): ECO.1.2, GOV.1.",
        "Units missing in Spanish (1): ECO.1.1.",
    ]
    # Nothing replaced, nothing half-written.
    assert Framework.objects.get(slug="three-languages").pk == before.pk
    assert dict(before.nodes.values_list("code", "name_fr")) == names


def test_import_command_lists_what_is_missing_and_imports_nothing(tmp_path):
    path = tmp_path / "framework.yaml"
    text = yaml.safe_load(FRAMEWORK)
    text["name"] = {"en": "Three languages"}
    path.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("study", "import-framework", str(path))
    assert str(info.value).splitlines() == [
        "Names missing in French (1): the framework itself.",
        "Names missing in Spanish (1): the framework itself.",
    ]
    assert not Framework.objects.exists()
    assert not Node.objects.exists()


def test_missing_names_are_listed_in_the_readers_language(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(without(FRAMEWORK, "ECO.1", "name", "es"), encoding="utf-8")
    with translation.override("es"), pytest.raises(FrameworkImportError) as info:
        import_framework_file(path)
    # The language is named in Spanish (CLDR), whatever the catalog says of the sentence.
    assert "Español" in info.value.messages[0]
    assert "ECO.1" in info.value.messages[0]


def test_a_unit_without_english_is_refused():
    text = yaml.safe_load(FRAMEWORK)
    text["tree"][0]["children"][0]["indicators"][0]["unit"] = {"fr": "pourcentage"}
    with pytest.raises(FrameworkImportError) as info:
        read_framework(yaml.safe_dump(text, allow_unicode=True))
    assert info.value.messages == ["ECO.1.1: the unit in English is missing."]


def test_a_unit_given_as_a_mapping_still_sets_the_value_type():
    data = read_framework(FRAMEWORK)
    unemployment = next(n for n in data.nodes if n.code == "ECO.1.2")
    assert unemployment.attrs["value_type"] == Node.ValueType.PERCENTAGE
    assert (unemployment.attrs["unit"], unemployment.attrs["unit_fr"]) == ("percent", "pourcentage")


def test_derived_framework_keeps_names_and_units_in_three_languages():
    frameworks = ensure_shipped_frameworks()
    picked = [
        frameworks["giffinger-2007"].nodes.get(code="MOB.3.2"),
        frameworks["iso-37120"].nodes.get(code="5.1"),
    ]
    derived = derive_framework(slug="derived", name="Derived", indicators=picked)
    axis = derived.nodes.get(depth=0, axis="economy")
    assert (axis.name, axis.name_fr, axis.name_es) == (
        "Smart economy",
        "Économie intelligente",
        "Economía inteligente",
    )
    for node in derived.nodes.all():
        assert (bool(node.name_fr), bool(node.name_es)) == (True, True), node.code
        if node.is_indicator:
            assert (bool(node.unit_fr), bool(node.unit_es)) == (True, True), node.code


# The pages


def test_spanish_questionnaire_shows_spanish_names_and_units(client, commission):
    framework = import_framework(read_framework(FRAMEWORK))
    edition = make_edition(commission, framework=framework, n_cities=2)
    city = edition.questionnaires.order_by("city__name").first().city
    client.force_login(focal_point(city, email="focal@example.org"))
    url = f"/es/study/editions/{edition.pk}/cities/{city.geonames_id}/questionnaire/"
    page = html.unescape(client.get(url).content.decode())
    for text in ("Economía inteligente", "Espíritu innovador", "ECO.1.2 Tasa de desempleo"):
        assert text in page
    assert '<span class="helptext">porcentaje del PIB</span>' in page
    for text in ("Unemployment rate", "Innovative spirit", "percent of GDP", '<span lang="en">'):
        assert text not in page


def test_questionnaire_shows_the_original_with_its_language_when_a_name_is_missing(
    client, commission
):
    text = without(without(FRAMEWORK, "ECO.1.2", "name", "fr"), "ECO.1.2", "unit", "fr")
    edition = make_edition(commission, framework=import_framework(read_framework(text)))
    city = edition.questionnaires.order_by("city__name").first().city
    client.force_login(focal_point(city, email="focal@example.org"))
    url = f"/fr/study/editions/{edition.pk}/cities/{city.geonames_id}/questionnaire/"
    page = client.get(url).content.decode()
    assert 'ECO.1.2 <span lang="en">Unemployment rate</span>' in page
    assert '<span class="helptext"><span lang="en">percent</span></span>' in page
    assert "ECO.1.1 Dépenses de R&amp;D" in page


@pytest.fixture
def published(commission, secretariat, django_capture_on_commit_callbacks):
    # Entrepreneurship has no French name: it shows in English, marked as such.
    text = without(FRAMEWORK, "ECO.2", "name", "fr")
    edition = make_edition(commission, framework=import_framework(read_framework(text)))
    fill(edition)
    run(edition, secretariat, django_capture_on_commit_callbacks)
    publish_edition(edition, by=secretariat)
    return edition


def test_french_city_results_show_each_factors_own_name(client, published):
    city = published.questionnaires.order_by("city__name").first().city
    page = client.get(f"/fr/study/editions/{published.pk}/cities/{city.geonames_id}/").content
    page = page.decode()
    factors = rows(page, "<h2>Facteurs</h2>", "</main>")
    assert factors == [
        "Esprit d'innovation",
        '<span lang="en">Entrepreneurship</span>',
        "Administration en ligne",
    ]
    axes = rows(page, "<caption>", "</table>")
    assert axes == ["Économie intelligente", "Gouvernance intelligente"]


def test_spanish_results_name_the_axes_in_spanish(client, published):
    page = client.get(f"/es/study/editions/{published.pk}/").content.decode()
    assert ">Economía inteligente</a></th>" in page
    assert '<option value="ECO">Economía inteligente</option>' in page
    assert "Tres idiomas" in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LocalName("Taux de chômage", "fr"), "Taux de chômage"),
        (LocalName("Unemployment & more", "en"), '<span lang="en">Unemployment &amp; more</span>'),
        ("<b>plain</b>", "&lt;b&gt;plain&lt;/b&gt;"),
        (None, ""),
        (
            {"name": "Smart Economy", "name_fr": "", "parent": "X"},
            '<span lang="en">Smart Economy</span>',
        ),
        ({"name": "Smart Economy", "name_fr": "Économie", "parent": "X"}, "Économie"),
    ],
)
def test_localized_filter_marks_text_in_another_language(value, expected):
    template = Template("{% load study_tags %}{{ value|localized }}")
    with translation.override("fr"):
        assert template.render(Context({"value": value})) == expected


def test_a_factor_missing_a_name_keeps_its_own_not_its_axis():
    factor = {"name": "Entrepreneurship", "name_fr": "", "parent": "ECO", "axis": "economy"}
    axis = {"name": "Smart Economy", "name_fr": "", "parent": None, "axis": "economy"}
    with translation.override("fr"):
        assert (label(factor), label(factor).lang) == ("Entrepreneurship", "en")
        assert (label(axis), label(axis).lang) == ("Économie intelligente", "fr")


def test_a_name_keeps_its_language_through_a_cache():
    name = pickle.loads(pickle.dumps(LocalName("Taux de chômage", "fr")))
    assert (name, name.lang) == ("Taux de chômage", "fr")
