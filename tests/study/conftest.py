import pytest

from tests.study.factories import focal_point, make_edition


@pytest.fixture
def edition(commission):
    return make_edition(commission)


@pytest.fixture
def cities(edition):
    return [q.city for q in edition.questionnaires.select_related("city").order_by("city__name")]


@pytest.fixture
def bilbao_focal(cities):
    return focal_point(cities[0], email="focal.a@example.org")


@pytest.fixture
def bordeaux_focal(cities):
    return focal_point(cities[1], email="focal.b@example.org")
