"""What the network's public pages send stays flat as the network grows (issue 18).

The home page draws the map's markers over a static image of the countries, counts by reading
nothing per member, the map draws at most `geo.MAX_MARKERS` markers, the commission page counts
its members per region, and the directory lists one country once.
"""

import random
import re

import pytest

from cityloom.network import geo
from tests.factories import CityFactory, CommissionFactory, MembershipFactory
from tests.network.test_map import _assert_apart

pytestmark = pytest.mark.django_db


def _members(commission, n: int, *, seed: int = 1) -> None:
    rng = random.Random(seed)
    for i in range(n):
        MembershipFactory(
            commission=commission,
            city=CityFactory(
                name=f"City {i}",
                country_code=["ES", "FR", "MX", "ZA"][i % 4],
                country_name=["Spain", "France", "Mexico", "South Africa"][i % 4],
                latitude=rng.uniform(-50, 65),
                longitude=rng.uniform(-170, 170),
            ),
        )


def test_the_country_outlines_are_the_static_asset_made_from_the_atlas():
    # The static file is what `outlines_svg()` makes: regenerate it when the atlas changes.
    assert geo.OUTLINES.read_text() == geo.outlines_svg()
    assert geo.outlines_svg().count("<path ") == len(geo.country_paths()) > 150


def test_the_home_page_stays_small_and_counts_without_listing(client):
    commission = CommissionFactory(kind="commission")
    _members(commission, 40)
    response = client.get("/en/")
    content = response.content.decode()
    assert len(response.content) < 40 * 1024
    assert (response.context["member_count"], response.context["country_count"]) == (40, 4)
    assert '<image href="/static/network/world-110m.svg"' in content
    assert "<path" not in content


@pytest.mark.parametrize("n", [100, 40_000])
def test_the_map_draws_at_most_its_markers_however_many_the_members(n):
    rng = random.Random(n)
    points = [geo.project(rng.uniform(-170, 170), rng.uniform(-55, 70)) for _ in range(n)]
    groups = geo.cluster(points)
    assert len(groups) <= geo.MAX_MARKERS
    assert sorted(i for g in groups for i in g) == list(range(n))
    _assert_apart([("", *geo._centre(points, g), geo.radius(len(g))) for g in groups])


def test_a_big_group_names_a_few_cities_and_counts_the_rest(client):
    commission = CommissionFactory()
    for i in range(12):  # all at one place: one group
        MembershipFactory(
            commission=commission,
            city=CityFactory(name=f"Town {i:02}", latitude=43.26, longitude=-2.93),
        )
    content = client.get("/en/members/map/").content.decode()
    label = re.search(r'aria-label="12 member cities close together, among them: ([^"]+)"', content)
    assert label is not None
    assert label[1].split(", ") == [f"Town {i:02}" for i in range(geo.NAMED_PER_GROUP)]
    assert "and 4 more cities." in content


def test_map_page_weight_has_a_ceiling_whatever_the_members(client):
    commission = CommissionFactory()
    _members(commission, 300)
    response = client.get("/en/members/map/")
    content = response.content.decode()
    assert "Map of 300 member cities" in content
    # At most MAX_MARKERS markers, each group naming at most NAMED_PER_GROUP cities, and no
    # list of every member: about 1 KB per marker at most, whatever the number of members.
    assert content.count("<circle") <= geo.MAX_MARKERS + 2  # the legend's two
    assert len(response.content) < 12_000 + geo.MAX_MARKERS * 1_100
    assert len(re.findall(r'<a href="/en/cities/\d+/"', content)) <= (
        geo.MAX_MARKERS * (1 + geo.NAMED_PER_GROUP)
    )


def test_the_commission_page_counts_members_per_region(client):
    commission = CommissionFactory()
    _members(commission, 30)
    response = client.get(commission.get_absolute_url())
    content = response.content.decode()
    assert "City 0<" not in content  # no member listed by name
    assert sum(count for _value, _label, count in response.context["by_region"]) == 30


def test_the_country_filter_lists_each_country_once(client):
    commission = CommissionFactory()
    _members(commission, 12)  # three cities in each of four countries
    response = client.get("/en/members/")
    countries = response.context["facets"]["countries"]
    # By name: France, Mexico, South Africa, Spain; each once, not once per member city.
    assert [code for code, _name in countries] == ["FR", "MX", "ZA", "ES"]
    content = response.content.decode()
    assert content.count('<option value="ES"') == 1


def test_the_directory_years_come_from_the_database(client):
    commission = CommissionFactory()
    for year in (2005, 2005, 2009):
        MembershipFactory(commission=commission, joined_on=f"{year}-03-01")
    MembershipFactory(commission=commission, joined_on=None)
    assert client.get("/en/members/").context["facets"]["years"] == [2005, 2009]
