"""Reads of published results that stay light at 1,000 cities (issue 18)."""

import pytest

from cityloom.study import queries
from tests.study.test_study_views import _published_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_published(commission, secretariat, django_capture_on_commit_callbacks):
    return lambda n: _published_edition(
        commission, secretariat, django_capture_on_commit_callbacks, n
    )


def test_a_city_profile_never_loads_the_computations_snapshot(make_published):
    edition = make_published(3)
    city = edition.questionnaires.first().city
    (result,) = queries.published_results_of(city)
    # The snapshot is the run's whole input (about 2 MB at 1,000 cities).
    assert "snapshot" in result.computation.get_deferred_fields()
    assert {"groups", "indicators"} <= result.get_deferred_fields()
    assert result.computation.edition == edition


@pytest.mark.parametrize("n_cities", [2, 4])
def test_the_results_api_reads_one_page_in_sql(
    client, make_published, django_assert_num_queries, n_cities
):
    edition = make_published(n_cities)
    everything = queries.ranking(edition.published_computation)
    url = f"/api/v1/study/editions/{edition.pk}/results?limit=1&offset=1"
    # The edition (with its computation's structure), one page of results, their count.
    with django_assert_num_queries(3):
        page = client.get(url).json()
    assert page["count"] == n_cities
    assert [c["geonames_id"] for c in page["cities"]] == [everything[1].city.geonames_id]
    assert [c["rank"] for c in page["cities"]] == [everything[1].rank]
