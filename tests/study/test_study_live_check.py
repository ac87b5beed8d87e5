"""The questionnaire's live check must not reveal other cities' unpublished answers."""

import datetime as dt
import html
import re

import pytest
import time_machine

from cityloom.study import views
from cityloom.study.models import Edition, Questionnaire, Value
from cityloom.study.services.editions import create_edition
from cityloom.study.services.plausibility import peer_numbers
from cityloom.study.services.questionnaire import Row, save_values
from tests.factories import UserFactory
from tests.study.factories import focal_point, make_edition, questionnaire

pytestmark = pytest.mark.django_db

PEERS = [10, 11, 12, 13, 14, 12]
PROBES = ["12.5", "20", "40", "60", "95"]


@pytest.fixture
def seven(commission):
    """An open edition of seven cities: the first probes, the six others are its neighbours."""
    edition = make_edition(commission, n_cities=7)
    return edition, [q.city for q in edition.questionnaires.order_by("city__name")]


def answers(client, edition, city, node) -> list[str]:
    """What the live check says for each probe value, tags and spaces removed."""
    url = (
        f"/en/study/editions/{edition.pk}/cities/{city.geonames_id}/questionnaire/check/{node.pk}/"
    )
    out = []
    for probe in PROBES:
        response = client.post(url, {f"value-{node.pk}": probe})
        assert response.status_code == 200
        text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
        out.append(" ".join(text.split()))
    return out


def test_a_neighbours_draft_never_changes_the_warning(client, seven):
    edition, cities = seven
    node = edition.framework.nodes.get(code="ECO.1.1")
    prober = focal_point(cities[0], email="prober@example.org")
    neighbours = [focal_point(c, email=f"focal{i}@example.org") for i, c in enumerate(cities[1:])]
    client.force_login(prober)
    before = answers(client, edition, cities[0], node)
    # Six neighbours type drafts, then one of them changes its mind: nothing shows.
    for focal, city, x in zip(neighbours, cities[1:], PEERS, strict=True):
        save_values(questionnaire(edition, city), by=focal, rows={"ECO.1.1": Row(value=str(x))})
    assert answers(client, edition, cities[0], node) == before
    save_values(questionnaire(edition, cities[1]), by=neighbours[0], rows={"ECO.1.1": Row("95")})
    assert answers(client, edition, cities[0], node) == before
    # Submitted but not yet reviewed: still nothing.
    Questionnaire.objects.filter(city__in=cities[1:]).update(status="submitted")
    assert answers(client, edition, cities[0], node) == before
    assert before == ["✓ valid"] * len(PROBES)


def test_accepted_values_are_the_peers(client, seven):
    edition, cities = seven
    node = edition.framework.nodes.get(code="ECO.1.1")
    for city, x in zip(cities[1:], PEERS, strict=True):
        Value.objects.create(questionnaire=questionnaire(edition, city), indicator=node, number=x)
    Questionnaire.objects.filter(city__in=cities[1:]).update(status="accepted")
    assert sorted(peer_numbers(questionnaire(edition, cities[0]), node)) == sorted(PEERS)
    # One returned for corrections no longer counts (five are left: still enough).
    Questionnaire.objects.filter(city=cities[1]).update(status="returned")
    assert sorted(peer_numbers(questionnaire(edition, cities[0]), node)) == sorted(PEERS[1:])
    client.force_login(focal_point(cities[0], email="prober@example.org"))
    said = answers(client, edition, cities[0], node)
    # Peers 11, 12, 12, 13, 14: median 12, median absolute deviation 1.
    z = (60 - 12) / (1.4826 * 1)
    assert said[0] == "✓ valid"
    assert said[3] == (
        f"⚠ This value is far from the other cities' (robust z-score {z:+.1f}): please check it."
    )


def test_without_enough_accepted_values_the_published_edition_is_the_reference(seven):
    before, cities = seven
    node = before.framework.nodes.get(code="ECO.1.1")
    for city, x in zip(cities, [99, *PEERS], strict=True):
        Value.objects.create(questionnaire=questionnaire(before, city), indicator=node, number=x)
    before.questionnaires.update(status="accepted")
    edition = create_edition(
        commission=before.commission,
        framework=before.framework,
        year=before.year + 2,
        title="Next",
        cities=cities,
    )
    mine = questionnaire(edition, cities[0])
    # Not published yet: its values are as private as this edition's drafts.
    assert peer_numbers(mine, node) == []
    Edition.objects.filter(pk=before.pk).update(status=Edition.Status.PUBLISHED)
    # The other cities' published values; the city's own (99) is not a peer of itself.
    assert sorted(peer_numbers(mine, node)) == sorted(PEERS)


# The limits count in fixed windows (a minute, an hour): frozen in the middle of one, the test
# does not see its count start again when a window ends halfway through it.
@time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, 30, tzinfo=dt.UTC), tick=False)
def test_live_check_is_limited_per_account(client, edition, cities, bilbao_focal):
    node = edition.framework.nodes.get(code="ECO.1.1")
    url = (
        f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
        f"check/{node.pk}/"
    )
    client.force_login(bilbao_focal)
    limit = views.CHECK_RATES[0].limit
    statuses = [client.post(url, {f"value-{node.pk}": str(i)}).status_code for i in range(limit)]
    assert statuses == [200] * limit
    refused = client.post(url, {f"value-{node.pk}": "1"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    # Another person of the same city has an allowance of their own.
    client.force_login(UserFactory(city=cities[0]))
    assert client.post(url, {f"value-{node.pk}": "1"}).status_code == 200
