"""The Study from end to end: open an edition, upload with errors, fix, submit, return a value,
correct it, compute, publish; a visitor sees the ranking, a radar, the progress since 2012,
downloads the CSV, and the report renders in French."""

import re
from pathlib import Path

import pytest

from cityloom.study.models import Edition, Questionnaire, Value
from cityloom.study.services.editions import create_edition, publish_edition
from tests.browser.conftest import assert_accessible
from tests.study.factories import focal_point, make_edition
from tests.study.test_study_computation import VALUES, fill, run


@pytest.fixture
def study(transactional_db, commission, secretariat, django_capture_on_commit_callbacks):
    base = make_edition(commission, year=2012, names=["Bilbao", "Bordeaux", "Poitiers"])
    fill(base)
    run(base, secretariat, django_capture_on_commit_callbacks)
    publish_edition(base, by=secretariat)
    cities = [q.city for q in base.questionnaires.order_by("city__name")]
    edition = create_edition(
        commission=commission,
        framework=base.framework,
        year=2014,
        title="Smart Cities Study 2014",
        title_fr="Étude Smart Cities 2014",
        cities=cities,
        base_edition=base,
    )
    # Bordeaux and Poitiers have answered already; Bilbao's focal point answers in the journey.
    fill(edition, {code: (None, b, c) for code, (_a, b, c) in VALUES.items()})
    edition.questionnaires.filter(city=cities[0]).update(status=Questionnaire.Status.DRAFT)
    edition.status = Edition.Status.DRAFT
    edition.save()
    focal_point(cities[0], email="focal.bilbao@example.org", language="en")
    return edition, cities[0]


def _log_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "secret-pass-123")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def _log_out(page):
    page.get_by_role("button", name="Log out").click()


def _template_with(page, values: dict[str, str]) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name="Template (CSV)").click()
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] in values:
            cells[5], cells[6] = values[cells[0]], "2013"
        out.append(",".join(cells))
    return "\n".join(out).encode()


def test_study_journey(page, study):
    edition, bilbao = study
    questionnaire_url = (
        f"/en/study/editions/{edition.pk}/cities/{bilbao.geonames_id}/questionnaire/"
    )

    # The secretariat opens the edition.
    _log_in(page, "secretariat@example.org")
    page.goto(f"/en/study/editions/{edition.pk}/manage/")
    assert_accessible(page)
    page.get_by_role("button", name="Open for data collection").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    _log_out(page)

    # The focal point uploads a spreadsheet with errors, sees them all, fixes and submits.
    _log_in(page, "focal.bilbao@example.org")
    page.goto("/en/study/")
    assert_accessible(page)
    page.get_by_role("link", name="Smart Cities Study 2014").first.click()
    page.wait_for_url(re.compile(re.escape(questionnaire_url) + "$"))
    assert_accessible(page)
    bad = {
        "ECO.1.1": "140",
        "ECO.1.2": "7",
        "ECO.2.1": "2",
        "GOV.1.1": "maybe",
        "GOV.1.2": "4",
        "GOV.1.3": "lots",
    }
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "bilbao.csv", "mimeType": "text/csv", "buffer": _template_with(page, bad)}],
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#upload-error-list")
    errors = page.locator("#upload-error-list li").all_inner_texts()
    assert errors == [
        "Row 2, column F (Value): Enter a value between 0 and 100.",
        "Row 5, column F (Value): Answer yes or no.",
        "Row 7, column F (Value): Enter a number.",
    ]
    assert not Value.objects.filter(
        questionnaire__edition=edition, questionnaire__city=bilbao
    ).exists()
    assert_accessible(page)
    good = {**bad, "ECO.1.1": "14", "GOV.1.1": "yes", "GOV.1.3": "40"}
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "bilbao.csv", "mimeType": "text/csv", "buffer": _template_with(page, good)}
        ],
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("text=The spreadsheet was imported.")
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the secretariat").click()
    page.wait_for_selector("text=the questionnaire was submitted to the secretariat")
    _log_out(page)

    # The secretariat returns one value with a comment.
    _log_in(page, "secretariat@example.org")
    page.goto(questionnaire_url)
    assert_accessible(page)
    value = Value.objects.get(
        questionnaire__edition=edition, questionnaire__city=bilbao, indicator__code="GOV.1.3"
    )
    page.fill(f"#comment-{value.pk}", "40 open data sets seems low: please check.")
    page.get_by_role("button", name="Return the commented values").click()
    page.wait_for_selector("text=1 value was returned to the city.")
    _log_out(page)

    # The city corrects it and submits again.
    _log_in(page, "focal.bilbao@example.org")
    page.goto(questionnaire_url)
    assert "40 open data sets seems low" in page.locator("main").inner_text()
    assert_accessible(page)
    field = page.locator(f"#value-{value.indicator_id}")
    field.fill("85")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_selector("text=Your draft was saved.")
    page.get_by_role("button", name="Submit to the secretariat").click()
    page.wait_for_selector("text=the questionnaire was submitted to the secretariat")
    value.refresh_from_db()
    assert value.number == 85.0
    _log_out(page)

    # The secretariat computes and publishes.
    _log_in(page, "secretariat@example.org")
    page.goto(f"/en/study/editions/{edition.pk}/manage/")
    page.get_by_role("button", name="Compute the results").click()
    page.wait_for_selector("text=100 %")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the results").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, publish the results").click()
    page.wait_for_url(re.compile(rf"/en/study/editions/{edition.pk}/$"))
    _log_out(page)

    # A visitor sees the ranking with rank intervals, a radar, the progress since 2012.
    page.goto(f"/en/study/editions/{edition.pk}/")
    assert_accessible(page)
    assert page.locator("th", has_text="Rank interval").count() == 1
    assert page.locator("tbody tr").first.locator("td").nth(4).inner_text() != "—"
    page.get_by_role("link", name="Bilbao").first.click()
    assert_accessible(page)
    assert page.locator("svg[role=img]").first.is_visible()
    assert "Progress since 2012" in page.locator("main").inner_text()
    with page.expect_download() as info:
        page.goto(f"/en/study/editions/{edition.pk}/")
        page.get_by_role("link", name="CSV").click()
    # Readable headings first, the column codes on the second row.
    rows = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("GeoNames id,City,")
    assert rows[1].startswith("geonames_id,city,")

    # The living report, in French, as a page and as a PDF.
    page.goto(f"/fr/study/editions/{edition.pk}/report/")
    assert "Méthode" in page.locator("h2").first.inner_text()
    assert_accessible(page)
    pdf = page.request.get(f"/fr/study/editions/{edition.pk}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
