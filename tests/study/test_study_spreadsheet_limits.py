"""Hostile spreadsheets are refused from their size and shape, before they are read.

The refusal time is measured in benchmarks/bench_uploads.py, not here.
"""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cityloom.study.models import Value, ValueChange
from cityloom.study.services import spreadsheet, tables
from cityloom.study.services.spreadsheet import SpreadsheetError, import_spreadsheet
from tests.study import bombs
from tests.study.factories import questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # A request in French leaves French active in the thread; services here answer in English.
    with translation.override("en"):
        yield


# The small test framework has 6 indicators: the header, 6 rows and 50 spare ones.
LIMIT = 1 + 6 + tables.SPARE_ROWS
TOO_MANY_ROWS = (
    f"The file has more than {LIMIT} rows: the template of this edition has 7. "
    "Remove the rows below the indicators."
)


def refused(q, focal, name: str, content: bytes) -> list[str]:
    with pytest.raises(SpreadsheetError) as info:
        import_spreadsheet(q, name, content, by=focal)
    assert not Value.objects.exists()
    assert not ValueChange.objects.exists()
    return info.value.messages


def test_zip_bomb_is_refused_before_it_is_opened(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    bomb = bombs.bomb(spreadsheet.template_xlsx(q), count=3_000_000)
    assert len(bomb) < tables.MAX_UPLOAD_SIZE
    (message,) = refused(q, bilbao_focal, "bilbao.xlsx", bomb)
    assert message.startswith("Once opened, this spreadsheet would take 2")
    assert message.endswith(
        "MB; the limit is 4.0\xa0MB. Upload the template with only its own rows and columns."
    )


def test_zip_bomb_through_the_page_writes_nothing(client, edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    bomb = bombs.bomb(spreadsheet.template_xlsx(q), count=3_000_000)
    client.force_login(bilbao_focal)
    url = f"/fr/study/editions/{edition.pk}/cities/{cities[0].geonames_id}/questionnaire/"
    response = client.post(
        url + "upload/", {"file": SimpleUploadedFile("bilbao.xlsx", bomb)}, follow=True
    )
    body = html.unescape(response.content.decode())
    assert "Le fichier contient 1 erreur ; rien n'a été enregistré." in body
    errors = body.split('<ul class="errorlist" id="upload-error-list">', 1)[1]
    assert errors.lstrip().startswith("<li>Une fois ouvert, ce classeur occuperait ")
    assert not Value.objects.exists()


def test_highly_compressed_file_is_refused(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    # About 1.9 MB of identical rows: under the size limit, but no real sheet compresses so.
    content = bombs.with_sheet(spreadsheet.template_xlsx(q), bombs.rows(27_000), dimension=None)
    (message,) = refused(q, bilbao_focal, "bilbao.xlsx", content)
    assert message.startswith("This spreadsheet is compressed ")
    assert message.endswith(
        " times, far more than a real one: it was not read. Save it again from your "
        "spreadsheet program, or upload it as CSV."
    )


def test_rows_past_the_framework_are_refused_without_a_dimension(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = bombs.with_sheet(spreadsheet.template_xlsx(q), bombs.rows(LIMIT + 1), dimension=None)
    assert refused(q, bilbao_focal, "bilbao.xlsx", content) == [TOO_MANY_ROWS]


def test_a_far_row_number_is_refused(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    far = [b'<row r="1048576"><c><v>1</v></c></row>']
    content = bombs.with_sheet(spreadsheet.template_xlsx(q), iter(far), dimension=None)
    assert refused(q, bilbao_focal, "bilbao.xlsx", content) == [TOO_MANY_ROWS]


def test_declared_dimension_past_the_framework_is_refused(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = bombs.with_sheet(spreadsheet.template_xlsx(q), bombs.rows(3), dimension="A1:J900000")
    assert refused(q, bilbao_focal, "bilbao.xlsx", content) == [TOO_MANY_ROWS]


def test_a_row_wider_than_the_limit_is_refused(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = bombs.wide_row(spreadsheet.template_xlsx(q), cells=10_000)
    assert refused(q, bilbao_focal, "bilbao.xlsx", content) == [
        "The file has more than 50 columns: the template has 10."
    ]


def test_xml_entities_are_refused(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    laughs = [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<row><c><v>&b;</v></c></row>"
    ]
    content = bombs.with_sheet(spreadsheet.template_xlsx(q), iter(laughs), dimension=None)
    assert refused(q, bilbao_focal, "bilbao.xlsx", content) == [
        "This file is not a valid XLSX spreadsheet."
    ]


def test_the_template_filled_in_still_imports(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    rows = spreadsheet.template_csv(q).splitlines()
    rows[1] = rows[1].replace(",percentage,0 to 100,,", ",percentage,0 to 100,12.5,")
    text = "\n".join(rows + [""] * tables.SPARE_ROWS)
    import_spreadsheet(q, "bilbao.csv", text.encode(), by=bilbao_focal)
    assert list(Value.objects.values_list("indicator__code", "number")) == [("ECO.1.1", 12.5)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\n" * 500_000, TOO_MANY_ROWS),
        (b"code" + b"," * 60 + b"\n", "The file has more than 50 columns: the template has 10."),
        (b"x" * 20_001, "Line 1 of the CSV file has more than 20000 characters."),
        (b"a,b\n" + b"y" * 30_000, "Line 2 of the CSV file has more than 20000 characters."),
    ],
)
def test_csv_shape_is_limited(edition, cities, bilbao_focal, content, message):
    q = questionnaire(edition, cities[0])
    assert refused(q, bilbao_focal, "bilbao.csv", content) == [message]


def test_a_spreadsheet_no_reader_can_open_is_refused(edition, cities, bilbao_focal):
    q = questionnaire(edition, cities[0])
    content = bombs.unknown_compression(spreadsheet.template_xlsx(q))
    assert refused(q, bilbao_focal, "bilbao.xlsx", content) == [
        "This file is not a valid XLSX spreadsheet."
    ]
