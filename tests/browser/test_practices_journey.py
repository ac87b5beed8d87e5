"""A Bilbao member drafts a practice in Spanish, the focal point publishes it, a visitor finds it
from French words typed without accents, Bordeaux records its adoption, and the secretariat puts
it in a compendium that renders to PDF."""

import re

import pytest

from cityloom.practices.models import Practice, Transfer
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

PASSWORD = "secret-pass-123"
TITLE = "Participación electrónica de la ciudadanía"


@pytest.fixture
def network(transactional_db):
    commission = CommissionFactory(
        slug="digital-cities", name="Commission on Digital Cities and Knowledge"
    )
    bilbao = CityFactory(
        geonames_id=3128026, name="Bilbao", country_code="ES", country_name="Spain",
        population=354_860,
    )  # fmt: skip
    bordeaux = CityFactory(geonames_id=3031582, name="Bordeaux", population=260_958)
    for city in (bilbao, bordeaux):
        MembershipFactory(commission=commission, city=city)
    UserFactory(email="member@bilbao.example", city=bilbao, language="es", name="Ane Member")
    UserFactory(
        email="focal@bilbao.example", city=bilbao, role="focal_point", language="es", name="Jon"
    )
    UserFactory(email="focal@bordeaux.example", city=bordeaux, role="focal_point", language="fr")
    secretariat = UserFactory(email="secretariat@example.org", language="en")
    commission.secretariat.add(secretariat)
    return commission


def _log_in(page, language, email):
    page.goto(f"/{language}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/my/$"))


def _log_out(page):
    page.get_by_role("button", name=re.compile("Log out|Déconnexion|Cerrar sesión")).click()
    page.wait_for_load_state()


def test_practice_journey(page, network):
    # A member of Bilbao drafts the practice, in Spanish.
    _log_in(page, "es", "member@bilbao.example")
    page.goto("/es/practices/new/")
    assert_accessible(page)
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=summary]", "Una plataforma en línea para proponer y votar proyectos.")
    page.select_option("select[name=axis]", "governance")
    page.select_option("select[name=language]", "es")
    page.fill("textarea[name=problem]", "La participación presencial era baja.")
    page.fill("textarea[name=solution]", "Votación electrónica segura y puntos de acceso asistido.")
    page.fill("textarea[name=figures]", "Votantes: 18500")
    page.check("input[name=sdgs][value='16']")
    page.fill("input[name=tags]", "participación, gobierno abierto")
    page.get_by_role("button", name="Guardar el borrador").click()
    page.wait_for_selector(".messages .success")
    assert "Borrador" in page.locator("main").inner_text()
    assert_accessible(page)
    practice = Practice.objects.get()
    assert practice.status == "draft"
    _log_out(page)

    # Bilbao's focal point publishes it.
    _log_in(page, "es", "focal@bilbao.example")
    page.goto(f"/es/practices/{practice.pk}/")
    page.get_by_role("button", name="Publicar").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    _log_out(page)

    # A visitor finds it from French words typed without accents.
    page.goto("/fr/practices/")
    assert_accessible(page)
    page.fill("#f-q", "participation electronique citoyenne")
    page.fill("#f-q", "participation electronique")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"q=participation"))
    result = page.locator("#results").get_by_role("link", name=TITLE)
    result.wait_for()
    assert "1 pratique trouvée" in page.locator("#results").inner_text()
    assert_accessible(page)
    result.click()
    page.wait_for_url(re.compile(rf"/fr/practices/{practice.pk}/$"))
    assert "Cette pratique est écrite en espagnol" in page.locator("main").inner_text()
    # The page and its headings are French; the Spanish title says it is Spanish.
    assert page.locator("h1 [lang]").get_attribute("lang") == "es"
    assert_accessible(page)

    # Bordeaux records its adoption.
    _log_in(page, "fr", "focal@bordeaux.example")
    page.goto(f"/fr/practices/{practice.pk}/")
    page.get_by_role("link", name="Nous l'avons adoptée").click()
    assert_accessible(page)
    page.fill("input[name=started_on]", "2013-10-02")
    page.fill("textarea[name=notes]", "Visite d'étude à Bilbao prévue.")
    page.get_by_role("button", name="Enregistrer l'adoption").click()
    page.wait_for_selector(".messages .success")
    assert (
        "Bordeaux"
        in page.get_by_role("table", name="Villes qui ont adopté cette pratique").inner_text()
    )
    assert_accessible(page)
    assert Transfer.objects.get().adopting_city.name == "Bordeaux"
    page.goto("/fr/practices/cities/3031582/")
    assert TITLE in page.locator("main").inner_text()
    assert_accessible(page)
    _log_out(page)

    # The secretariat makes a compendium with it; the compendium renders to PDF.
    _log_in(page, "en", "secretariat@example.org")
    page.goto("/en/practices/compendiums/new/")
    assert_accessible(page)
    page.fill("input[name=title]", "E-government practices 2013")
    page.fill("input[name=title_es]", "Prácticas de administración electrónica 2013")
    page.fill("textarea[name=introduction]", "Practices chosen for their transferability.")
    page.get_by_role("button", name="Create").click()
    page.wait_for_selector(".messages .success")
    page.goto(f"/en/practices/{practice.pk}/")
    page.get_by_role("button", name="Add to the compendium").click()
    page.wait_for_selector(".messages .success")
    page.goto("/es/practices/compendiums/e-government-practices-2013/")
    assert "Prácticas de administración electrónica 2013" in page.locator("h1").inner_text()
    assert TITLE in page.locator("main").inner_text()
    assert_accessible(page)
    pdf_url = page.get_by_role("link", name="Descargar en PDF").get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert len(response.body()) > 2000
