"""A French focal point fills in a questionnaire whose framework reads in French; a visitor reads
the city's results in Spanish. A name the framework lacks shows in English, marked as English."""

import re

import pytest

from cityloom.study.services.editions import publish_edition
from cityloom.study.services.frameworks import import_framework, read_framework
from tests.browser.conftest import assert_accessible
from tests.study.factories import focal_point, make_edition
from tests.study.test_framework_translations import FRAMEWORK, without
from tests.study.test_study_computation import fill, run


@pytest.fixture
def study(transactional_db, commission, secretariat, django_capture_on_commit_callbacks):
    # Entrepreneurship has no French name (a framework imported before names were required).
    text = without(FRAMEWORK, "ECO.2", "name", "fr")
    edition = make_edition(commission, framework=import_framework(read_framework(text)))
    fill(edition)
    run(edition, secretariat, django_capture_on_commit_callbacks)
    publish_edition(edition, by=secretariat)
    city = edition.questionnaires.order_by("city__name").first().city
    focal_point(city, email="focal@example.org", language="fr")
    return edition, city


def test_questionnaire_and_results_read_in_the_page_language(page, study):
    edition, city = study
    page.goto("/fr/accounts/login/")
    page.fill("input[name=login]", "focal@example.org")
    page.fill("input[name=password]", "secret-pass-123")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fr/my/$"))

    page.goto(f"/fr/study/editions/{edition.pk}/cities/{city.geonames_id}/questionnaire/")
    assert_accessible(page)
    main = page.locator("main")
    assert main.get_by_role("heading", name="Économie intelligente").count() == 1
    assert main.get_by_text("ECO.1.2 Taux de chômage").count() == 1
    # The factor without a French name: in English, and the page says so.
    english = main.locator("th [lang=en]")
    assert english.all_inner_texts() == ["Entrepreneurship"]

    page.goto(f"/es/study/editions/{edition.pk}/cities/{city.geonames_id}/")
    assert_accessible(page)
    factors = page.locator("h2 ~ table tbody th[scope=row]").all_inner_texts()
    assert "Espíritu innovador" in factors
    assert "Emprendimiento" in factors
    assert "Administración electrónica" in factors
    # Every name of the framework is in Spanish (the edition's own title may be English only).
    assert page.locator("main table [lang=en], main h3 [lang=en]").count() == 0
