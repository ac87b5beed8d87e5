"""A questionnaire save reads and writes in a fixed number of queries, whatever its size (issue 18).

Peer statistics and previous values used to be read per row (12 queries for one row, 20 for
four): they are read for every row at once, and the values and their history written in bulk.
"""

import pytest

from cityloom.study.models import Edition, Questionnaire, Value, ValueChange
from cityloom.study.services.plausibility import comparison, warnings_for
from cityloom.study.services.questionnaire import Row, save_values
from tests.study.factories import focal_point, make_edition, questionnaire

pytestmark = pytest.mark.django_db

N_INDICATORS = 20
CODES = [f"ECO.1.{i}" for i in range(1, N_INDICATORS + 1)]
FRAMEWORK = "\n".join(
    [
        "schema_version: 1",
        "id: twenty-rows",
        "name: {en: Twenty rows}",
        "structure:",
        "  levels: [axis, factor, indicator]",
        "tree:",
        "- level: axis",
        "  code: ECO",
        "  name: {en: Economy}",
        "  axis: economy",
        "  children:",
        "  - level: factor",
        "    code: ECO.1",
        "    name: {en: Everything}",
        "    indicators:",
        *(
            f"    - {{code: {code}, name: {{en: Indicator {code}}}, unit: count,"
            " direction: higher_is_better}"
            for code in CODES
        ),
        "",
    ]
)
# Queries of one save, whatever the number of rows: the edition and its framework (not fetched
# with the questionnaire here), the indicators, the questionnaire's values, accepted peers, the
# latest published edition, its values, the city's previous values; then the transaction:
# savepoint, one insert or one update of the values, one insert of their history, the
# questionnaire's timestamp, release.
CREATE_QUERIES = 13
UPDATE_QUERIES = 11  # the edition and framework are already on the questionnaire


@pytest.fixture
def study(commission):
    """An open 2014 edition of six cities after a published 2012 one with their values."""
    from cityloom.study.services.frameworks import import_framework, read_framework

    framework = import_framework(read_framework(FRAMEWORK))
    names = [f"City {chr(65 + i)}" for i in range(6)]
    earlier = make_edition(
        commission, year=2012, status=Edition.Status.PUBLISHED, framework=framework, names=names
    )
    nodes = {n.code: n for n in framework.nodes.indicators()}
    for i, q in enumerate(earlier.questionnaires.order_by("city__name")):
        Value.objects.bulk_create(
            Value(questionnaire=q, indicator=nodes[code], number=10.0 + i) for code in CODES
        )
    earlier.questionnaires.update(status=Questionnaire.Status.SUBMITTED)
    # The same cities, created again by the factory under their GeoNames ids.
    later = Edition.objects.create(
        commission=commission,
        framework=framework,
        year=2014,
        title="Smart Cities Study 2014",
        status=Edition.Status.OPEN,
    )
    cities = [q.city for q in earlier.questionnaires.order_by("city__name")]
    for city in cities:
        Questionnaire.objects.create(edition=later, city=city)
    first = questionnaire(later, cities[0])
    return first, focal_point(cities[0], email="focal.first@example.org")


def _rows(n: int, value: str) -> dict[str, Row]:
    return {code: Row(value=value, source="INE") for code in CODES[:n]}


@pytest.mark.parametrize("n", [1, 4, 20])
def test_a_save_creates_its_values_in_a_fixed_number_of_queries(
    study, django_assert_num_queries, n
):
    q, focal = study
    with django_assert_num_queries(CREATE_QUERIES):
        warnings = save_values(q, by=focal, rows=_rows(n, "40"))
    assert Value.objects.filter(questionnaire=q, number=40.0).count() == n
    assert ValueChange.objects.filter(value__questionnaire=q, new_number=40.0).count() == n
    # 40 against the peers' 10 to 15 and the city's 10 in 2012: both warnings on every row.
    assert len(warnings) == 2 * n


@pytest.mark.parametrize("n", [1, 4, 20])
def test_a_save_updates_its_values_in_a_fixed_number_of_queries(
    study, django_assert_num_queries, n
):
    q, focal = study
    save_values(q, by=focal, rows=_rows(n, "11"))
    with django_assert_num_queries(UPDATE_QUERIES):
        save_values(q, by=focal, rows=_rows(n, "12"))
    values = list(Value.objects.filter(questionnaire=q).order_by("indicator__code"))
    assert [v.number for v in values] == [12.0] * n
    history = ValueChange.objects.filter(value__questionnaire=q).order_by("at", "pk")
    assert [(c.old_number, c.new_number) for c in history] == [(None, 11.0)] * n + [
        (11.0, 12.0)
    ] * n


def test_the_bulk_comparison_warns_as_the_one_row_check(study):
    q, _focal = study
    nodes = list(q.edition.framework.nodes.indicators().order_by("position"))
    compared = comparison(q, nodes)
    for node in nodes:
        for number in (9.0, 12.0, 40.0):
            assert warnings_for(q, node, number, compared=compared) == warnings_for(q, node, number)
    assert compared.previous[CODES[0]] == (2012, 10.0)
    assert sorted(compared.peers[CODES[0]]) == [11.0, 12.0, 13.0, 14.0, 15.0]
