import pytest
from django.core.management import CommandError, call_command

from cityloom.core.axes import Axis
from cityloom.study.models import Framework, Node
from cityloom.study.services.frameworks import (
    FRAMEWORKS_DIR,
    FrameworkImportError,
    derive_framework,
    ensure_shipped_frameworks,
    import_framework,
    read_framework,
)
from tests.study.factories import SMALL_FRAMEWORK, small_framework, translated

pytestmark = pytest.mark.django_db

BAD = """
schema_version: 1
id: broken
name: {en: Broken}
structure: {levels: [axis, factor, indicator]}
tree:
- level: axis
  code: A
  name: {en: A}
  children:
  - level: factr
    code: A.1
    name: {en: A one}
    indicators:
    - {code: A.1.1, name: {en: x}, direction: sideways}
    - {code: A.1.1, name: {en: y}}
  - level: factor
    code: A
    name: {en: loops back}
    indicators: []
"""


def test_giffinger_imports_with_six_axes_from_the_crosswalk():
    framework = ensure_shipped_frameworks()["giffinger-2007"]
    assert framework.nodes.indicators().count() == 74
    top = list(framework.nodes.top().order_by("position").values_list("code", "axis"))
    assert top == [
        ("ECO", Axis.ECONOMY),
        ("PEO", Axis.PEOPLE),
        ("GOV", Axis.GOVERNANCE),
        ("MOB", Axis.MOBILITY),
        ("ENV", Axis.ENVIRONMENT),
        ("LIV", Axis.LIVING),
    ]
    # Indicators inherit their axis; "percent" units become percentages.
    eco = Node.objects.get(framework=framework, code="ECO.1.2")
    assert (eco.axis, eco.value_type, eco.direction) == (
        Axis.ECONOMY,
        "percentage",
        "higher_is_better",
    )


def test_u4ssc_and_iso_import_with_their_tiers():
    frameworks = ensure_shipped_frameworks()
    u4ssc, iso = frameworks["u4ssc-kpis"], frameworks["iso-37120"]
    assert u4ssc.levels == ["dimension", "sub_dimension", "category", "indicator"]
    assert u4ssc.nodes.indicators().filter(tier="core").count() == 55
    assert iso.nodes.indicators().filter(tier="core").count() == 46
    # The crosswalk places ISO theme "5 Economy" on the economy axis.
    assert iso.nodes.get(code="5").axis == Axis.ECONOMY


def test_every_problem_reported_once_and_nothing_imported():
    with pytest.raises(FrameworkImportError) as info:
        read_framework(BAD)
    problems = info.value.messages
    assert len(problems) == 4, problems
    assert "A.1: unknown level “factr” (the levels are axis, factor, indicator)." in problems
    assert "A.1.1: unknown direction “sideways”." in problems
    assert "Code A.1.1 appears twice (under A.1 and A.1)." in problems
    assert "Code A is its own ancestor (a cycle: A → A)." in problems
    assert Framework.objects.count() == 0


def test_a_yaml_alias_that_loops_is_a_cycle():
    text = """
id: loop
name: {en: Loop}
structure: {levels: [axis, factor, indicator]}
tree:
- &top
  code: T
  name: {en: T}
  children: [*top]
"""
    with pytest.raises(FrameworkImportError) as info:
        read_framework(text)
    assert any("cycle" in p for p in info.value.messages), info.value.messages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: [unclosed", "The file is not valid YAML (line 1)."),
        ("- a list", "The file must describe one framework (a mapping)."),
    ],
)
def test_malformed_files(text, message):
    with pytest.raises(FrameworkImportError) as info:
        read_framework(text)
    assert info.value.messages == [message]


def test_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text(translated(SMALL_FRAMEWORK))
    call_command("study", "import-framework", str(path))
    assert "Imported small-test: 6 indicators." in capsys.readouterr().out
    assert Framework.objects.get(slug="small-test").name_fr == "Petit cadre de test"


def test_command_lists_every_problem_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    with pytest.raises(CommandError) as info:
        call_command("study", "import-framework", str(path))
    assert len(str(info.value).splitlines()) == 4
    assert not Framework.objects.exists()


def test_reimport_replaces_an_unused_framework():
    first = small_framework()
    second = import_framework(read_framework(SMALL_FRAMEWORK))
    assert Framework.objects.get().pk == second.pk != first.pk


def test_derive_a_framework_from_two_frameworks():
    frameworks = ensure_shipped_frameworks()
    picked = [
        Node.objects.get(framework=frameworks["giffinger-2007"], code="MOB.3.2"),
        Node.objects.get(framework=frameworks["u4ssc-kpis"], code="EC: ICT: ICT: 1C"),
        Node.objects.get(framework=frameworks["iso-37120"], code="5.1"),
    ]
    derived = derive_framework(slug="mine", name="Ours", indicators=picked)
    indicators = derived.nodes.indicators().order_by("position")
    assert [(n.code, n.axis) for n in indicators] == [
        ("MOB.3.2", Axis.MOBILITY),
        ("EC: ICT: ICT: 1C", Axis.PEOPLE),
        ("5.1", Axis.ECONOMY),
    ]
    assert sorted(derived.nodes.top().values_list("axis", flat=True)) == [
        "economy",
        "mobility",
        "people",
    ]
    assert all(n.parent.parent.parent_id is None for n in indicators)


def test_shipped_files_are_in_the_app():
    assert (FRAMEWORKS_DIR / "README.md").exists()


FIELDS_WRONG = """
id: "bad id!"
name: {fr: Mauvais}
structure: {levels: [axis, factor, indicator]}
tree:
- code: A
  name: {en: A}
  weight: -1
  axis: nowhere
  children:
  - code: A.1
    name: {en: A.1}
    weight: true
    indicators:
    - {code: A.1.1, name: {en: One}, tier: gold, value_type: colour, direction: sideways}
    - {code: A.1.2, weight: "2", axis: economy}
    - {code: A.1.3, name: {en: Three}, tier: null, value_type: null, unit: percent}
"""


def test_each_wrong_field_is_one_line_in_the_files_order():
    with pytest.raises(FrameworkImportError) as info:
        read_framework(FIELDS_WRONG)
    assert info.value.messages == [
        "The framework needs an “id” made of letters, digits and dashes.",
        "The framework needs a name in English (name: {en: …}).",
        "A: the weight must be a number ≥ 0.",
        "A: unknown axis “nowhere”.",
        "A.1: the weight must be a number ≥ 0.",
        "A.1.1: unknown direction “sideways”.",
        "A.1.1: unknown tier “gold”.",
        "A.1.1: unknown value type “colour”.",
        "A.1.2: the name in English is missing.",
        "A.1.2: the weight must be a number ≥ 0.",
    ]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("[a, b, c, d, e]", "A framework has 2 to 4 levels; this one declares 5."),
        (
            "[a, 1, b, c, d]",
            "structure.levels must list the level names, from the top to indicators.",
        ),
        ("nope", "structure.levels must list the level names, from the top to indicators."),
    ],
)
def test_levels_are_a_list_of_two_to_four_names(levels, message):
    text = f"id: x y\nname: X\nstructure: {{levels: {levels}}}\ntree: [{{code: A, name: A}}]"
    with pytest.raises(FrameworkImportError) as info:
        read_framework(text)
    assert info.value.messages[:2] == [
        "The framework needs an “id” made of letters, digits and dashes.",
        message,
    ]


# What the shipped files give: slug, nodes, indicators (the same before pydantic read them).
SHIPPED_FILES = {
    "giffinger-2007.yaml": ("giffinger-2007", 113, 74),
    "iso37120.yaml": ("iso-37120", 117, 100),
    "u4ssc.yaml": ("u4ssc-kpis", 128, 91),
    "uclg-smart-cities-study-2012.yaml": ("uclg-smart-cities-study-2012", 24, 5),
}


@pytest.mark.parametrize(("name", "expected"), SHIPPED_FILES.items())
def test_every_shipped_framework_reads_and_imports(name, expected):
    data = read_framework((FRAMEWORKS_DIR / name).read_text(encoding="utf-8"))
    indicators = sum(n.is_indicator for n in data.nodes)
    assert (data.slug, len(data.nodes), indicators) == expected
    framework = import_framework(data)
    assert framework.nodes.count() == len(data.nodes)
    assert framework.nodes.filter(is_indicator=True).count() == indicators
