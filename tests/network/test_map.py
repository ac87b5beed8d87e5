"""The members map: a legend, and markers that never hide each other (issue 12).

Cities whose dots would overlap are drawn as one group with their number; the group names its
cities (title, label) and links to a list of them under the map. Markers are read back from the
rendered SVG, so what is checked is what a visitor sees.
"""

import random
import re

import pytest

from cityloom.network import geo
from tests.factories import CityFactory, CommissionFactory, MembershipFactory

# (name, country code, latitude, longitude): real places, the Europe of the demo network crowded
# around the Bay of Biscay, plus members far enough apart to stay single.
PLACES = [
    ("Bilbao", "ES", 43.263, -2.935),
    ("Donostia", "ES", 43.313, -1.975),
    ("Vitoria-Gasteiz", "ES", 42.847, -2.672),
    ("Bordeaux", "FR", 44.841, -0.580),
    ("Barcelona", "ES", 41.389, 2.159),
    ("Lyon", "FR", 45.748, 4.847),
    ("Mexico City", "MX", 19.428, -99.128),
    ("Buenos Aires", "AR", -34.613, -58.377),
    ("Johannesburg", "ZA", -26.202, 28.044),
]

CIRCLE = re.compile(r'<circle class="(member[^"]*)" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)">')
GROUP_COUNT = re.compile(r'aria-hidden="true">(\d+)</text>')


@pytest.fixture
def network(db):
    commission = CommissionFactory()
    for name, country, lat, lon in PLACES:
        city = CityFactory(
            name=name, country_code=country, country_name=country, latitude=lat, longitude=lon
        )
        MembershipFactory(commission=commission, city=city)
    return commission


def _drawn(content: str) -> list[tuple[str, float, float, float]]:
    return [(c, float(x), float(y), float(r)) for c, x, y, r in CIRCLE.findall(content)]


def _assert_apart(markers):
    for i, (_c, x1, y1, r1) in enumerate(markers):
        for _c2, x2, y2, r2 in markers[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= r1 + r2, (markers[i], (x2, y2))


def _count(content: str) -> int:
    singles = sum(1 for c, *_ in _drawn(content) if c == "member")
    return singles + sum(int(n) for n in GROUP_COUNT.findall(content))


def test_europe_members_form_a_group_and_no_marker_hides_another(client, network):
    content = client.get("/en/members/map/").content.decode()
    markers = _drawn(content)
    groups = [m for m in markers if m[0] == "member group"]
    assert groups, "the Basque cities and Bordeaux overlap: they must be grouped"
    _assert_apart(markers)
    # Every member is counted once, in a single dot or in a group's number.
    assert _count(content) == len(PLACES)
    # The far-away members stay single, each linked to its profile.
    for name in ("Mexico City", "Buenos Aires", "Johannesburg"):
        assert f"<title>{name}, " in content


def test_a_group_names_its_cities_and_links_to_their_list(client, network):
    content = client.get("/en/members/map/").content.decode()
    label = re.search(r'aria-label="(\d+) member cities close together: ([^"]+)"', content)
    assert label is not None
    count, names = int(label[1]), label[2].split(", ")
    assert count == len(names)
    assert "Bilbao" in names
    assert f"<title>{label[1]} member cities close together: {label[2]}</title>" in content
    anchor = re.search(r'href="#(map-group-\d+)"\s+aria-label="\d+ member cities', content)[1]
    item = content[content.index(f'id="{anchor}"') :]
    item = item[: item.index("</ul>")]
    assert sorted(re.findall(r'<a href="/en/cities/\d+/">([^<]+)</a>', item)) == sorted(names)


def test_the_legend_explains_dots_and_groups(client, network):
    content = client.get("/en/members/map/").content.decode()
    assert "A member city: select it to open its profile." in content
    assert "Member cities too close to draw apart, with their number" in content


def test_the_home_page_map_links_groups_to_the_map_page(client, network):
    content = client.get("/en/").content.decode()
    assert re.search(r'href="/en/members/map/#map-group-\d+"', content)
    _assert_apart(_drawn(content))
    assert _count(content) == len(PLACES)


def test_the_map_follows_the_page_language(client, network):
    content = client.get("/fr/members/map/").content.decode()
    # Links and the list point into the French site; the cache does not mix languages.
    assert re.search(r'href="/fr/cities/\d+/"', content)
    assert "/en/cities/" not in content


def test_the_drawn_map_is_cached_and_never_stale(client, network, monkeypatch):
    client.get("/en/members/map/")
    calls = []
    original = geo.markers
    monkeypatch.setattr(geo, "markers", lambda cities: calls.append(1) or original(cities))
    client.get("/en/members/map/")
    assert calls == [], "the same data in the same language is drawn once"
    # A renamed city (a new data version) is drawn again, at once.
    city = network.memberships.get(city__name="Mexico City").city
    city.name = "Ciudad de México"
    city.save()
    content = client.get("/en/members/map/").content.decode()
    assert calls == [1]
    assert "<title>Ciudad de México, " in content


def test_grouping_is_deterministic_whatever_the_order(db):
    cities = [
        CityFactory.build(geonames_id=i + 1, name=n, country_code=c, latitude=lat, longitude=lon)
        for i, (n, c, lat, lon) in enumerate(PLACES)
    ]
    first = [(m["key"], m["count"], m["x"], m["y"]) for m in geo.markers(cities)]
    again = [(m["key"], m["count"], m["x"], m["y"]) for m in geo.markers(cities[::-1])]
    assert first == again


@pytest.mark.parametrize("n", [50, 2000])
def test_no_overlap_and_every_city_counted_at_any_scale(n):
    rng = random.Random(n)
    # Half of them crowded into Europe, the rest anywhere people live.
    points = [
        geo.project(rng.uniform(-10, 30), rng.uniform(36, 60))
        if i % 2
        else geo.project(rng.uniform(-170, 170), rng.uniform(-55, 70))
        for i in range(n)
    ]
    groups = geo.cluster(points)
    assert sorted(i for g in groups for i in g) == list(range(n))
    drawn = [("", *geo._centre(points, g), geo.radius(len(g))) for g in groups]
    _assert_apart(drawn)
    assert any(len(g) > 1 for g in groups)
    for _c, x, y, r in drawn:  # inside the drawn view box
        assert r <= x <= geo.WIDTH - r
        assert r <= y <= geo.VIEW_HEIGHT - r
