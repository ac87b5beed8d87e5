import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityloom.core.tags import tags_named
from cityloom.practices import services
from cityloom.practices.models import Practice, PracticeTranslation
from tests.factories import CityFactory, UserFactory
from tests.practices.factories import PracticeFactory, TransferFactory


@pytest.mark.parametrize("n", [1, 3])
def test_list_has_no_n_plus_one(client, commission, bordeaux, django_assert_num_queries, n):
    for _ in range(n):
        practice = PracticeFactory(city=bordeaux, commission=commission)
        practice.sdgs.create(goal=11)
    # the data version, facets and total in one query, the page's ids, its rows, their SDGs,
    # their translations (each card in the reader's language)
    with django_assert_num_queries(6):
        response = client.get("/en/practices/")
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 3])
def test_search_list_has_no_n_plus_one(client, commission, bordeaux, django_assert_num_queries, n):
    for i in range(n):
        PracticeFactory(city=bordeaux, commission=commission, title=f"Mobilité {i}")
    with django_assert_num_queries(6):
        response = client.get("/fr/practices/?q=mobilites&axis=economy")
    assert response.context["page"].paginator.count == n


def test_list_filters_and_facets_on_the_page(client, commission, bordeaux, bilbao):
    PracticeFactory(city=bordeaux, commission=commission, axis="mobility", title="Tram")
    PracticeFactory(city=bilbao, commission=commission, axis="living", title="Care")
    response = client.get("/en/practices/?country=ES")
    assert [p.title for p in response.context["page"].object_list] == ["Care"]
    body = response.content.decode()
    assert "Smart living (1)" in body


def test_htmx_gets_only_the_results(client, commission, bordeaux):
    PracticeFactory(city=bordeaux, commission=commission)
    response = client.get("/en/practices/?q=practice", headers={"hx-request": "true"})
    assert "<html" not in response.content.decode()


def test_draft_is_hidden_from_other_cities_and_visitors(
    client, commission, member_bordeaux, focal_bilbao, secretariat
):
    draft = PracticeFactory(
        city=member_bordeaux.city, commission=commission, status="draft", title="Secret"
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(focal_bilbao)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secret" not in client.get("/en/practices/?q=secret").content.decode()
    client.force_login(member_bordeaux)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.force_login(secretariat)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_page_falls_back_to_the_original_and_marks_translations(client, commission, bilbao):
    practice = PracticeFactory(city=bilbao, commission=commission, language="es", title="Movilidad")
    PracticeTranslation.objects.create(
        practice=practice, language="en", title="Mobility", summary="In English."
    )
    english = client.get(f"/en/practices/{practice.pk}/").content.decode()
    assert "<h1>Mobility</h1>" in english
    assert "Translation; the original is in Spanish." in english
    french = client.get(f"/fr/practices/{practice.pk}/").content.decode()
    assert '<h1><span lang="es">Movilidad</span></h1>' in french
    # The headings are the page's, in French; the content says it is Spanish.
    assert "<article>" in french
    assert "<h2>Le problème</h2>" in french


def test_every_text_comes_in_the_readers_language_where_translated(client, commission, bilbao):
    practice = PracticeFactory(
        city=bilbao, commission=commission, language="es", title="Movilidad", problem="Tráfico."
    )
    PracticeTranslation.objects.create(
        practice=practice, language="fr", title="Mobilité", summary="En bref.", problem=""
    )
    french = client.get(f"/fr/practices/{practice.pk}/").content.decode()
    assert "<h1>Mobilité</h1>" in french
    assert "<p>En bref.</p>" in french
    # No French problem yet: the Spanish original, marked as such.
    assert '<p lang="es">Tráfico.</p>' in french
    listing = client.get("/fr/practices/").content.decode()
    assert f'<a href="/fr/practices/{practice.pk}/">Mobilité</a>' in listing
    spanish = client.get("/es/practices/").content.decode()
    assert f'<a href="/es/practices/{practice.pk}/">Movilidad</a>' in spanish


def test_member_drafts_through_the_form(client, member_bordeaux):
    client.force_login(member_bordeaux)
    response = client.post(
        "/en/practices/new/",
        {
            "title": "Repair cafés",
            "summary": "S",
            "axis": "environment",
            "language": "fr",
            "problem": "P",
            "solution": "S",
            "cost_range": "unknown",
            "figures": "Objects repaired: 1 200\nWaste avoided: 3,5 t",
            "sdgs": ["12"],
            "tags": "repair, circular economy",
        },
    )
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert practice.figures == [
        {"label": "Objects repaired", "value": 1200, "unit": ""},
        {"label": "Waste avoided", "value": 3.5, "unit": "t"},
    ]


def test_bad_figures_get_a_clear_message_and_nothing_is_written(client, member_bordeaux):
    client.force_login(member_bordeaux)
    response = client.post(
        "/fr/practices/new/",
        {"title": "T", "summary": "S", "axis": "economy", "language": "fr", "problem": "P",
         "solution": "S", "cost_range": "unknown", "figures": "beaucoup"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Ligne 1" in response.content.decode()
    assert Practice.objects.count() == 0


def test_visitor_cannot_draft(client, db):
    assert client.get("/en/practices/new/").status_code == 302


def test_third_city_cannot_read_a_conversation(
    client, commission, focal_bordeaux, member_johannesburg, focal_bilbao, secretariat
):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission)
    conversation = services.start_conversation(
        practice, by=member_johannesburg, subject="Budget", body="What did it cost?"
    )
    url = conversation.get_absolute_url()
    client.force_login(focal_bilbao)
    assert client.get(url).status_code == 404
    assert "What did it cost?" not in client.get("/en/practices/mine/").content.decode()
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert "What did it cost?" in response.content.decode()
    assert client.post(url, {"body": "Hello"}).status_code == 403
    client.force_login(focal_bordeaux)
    assert client.post(url, {"body": "About 40,000 euros."}).status_code == 302
    assert conversation.messages.count() == 2


def test_adoption_shows_on_both_pages(client, commission, focal_bordeaux, focal_bilbao):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission, title="Tram")
    client.force_login(focal_bilbao)
    response = client.post(f"/en/practices/{practice.pk}/adopt/", {"started_on": "2013-02-01"})
    assert response.status_code == 302
    client.logout()
    assert [
        t.adopting_city.name for t in client.get(practice.get_absolute_url()).context["transfers"]
    ] == ["Bilbao"]
    city_page = client.get("/en/practices/cities/3128026/")
    assert [t.practice.title for t in city_page.context["adopted"]] == ["Tram"]
    bordeaux_page = client.get("/en/practices/cities/3031582/")
    assert [p.title for p in bordeaux_page.context["shared"]] == ["Tram"]


@pytest.mark.parametrize("n", [1, 3])
def test_city_page_has_no_n_plus_one(
    client, commission, bordeaux, bilbao, django_assert_num_queries, n
):
    for _ in range(n):
        PracticeFactory(city=bordeaux, commission=commission)
        TransferFactory(
            adopting_city=bordeaux, practice=PracticeFactory(city=bilbao, commission=commission)
        )
    # the city, its practices with their SDGs and translations, the practices it adopted
    with django_assert_num_queries(5):
        client.get("/en/practices/cities/3031582/")


def test_exports_are_for_the_secretariat(client, commission, bordeaux, secretariat, focal_bordeaux):
    PracticeFactory(city=bordeaux, commission=commission, title="=HYPERLINK(evil)")
    client.force_login(focal_bordeaux)
    assert client.get("/en/practices/export.csv").status_code == 403
    client.force_login(secretariat)
    rows = list(csv.reader(io.StringIO(client.get("/en/practices/export.csv").content.decode())))
    assert rows[0][:3] == ["Id", "Title", "City"]
    assert rows[1][1] == "'=HYPERLINK(evil)"
    response = client.get("/en/practices/export.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 3).value == "Bordeaux"
    assert client.get("/en/practices/export.exe").status_code == 404


def test_feeds_list_new_practices(client, commission, bordeaux):
    PracticeFactory(city=bordeaux, commission=commission, title="Tram")
    PracticeFactory(city=bordeaux, commission=commission, title="Hidden", status="draft")
    atom = client.get("/en/practices/feed/atom/").content.decode()
    assert "<title>Tram (Bordeaux)</title>" in atom
    assert "Hidden" not in atom
    assert "<rss" in client.get("/en/practices/feed/rss/").content.decode()


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_compendium_exports_in_three_languages(client, commission, bordeaux, secretariat, language):
    practice = PracticeFactory(city=bordeaux, commission=commission, title="Tram")
    compendium = services.create_compendium(
        commission=commission, by=secretariat, title="Mobility", introduction="Intro",
        title_fr="Mobilité", title_es="Movilidad",
    )  # fmt: skip
    services.add_to_compendium(compendium, practice, by=secretariat)
    titles = {"en": "Mobility", "fr": "Mobilité", "es": "Movilidad"}
    html = client.get(f"/{language}/practices/compendiums/mobility/compendium.html")
    assert f"<h1>{titles[language]}</h1>" in html.content.decode()
    pdf = client.get(f"/{language}/practices/compendiums/mobility/compendium.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert titles[language] in text
    assert "Tram" in text


def test_private_compendium_is_hidden(client, commission, secretariat):
    services.create_compendium(
        commission=commission, by=secretariat, title="Draft set", introduction="x", is_public=False
    )
    assert client.get("/en/practices/compendiums/draft-set/").status_code == 404
    client.force_login(secretariat)
    assert client.get("/en/practices/compendiums/draft-set/").status_code == 200


def test_upload_of_a_wrong_type_shows_a_translated_error(
    client, member_bordeaux, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    client.force_login(member_bordeaux)
    fake = SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(f"/es/practices/{practice.pk}/attachments/", {"file": fake})
    assert response.status_code == 200
    assert "no es de un tipo aceptado" in response.content.decode()
    assert practice.attachments.count() == 0


def test_api_searches_like_the_page(client, commission, bordeaux, bilbao):
    PracticeFactory(city=bordeaux, commission=commission, title="Mobilités douces", language="fr")
    PracticeFactory(
        city=bilbao, commission=commission, title="Movilidad", axis="mobility", language="es"
    )
    body = client.get("/api/v1/practices?q=mobilite").json()
    assert [p["title"] for p in body["items"]] == ["Mobilités douces"]
    body = client.get("/api/v1/practices?axis=mobility&country=ES").json()
    assert [p["title"] for p in body["items"]] == ["Movilidad"]
    assert client.get("/api/v1/practices?axis=astrology").status_code == 422


def test_api_hides_drafts(client, commission, bordeaux):
    draft = PracticeFactory(city=bordeaux, commission=commission, status="draft")
    assert client.get(f"/api/v1/practices/{draft.pk}").status_code == 404
    assert client.get("/api/v1/practices").json()["count"] == 0


def test_admin_lists_practices_of_the_secretariat_only(client, commission, bordeaux):
    from tests.factories import CommissionFactory

    PracticeFactory(city=bordeaux, commission=commission, title="Ours")
    PracticeFactory(city=bordeaux, commission=CommissionFactory(), title="Theirs")
    staff = UserFactory(is_staff=True, is_superuser=False)
    commission.secretariat.add(staff)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_practice"))
    client.force_login(staff)
    response = client.get("/en/admin/practices/practice/")
    assert [p.title for p in response.context["cl"].result_list] == ["Ours"]


def _unchanged(form) -> dict:
    """What the browser posts back for an edit form nobody touched."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, list | tuple):
            data[field.name] = [str(v) for v in value]
        elif value is not None:
            data[field.name] = str(value)
    return data


def test_focal_point_saves_an_unchanged_practice(client, focal_bilbao, commission):
    # Practices loaded as data (the demo) or whose author left have no `created_by`: saving
    # one unchanged was a 500 ("'PracticeForm' has no field named 'created_by'").
    from cityloom.practices.forms import PracticeForm

    practice = PracticeFactory(
        city=focal_bilbao.city, commission=commission, created_by=None, contact=focal_bilbao,
        started_on="2011-03-01",
    )  # fmt: skip
    practice.tags.add(*tags_named(["e-participation"]))
    client.force_login(focal_bilbao)
    data = _unchanged(PracticeForm(instance=practice, city=practice.city))
    response = client.post(f"/en/practices/{practice.pk}/edit/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/en/practices/{practice.pk}/"
    practice.refresh_from_db()
    assert (practice.title, practice.created_by, practice.contact) == (
        data["title"],
        None,
        focal_bilbao,
    )
    assert [t.slug for t in practice.tags.all()] == ["e-participation"]


# Pages that list things: the number of queries does not grow with the number of rows.


def _review(practice, secretariat):
    return services.review_label(
        practice, by=secretariat, relevance=4, evidence=4, transferability=4,
        comments="Clear results.", award=True,
    )  # fmt: skip


@pytest.mark.parametrize("n", [1, 3])
def test_practice_page_has_no_n_plus_one(
    client, commission, bordeaux, secretariat, django_assert_num_queries, n
):
    practice = PracticeFactory(city=bordeaux, commission=commission)
    for i in range(n):
        TransferFactory(practice=practice, adopting_city=CityFactory())
        _review(practice, secretariat)
        PracticeTranslation.objects.create(
            practice=practice, language=("fr", "es", "en")[i], title=f"T{i}", summary="s"
        )
        services.create_compendium(
            commission=commission, by=secretariat, title=f"Set {i}", introduction="x"
        )
    client.force_login(secretariat)
    with django_assert_num_queries(12):
        response = client.get(practice.get_absolute_url())
    assert len(response.context["transfers"]) == n
    assert len(response.context["reviews"]) == n
    assert len(response.context["compendiums"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_conversation_page_has_no_n_plus_one(
    client, commission, focal_bordeaux, focal_bilbao, django_assert_num_queries, n
):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission)
    conversation = services.start_conversation(
        practice, by=focal_bilbao, subject="Budget", body="What did it cost?"
    )
    for i in range(n - 1):
        services.reply(conversation, by=focal_bordeaux, body=f"Answer {i}")
    client.force_login(focal_bordeaux)
    with django_assert_num_queries(4):
        response = client.get(conversation.get_absolute_url())
    assert len(response.context["thread"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_my_page_has_no_n_plus_one(
    client, commission, focal_bordeaux, bilbao, secretariat, django_assert_num_queries, n
):
    commission.secretariat.add(focal_bordeaux)
    for i in range(n):
        PracticeFactory(city=focal_bordeaux.city, commission=commission, status="draft")
        theirs = PracticeFactory(city=bilbao, commission=commission)
        TransferFactory(practice=theirs, adopting_city=focal_bordeaux.city)
        services.start_conversation(theirs, by=focal_bordeaux, subject=f"S{i}", body="Hello")
    client.force_login(focal_bordeaux)
    with django_assert_num_queries(8):
        response = client.get("/en/practices/mine/")
    assert len(response.context["drafts"]) == n
    assert len(response.context["transfers"]) == n
    assert len(response.context["conversations"]) == n
    assert len(response.context["followed"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_compendium_list_has_no_n_plus_one(
    client, commission, secretariat, django_assert_num_queries, n
):
    for i in range(n):
        services.create_compendium(
            commission=commission, by=secretariat, title=f"Set {i}", introduction="x"
        )
    with django_assert_num_queries(1):
        response = client.get("/en/practices/compendiums/")
    assert len(response.context["compendiums"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_compendium_page_has_no_n_plus_one(
    client, commission, bordeaux, secretariat, django_assert_num_queries, n
):
    compendium = services.create_compendium(
        commission=commission, by=secretariat, title="Mobility", introduction="x"
    )
    for _ in range(n):
        practice = PracticeFactory(city=bordeaux, commission=commission)
        practice.sdgs.create(goal=11)
        services.add_to_compendium(compendium, practice, by=secretariat)
    with django_assert_num_queries(5):
        response = client.get("/en/practices/compendiums/mobility/")
    assert len(response.context["entries"]) == n


@pytest.mark.parametrize(("ui", "name"), [("en", "Spanish"), ("fr", "Espagnol")])
def test_translation_page_names_the_language_for_the_reader(
    client, commission, focal_bordeaux, ui, name
):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission, language="fr")
    client.force_login(focal_bordeaux)
    response = client.get(f"/{ui}/practices/{practice.pk}/translations/es/")
    assert response.context["language_name"] == name
    assert client.get(f"/{ui}/practices/{practice.pk}/translations/de/").status_code == 404
