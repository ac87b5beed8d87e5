"""The 404 page and the accessibility statement in the browser: the site's layout, the page's
language, a way back, and no serious axe violation."""

import pytest

from tests.browser.conftest import assert_accessible


@pytest.mark.parametrize("language", ["fr", "es"])
def test_404_page_is_an_accessible_site_page(page, language, transactional_db):
    response = page.goto(f"/{language}/no-such-page/")
    assert response.status == 404
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("header.site-header nav").count() >= 1
    assert page.locator("footer.site-footer").count() == 1
    assert page.locator(f"main .actions a[href='/{language}/']").count() == 1
    assert_accessible(page)
    page.locator(f"main .actions a[href='/{language}/']").click()
    page.wait_for_url(f"**/{language}/")


def test_accessibility_statement_from_the_footer(page, transactional_db):
    page.goto("/es/")
    page.locator("footer.site-footer a[href='/es/accessibility/']").click()
    page.wait_for_url("**/es/accessibility/")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert "(WCAG) 2.1" in page.inner_text("main")
    assert_accessible(page)
