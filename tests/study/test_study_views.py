import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from cityloom.study import queries
from cityloom.study.forms import QuestionnaireForms
from cityloom.study.models import CityResult, Edition, Value
from cityloom.study.services.editions import publish_edition
from cityloom.study.services.questionnaire import Row
from tests.study.factories import make_edition, questionnaire
from tests.study.test_study_computation import fill, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(edition, secretariat, django_capture_on_commit_callbacks):
    fill(edition)
    run(edition, secretariat, django_capture_on_commit_callbacks)
    publish_edition(edition, by=secretariat)
    return edition


def _published_edition(commission, secretariat, capture, n_cities):
    """A computed and published edition of `n_cities` cities (at most 4)."""
    edition = make_edition(commission, n_cities=n_cities)
    columns = {
        "ECO.1.1": (10, 20, 30, 40),
        "ECO.1.2": (5, 10, 15, 9),
        "ECO.2.1": (1, 3, 2, 5),
        "GOV.1.1": (1, 0, 1, 0),
        "GOV.1.2": (1, 2, 4, 3),
        "GOV.1.3": (0, 50, 100, 7),
    }
    fill(edition, {code: column[:n_cities] for code, column in columns.items()})
    run(edition, secretariat, capture)
    publish_edition(edition, by=secretariat)
    return edition


@pytest.mark.parametrize("n_cities", [1, 3])
def test_results_page_queries_do_not_grow_with_cities(
    client,
    commission,
    secretariat,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    n_cities,
):
    edition = _published_edition(
        commission, secretariat, django_capture_on_commit_callbacks, n_cities + 1
    )
    with django_assert_num_queries(4):
        response = client.get(f"/en/study/editions/{edition.pk}/")
    assert len(response.context["rows"]) == n_cities + 1


def test_ranking_filters_and_sort(client, published):
    response = client.get(f"/en/study/editions/{published.pk}/?sort=ECO")
    assert [r.city.name for r in response.context["rows"]] == ["City B", "City C", "City A"]
    # 200,000, 400,000 and 600,000 inhabitants: A is small, B and C medium-sized.
    response = client.get(f"/en/study/editions/{published.pk}/?size=medium")
    assert [r.city.name for r in response.context["rows"]] == ["City C", "City B"]
    page = client.get(f"/fr/study/editions/{published.pk}/").content.decode()
    assert "Classement" in page
    assert "<svg" in page


def test_city_profile_has_radar_and_its_data_table(client, published, cities):
    response = client.get(f"/en/study/editions/{published.pk}/cities/{cities[2].geonames_id}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in page
    assert "Scores on each axis (data of the radar chart)" in page
    assert response.context["result"].rank == 1


def test_unpublished_results_are_hidden_from_visitors(client, edition, cities):
    assert client.get(f"/en/study/editions/{edition.pk}/").status_code == 404
    assert (
        client.get(f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/").status_code
        == 404
    )
    assert client.get(f"/en/study/editions/{edition.pk}/results.csv").status_code == 404
    assert client.get(f"/api/v1/study/editions/{edition.pk}/results").status_code == 404


def test_downloads(client, published):
    # The former layout, codes as the only header row, stays for scripts (issue 12).
    url = f"/en/study/editions/{published.pk}/results.csv?header=codes"
    header, first = client.get(url).content.decode().splitlines()[:2]
    assert header.startswith(
        "geonames_id,city,country,region,population,score,rank,rank_p05,rank_p95"
    )
    assert first.split(",")[1] == "City C"
    data = json.loads(client.get(f"/en/study/editions/{published.pk}/results.json").content)
    assert data["metadata"]["licence"] == "CC BY 4.0"
    assert [c["city"] for c in data["cities"]] == ["City C", "City B", "City A"]
    xlsx = client.get(f"/en/study/editions/{published.pk}/results.xlsx")
    assert xlsx.content.startswith(b"PK")


def test_api_editions_and_results(client, published):
    (item,) = client.get("/api/v1/study/editions").json()
    assert (item["year"], item["status"], item["framework"], item["cities"]) == (
        2014,
        "published",
        "small-test",
        3,
    )
    results = client.get(f"/api/v1/study/editions/{published.pk}/results").json()
    first = results["cities"][0]
    assert (first["city"], first["rank"]) == ("City C", 1)
    assert set(first["rank_interval"]) == {"p05", "p95"}
    assert set(first["axes"]) == {"ECO", "GOV"}
    page = client.get(f"/api/v1/study/editions/{published.pk}/results?limit=1&offset=1").json()
    assert (page["count"], [c["rank"] for c in page["cities"]]) == (results["count"], [2])
    assert client.get(f"/api/v1/study/editions/{published.pk}/results?limit=0").status_code == 422


@pytest.mark.slow
def test_report_in_french_and_as_pdf(client, published):
    page = client.get(f"/fr/study/editions/{published.pk}/report/").content.decode()
    assert "Méthode" in page
    assert "Participation" in page
    pdf = client.get(f"/fr/study/editions/{published.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_questionnaire_page_saves_a_draft_and_shows_errors(client, edition, cities, bilbao_focal):
    client.force_login(bilbao_focal)
    url = f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
    node = edition.framework.nodes.get(code="ECO.1.1")
    response = client.post(url, {f"value-{node.pk}": "140", f"year-{node.pk}": "2013"}, follow=True)
    assert "Enter a value between 0 and 100." in response.content.decode()
    assert not Value.objects.exists()
    client.post(url, {f"value-{node.pk}": "14,5", f"year-{node.pk}": "2013"})
    assert Value.objects.get().number == 14.5
    check = client.post(f"{url}check/{node.pk}/", {f"value-{node.pk}": "abc"})
    assert "Enter a number." in check.content.decode()


def test_questionnaire_forms_read_only_the_posted_rows_and_answers(edition, cities):
    q = questionnaire(edition, cities[0])
    eco, gov = (edition.framework.nodes.get(code=c) for c in ("ECO.1.1", "GOV.1.3"))
    axis = edition.framework.nodes.get(code="ECO")
    forms = QuestionnaireForms(
        q,
        QueryDict(
            f"value-{eco.pk}=12&year-{eco.pk}=2013&source-{eco.pk}=Census&url-{eco.pk}=+https://a.b/+"
            f"&answer-{axis.pk}-experience=Buses&link-{axis.pk}-experience=+https://c.d/+"
        ),
        MultiValueDict(),
    )
    assert forms.is_valid()
    rows, answers = forms.cleaned()
    assert rows == {
        "ECO.1.1": Row(value="12", year="2013", source="Census", evidence_url="https://a.b/")
    }
    assert gov.code not in rows
    assert answers == {(axis.pk, "experience"): ("Buses", "https://c.d/")}


def test_questionnaire_page_refuses_a_nul_character(client, edition, cities, bilbao_focal):
    client.force_login(bilbao_focal)
    url = f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
    node = edition.framework.nodes.get(code="ECO.1.1")
    response = client.post(url, {f"value-{node.pk}": "12", f"note-{node.pk}": "a\x00b"})
    assert response.status_code == 200
    assert response.context["sections"][0]["items"][1]["errors"] == [
        "Null characters are not allowed."
    ]
    assert not Value.objects.exists()


def test_upload_lists_errors_on_the_page(client, edition, cities, bilbao_focal):
    client.force_login(bilbao_focal)
    url = f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
    text = client.get(url + "template.csv").content.decode().splitlines()
    text[1] = text[1].replace("0 to 100,", "0 to 100,abc", 1)
    upload = SimpleUploadedFile("mine.csv", "\n".join(text).encode(), content_type="text/csv")
    page = client.post(url + "upload/", {"file": upload}, follow=True).content.decode()
    assert "The file has 1 error; nothing was saved." in page
    assert "Row 2, column F (Value): Enter a number." in page


def test_secretariat_runs_the_edition_from_its_page(
    client, edition, secretariat, django_capture_on_commit_callbacks
):
    fill(edition)
    client.force_login(secretariat)
    assert client.get(f"/en/study/editions/{edition.pk}/manage/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/study/editions/{edition.pk}/compute/")
    assert "100 %" in client.get(f"/en/study/editions/{edition.pk}/computation/").content.decode()
    client.post(f"/en/study/editions/{edition.pk}/publish/", {"confirm": "yes"})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PUBLISHED


def test_focal_point_cannot_open_the_management_page(client, edition, bilbao_focal):
    client.force_login(bilbao_focal)
    assert client.get(f"/en/study/editions/{edition.pk}/manage/").status_code == 403
    assert client.post(f"/en/study/editions/{edition.pk}/compute/").status_code == 403


def test_secretariat_returns_a_value_from_the_page(
    client, edition, cities, bilbao_focal, secretariat
):
    from cityloom.study.services.questionnaire import Row, save_values, submit_questionnaire

    q = questionnaire(edition, cities[0])
    save_values(q, by=bilbao_focal, rows={"ECO.1.1": Row(value="12")})
    submit_questionnaire(q, by=bilbao_focal)
    value = Value.objects.get()
    client.force_login(secretariat)
    url = f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
    client.post(url + "review/", {"decision": "return", f"comment-{value.pk}": "Source?"})
    value.refresh_from_db()
    assert (value.review, value.review_comment) == ("returned", "Source?")


def test_axis_names_follow_the_page_language_when_the_framework_has_only_english():
    from django.utils import translation

    from cityloom.study.queries import label

    group = {"name": "Smart Economy", "name_fr": "", "name_es": "", "axis": "economy"}
    with translation.override("fr"):
        assert label(group) == "Économie intelligente"
    with translation.override("en"):
        assert label(group) == "Smart Economy"
    with translation.override("es"):
        assert label({**group, "name_es": "Economía"}) == "Economía"


def test_published_results_leave_out_a_later_unpublished_computation(
    published, secretariat, django_capture_on_commit_callbacks
):
    first = set(CityResult.objects.published().values_list("pk", flat=True))
    assert len(first) == 3
    # A recomputation after publication is the secretariat's preview until it is published.
    run(published, secretariat, django_capture_on_commit_callbacks)
    assert CityResult.objects.count() == 6
    assert set(CityResult.objects.published().values_list("pk", flat=True)) == first


def test_axis_scores_of_the_published_results(published, cities):
    scores = queries.axis_scores(published)
    assert set(scores) == {c.pk for c in cities}
    result = CityResult.objects.get(computation=published.published_computation, city=cities[0])
    assert scores[cities[0].pk] == {
        "economy": queries.AxisScore(score=result.groups["ECO"], rank=result.group_ranks["ECO"]),
        "governance": queries.AxisScore(score=result.groups["GOV"], rank=result.group_ranks["GOV"]),
    }
    assert queries.result_value(published, cities[0].pk, "ECO") == result.groups["ECO"]
    assert queries.axis_scores(Edition()) == {}


@pytest.mark.parametrize("n_cities", [1, 3])
def test_city_profile_queries_do_not_grow_with_cities(
    client,
    commission,
    secretariat,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    n_cities,
):
    edition = _published_edition(
        commission, secretariat, django_capture_on_commit_callbacks, n_cities + 1
    )
    city = edition.questionnaires.select_related("city").first().city
    with django_assert_num_queries(4):
        response = client.get(f"/en/study/editions/{edition.pk}/cities/{city.geonames_id}/")
    assert response.context["n_cities"] == n_cities + 1
