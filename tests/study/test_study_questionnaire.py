import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cityloom.core.errors import ServiceError
from cityloom.core.models import AuditEvent
from cityloom.study import permissions
from cityloom.study.models import Node, Questionnaire, Value, ValueChange
from cityloom.study.services.plausibility import robust_z, warnings_for
from cityloom.study.services.problems import Problem
from cityloom.study.services.questionnaire import (
    QuestionnaireError,
    Row,
    parse_value,
    save_values,
    submit_questionnaire,
)
from cityloom.study.services.review import accept_questionnaire, reopen_questionnaire, return_values
from cityloom.study.services.spreadsheet import (
    SpreadsheetError,
    import_spreadsheet,
    template_csv,
    template_xlsx,
)
from tests.factories import UserFactory
from tests.study.factories import questionnaire

pytestmark = pytest.mark.django_db


def node(edition, code) -> Node:
    return edition.framework.nodes.get(code=code)


@pytest.mark.parametrize(
    ("code", "raw", "expected"),
    [
        ("ECO.1.1", "12,5", (12.5, None)),
        ("ECO.1.1", "40 %", (40.0, None)),
        ("ECO.1.1", "140", (None, "Enter a value between 0 and 100.")),
        ("ECO.1.1", "abc", (None, "Enter a number.")),
        ("ECO.1.1", "nan", (None, "Enter a number.")),
        ("ECO.1.1", "", (None, None)),
        ("GOV.1.1", "oui", (1.0, None)),
        ("GOV.1.1", "No", (0.0, None)),
        ("GOV.1.1", "maybe", (None, "Answer yes or no.")),
        ("GOV.1.2", "51-75", (3.0, None)),
        ("GOV.1.2", "4", (4.0, None)),
        (
            "GOV.1.2",
            "90 %",
            (None, "Choose one of: 0\u201325 %, 26\u201350 %, 51\u201375 %, 76\u2013100 %."),
        ),
        ("GOV.1.3", 1234, (1234.0, None)),
    ],
)
def test_parse_value_by_type(edition, code, raw, expected):
    assert parse_value(node(edition, code), raw) == expected


def test_robust_z_from_median_and_mad():
    peers = [10.0, 11.0, 12.0, 13.0, 14.0]
    # median 12, MAD 1: z = (22 - 12) / 1.4826
    assert robust_z(22.0, peers) == pytest.approx((22 - 12) / 1.4826)
    assert robust_z(22.0, peers[:4]) is None  # too few peers
    assert robust_z(22.0, [5.0] * 6) is None  # no spread


def test_warning_for_a_value_far_from_the_peers(commission):
    from tests.study.factories import make_edition

    edition = make_edition(commission, n_cities=7)
    indicator = node(edition, "ECO.1.1")
    qs = list(edition.questionnaires.all())
    for q, x in zip(qs[1:], [10, 11, 12, 13, 14, 12], strict=True):
        Value.objects.create(questionnaire=q, indicator=indicator, number=x)
    Questionnaire.objects.filter(pk__in=[q.pk for q in qs[1:]]).update(status="accepted")
    assert warnings_for(qs[0], indicator, 12.5) == []
    (warning,) = warnings_for(qs[0], indicator, 60)
    assert "robust z-score +32.4" in warning


def test_save_all_or_nothing(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    rows = {
        "ECO.1.1": Row(value="12", year="2013"),
        "ECO.1.2": Row(value="x"),
        "GOV.1.3": Row(year="1990"),
    }
    with pytest.raises(QuestionnaireError) as info:
        save_values(q, by=bilbao_focal, rows=rows)
    assert info.value.by_key() == {
        "ECO.1.2": ["Enter a number."],
        "GOV.1.3": ["The year must be between 2004 and 2015."],
    }
    assert not Value.objects.exists()


def test_every_change_is_kept_with_old_and_new_value(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    save_values(q, by=bilbao_focal, rows={"ECO.1.1": Row(value="12", source="INE")})
    save_values(q, by=bilbao_focal, rows={"ECO.1.1": Row(value="13", source="INE")})
    changes = list(
        ValueChange.objects.order_by("at", "id").values_list("old_number", "new_number", "by")
    )
    assert changes == [(None, 12.0, bilbao_focal.pk), (12.0, 13.0, bilbao_focal.pk)]


def test_submit_return_correct_and_accept(
    edition, cities, bilbao_focal, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    q = questionnaire(edition, cities[0])
    save_values(q, by=bilbao_focal, rows={"ECO.1.1": Row(value="12"), "ECO.1.2": Row(value="8")})
    missing = submit_questionnaire(q, by=bilbao_focal)
    # An indicator without a tier counts as core; ECO.2.1 is advanced.
    assert [n.code for n in missing] == ["GOV.1.1", "GOV.1.2", "GOV.1.3"]
    value = Value.objects.get(indicator__code="ECO.1.1")
    # A submitted value cannot change.
    with pytest.raises(PermissionDenied):
        save_values(q, by=bilbao_focal, rows={"ECO.1.1": Row(value="99")})
    bilbao_focal.language = "fr"
    bilbao_focal.save()
    with django_capture_on_commit_callbacks(execute=True):
        return_values(q, by=secretariat, comments={value.pk: "Check the year of this figure."})
    (mail,) = mailoutbox
    assert mail.to == ["focal.a@example.org"]
    assert "/fr/study/editions/" in mail.body
    q.refresh_from_db()
    assert q.status == Questionnaire.Status.RETURNED
    # Only the returned value may change; the other stays as submitted.
    with pytest.raises(QuestionnaireError) as info:
        save_values(
            q, by=bilbao_focal, rows={"ECO.1.1": Row(value="14"), "ECO.1.2": Row(value="9")}
        )
    assert list(info.value.by_key()) == ["ECO.1.2"]
    save_values(q, by=bilbao_focal, rows={"ECO.1.1": Row(value="14")})
    submit_questionnaire(q, by=bilbao_focal)
    accept_questionnaire(q, by=secretariat)
    q.refresh_from_db()
    assert (q.status, Value.objects.get(indicator__code="ECO.1.1").number) == ("accepted", 14.0)
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-4:] == [
        "questionnaire.submit",
        "questionnaire.return",
        "questionnaire.submit",
        "questionnaire.accept",
    ]


def test_reopen_makes_every_value_editable(edition, cities, bilbao_focal, secretariat):
    q = questionnaire(edition, cities[0])
    submit_questionnaire(q, by=bilbao_focal)
    reopen_questionnaire(q, by=secretariat)
    q.refresh_from_db()
    assert permissions.can_edit_value(bilbao_focal, q, None)


# Permissions, with data that could leak


def test_focal_point_cannot_see_another_citys_draft(
    client, edition, cities, bilbao_focal, bordeaux_focal
):
    other = questionnaire(edition, cities[1])
    save_values(other, by=bordeaux_focal, rows={"ECO.1.1": Row(value="42")})
    client.force_login(bilbao_focal)
    for suffix in ("", "history/", "template.csv"):
        response = client.get(
            f"/en/study/editions/{edition.pk}/cities/{cities[1].geonames_id}/questionnaire/{suffix}"
        )
        assert response.status_code == 404
    assert not permissions.can_view_questionnaire(bilbao_focal, other)


@pytest.mark.parametrize("suffix", ["", "upload/", "submit/", "reopen-request/", "review/"])
def test_focal_point_cannot_post_to_another_citys_questionnaire(
    client, edition, cities, bilbao_focal, bordeaux_focal, suffix
):
    other = questionnaire(edition, cities[1])
    save_values(other, by=bordeaux_focal, rows={"ECO.1.1": Row(value="42")})
    client.force_login(bilbao_focal)
    response = client.post(
        f"/en/study/editions/{edition.pk}/cities/{cities[1].geonames_id}/questionnaire/{suffix}",
        {"value-1": "1", "decision": "accept", "reason": "A reason."},
    )
    assert response.status_code == 404
    assert other.values.get().number == 42.0


def test_focal_point_cannot_edit_another_city(edition, cities, bilbao_focal):
    with pytest.raises(PermissionDenied):
        save_values(
            questionnaire(edition, cities[1]), by=bilbao_focal, rows={"ECO.1.1": Row(value="1")}
        )


def test_member_who_is_not_focal_point_cannot_edit(edition, cities):
    member = UserFactory(city=cities[0])
    q = questionnaire(edition, cities[0])
    assert permissions.can_view_questionnaire(member, q)
    assert not permissions.can_edit_questionnaire(member, q)


def test_focal_point_cannot_review_own_questionnaire(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    submit_questionnaire(q, by=bilbao_focal)
    with pytest.raises(PermissionDenied):
        accept_questionnaire(q, by=bilbao_focal)


def test_secretariat_of_another_commission_cannot_run_the_edition(edition):
    from tests.factories import CommissionFactory

    other = UserFactory()
    CommissionFactory().secretariat.add(other)
    assert not permissions.can_run_edition(other, edition)


def test_no_edit_while_edition_not_open(edition, cities, bilbao_focal):
    edition.status = "draft"
    edition.save()
    assert not permissions.can_edit_questionnaire(bilbao_focal, questionnaire(edition, cities[0]))


# Spreadsheets


def _filled_xlsx(q, values: dict[str, object]) -> bytes:
    wb = load_workbook(io.BytesIO(template_xlsx(q)))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[5].value = values[row[0].value]
            row[6].value = 2013
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_spreadsheet_round_trip(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = _filled_xlsx(
        q, {"ECO.1.1": 12.5, "GOV.1.1": "yes", "GOV.1.2": "51\u201375 %", "GOV.1.3": 40}
    )
    import_spreadsheet(q, "mine.xlsx", content, by=bilbao_focal)
    stored = dict(Value.objects.values_list("indicator__code", "number"))
    assert stored == {"ECO.1.1": 12.5, "GOV.1.1": 1.0, "GOV.1.2": 3.0, "GOV.1.3": 40.0}
    # The template now carries the values as typed, and uploading it again changes nothing.
    csv_text = template_csv(q)
    assert "ECO.1.1,R&D spending,percent of GDP,percentage,0 to 100,12.5,2013" in csv_text
    import_spreadsheet(q, "again.csv", csv_text.encode(), by=bilbao_focal)
    assert ValueChange.objects.count() == 4


def test_every_bad_cell_is_listed_and_nothing_saved(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = _filled_xlsx(q, {"ECO.1.1": 140, "ECO.1.2": 5, "GOV.1.1": "maybe", "GOV.1.3": "lots"})
    with pytest.raises(SpreadsheetError) as info:
        import_spreadsheet(q, "mine.xlsx", content, by=bilbao_focal)
    assert info.value.messages == [
        "Row 2, column F (Value): Enter a value between 0 and 100.",
        "Row 5, column F (Value): Answer yes or no.",
        "Row 7, column F (Value): Enter a number.",
    ]
    assert not Value.objects.exists()


def test_unknown_and_duplicate_codes_in_csv(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    text = template_csv(q).splitlines()
    text += ["NOPE,x,,,,1,,,,", "ECO.1.1,again,,,,3,,,,"]
    with pytest.raises(SpreadsheetError) as info:
        import_spreadsheet(q, "mine.csv", "\n".join(text).encode(), by=bilbao_focal)
    assert info.value.messages == [
        "Row 8, column A (Code): Unknown indicator code NOPE.",
        "Row 9, column A (Code): Code ECO.1.1 already appears in row 2.",
    ]
    assert not Value.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.pdf", b"%PDF-1.4", "Upload the template as an .xlsx or .csv file."),
        ("data.xlsx", b"PK\x03\x04garbage", "This file is not a valid XLSX spreadsheet."),
        ("data.xlsx", b"not a zip", "This file is not a valid XLSX spreadsheet."),
        ("data.csv", "é".encode("latin-1"), "The CSV file must be encoded in UTF-8."),
        ("data.csv", b"x" * (1024 * 1024 + 1), "The file is larger than 1 MB."),
        ("data.csv", b"a,b\n", "The first row must hold the template's 10 column headers."),
    ],
)
def test_bad_files_are_refused(edition, cities, bilbao_focal, name, content, message):
    with pytest.raises(SpreadsheetError) as info:
        import_spreadsheet(questionnaire(edition, cities[0]), name, content, by=bilbao_focal)
    assert info.value.messages == [message]


def test_upload_page_lists_every_bad_cell_by_row_and_column(client, edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = _filled_xlsx(q, {"ECO.1.1": 140, "GOV.1.1": "maybe"})
    client.force_login(bilbao_focal)
    url = f"/en/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
    client.post(f"{url}upload/", {"file": SimpleUploadedFile("mine.xlsx", content)})
    page = client.get(url)
    assert [str(m) for m in page.context["messages"]] == [
        "The file has 2 errors; nothing was saved."
    ]
    assert page.context["upload_errors"] == [
        "Row 2, column F (Value): Enter a value between 0 and 100.",
        "Row 5, column F (Value): Answer yes or no.",
    ]


def test_study_errors_are_service_errors_with_their_problems(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    with pytest.raises(ServiceError) as info:
        save_values(q, by=bilbao_focal, rows={"NOPE": Row(value="1")})
    assert info.value.problems == [
        Problem("Unknown indicator code NOPE.", where="NOPE", field="code")
    ]
    assert info.value.messages == ["Unknown indicator code NOPE."]
