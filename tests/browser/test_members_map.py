"""The members map in a browser: accessible, groups readable, a group leads to its cities."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory
from tests.network.test_map import PLACES

pytestmark = pytest.mark.e2e


@pytest.fixture
def network(transactional_db):
    commission = CommissionFactory()
    for i, (name, country, lat, lon) in enumerate(PLACES):
        city = CityFactory(
            geonames_id=7_400_000 + i,
            name=name,
            country_code=country,
            country_name=country,
            latitude=lat,
            longitude=lon,
        )
        MembershipFactory(commission=commission, city=city)
    return commission


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_reads_the_map_and_opens_a_group(page, network, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/fr/members/map/")
    assert_accessible(page)
    # Each group's number fits inside its dot, and no two markers overlap on screen.
    boxes = page.eval_on_selector_all(
        "svg.map circle.member",
        "cs => cs.map(c => { const b = c.getBoundingClientRect();"
        " return [b.x + b.width / 2, b.y + b.height / 2, b.width / 2]; })",
    )
    for i, (x1, y1, r1) in enumerate(boxes):
        for x2, y2, r2 in boxes[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= (r1 + r2) * 0.99
    fits = page.eval_on_selector_all(
        "svg.map a.member-group",
        "gs => gs.map(g => { const c = g.querySelector('circle').getBBox();"
        " const t = g.querySelector('text').getBBox();"
        " return t.width <= c.width && t.height <= c.height; })",
    )
    assert fits
    assert all(fits)
    group = page.locator("svg.map a.member-group").first
    label = group.get_attribute("aria-label")
    group.click()
    assert "#map-group-" in page.url
    target = page.locator(page.url[page.url.index("#") :])
    assert target.is_visible()
    names = target.locator("a").all_inner_texts()
    assert names
    assert all(name in label for name in names)
