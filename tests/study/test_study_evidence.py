"""Evidence files: the upload policy on the questionnaire, and a download only for those who may."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cityloom.study.models import Edition, Value, ValueChange
from cityloom.study.services.questionnaire import EVIDENCE, Row, save_values
from tests.factories import CommissionFactory, UserFactory
from tests.study.factories import focal_point, make_edition, questionnaire

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored_files(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.rglob("*") if p.is_file())


def page(edition, city) -> str:
    return f"/en/study/editions/{edition.pk}/cities/{city.geonames_id}/questionnaire/"


def post_evidence(client, edition, city, name: str, content: bytes, *, language="en"):
    node = edition.framework.nodes.get(code="ECO.1.1")
    return client.post(
        page(edition, city).replace("/en/", f"/{language}/"),
        {
            f"value-{node.pk}": "12",
            f"year-{node.pk}": "2013",
            f"file-{node.pk}": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def with_evidence(edition, city, focal, name="Presupuesto 2013.pdf", content=PDF) -> Value:
    save_values(
        questionnaire(edition, city),
        by=focal,
        rows={"ECO.1.1": Row(value="12", evidence_file=SimpleUploadedFile(name, content))},
    )
    return Value.objects.get(questionnaire__city=city, indicator__code="ECO.1.1")


def evidence_url(edition, value) -> str:
    return f"{page(edition, value.questionnaire.city)}evidence/{value.pk}/"


def test_html_renamed_pdf_is_refused_and_nothing_written(
    client, edition, cities, bilbao_focal, tmp_path
):
    client.force_login(bilbao_focal)
    response = post_evidence(client, edition, cities[0], "budget.pdf", HTML)
    assert response.status_code == 200
    expected = (
        "This file is not of an accepted type (PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS, CSV, TXT)."
    )
    assert expected in response.content.decode()
    assert not Value.objects.exists()
    assert stored_files(tmp_path) == []


def test_evidence_over_the_limit_is_refused_with_the_limit_named(
    client, edition, cities, bilbao_focal, tmp_path
):
    client.force_login(bilbao_focal)
    big = PDF + b"0" * (EVIDENCE.max_bytes + 1 - len(PDF))
    response = post_evidence(client, edition, cities[0], "big.pdf", big, language="es")
    expected = "El archivo es demasiado grande (5,0\xa0MB); el límite es 5,0\xa0MB."
    assert expected in response.content.decode()
    assert not Value.objects.exists()
    assert stored_files(tmp_path) == []


def test_evidence_is_stored_under_a_random_name(client, edition, cities, bilbao_focal, tmp_path):
    client.force_login(bilbao_focal)
    response = post_evidence(client, edition, cities[0], "Presupuesto 2013.pdf", PDF)
    assert response.status_code == 302
    value = Value.objects.get()
    assert re.fullmatch(r"study/evidence/[a-z0-9]{32}\.pdf", value.evidence_file.name)
    assert (value.evidence_name, value.evidence_type) == ("Presupuesto 2013.pdf", "application/pdf")
    assert stored_files(tmp_path) == [value.evidence_file.name.rsplit("/", 1)[1]]
    change = ValueChange.objects.get()
    assert change.details["evidence_file"] == [None, "Presupuesto 2013.pdf"]


def test_replaced_evidence_leaves_no_file_behind(
    edition, cities, bilbao_focal, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = with_evidence(edition, cities[0], bilbao_focal).evidence_file.name
        second = with_evidence(edition, cities[0], bilbao_focal, name="v2.pdf").evidence_file.name
    assert first != second
    assert stored_files(tmp_path) == [second.rsplit("/", 1)[1]]


def test_neighbour_and_outsiders_never_read_a_citys_evidence(
    client, commission, edition, cities, bilbao_focal, bordeaux_focal
):
    value = with_evidence(edition, cities[0], bilbao_focal)
    url = evidence_url(edition, value)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(bordeaux_focal)
    assert client.get(url).status_code == 404
    # Nor through the neighbour's own questionnaire address.
    assert client.get(f"{page(edition, cities[1])}evidence/{value.pk}/").status_code == 404
    other_secretariat = UserFactory()
    CommissionFactory().secretariat.add(other_secretariat)
    client.force_login(other_secretariat)
    assert client.get(url).status_code == 404
    # Published results do not publish the evidence: the open data are values and scores.
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.PUBLISHED)
    client.force_login(bordeaux_focal)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_citys_people_and_secretariat_download_the_bytes(
    client, edition, cities, bilbao_focal, secretariat
):
    value = with_evidence(edition, cities[0], bilbao_focal)
    member = UserFactory(city=cities[0])
    for person in (bilbao_focal, member, secretariat):
        client.force_login(person)
        response = client.get(evidence_url(edition, value))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Presupuesto 2013.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


def test_questionnaire_links_to_the_download_view(client, edition, cities, bilbao_focal):
    value = with_evidence(edition, cities[0], bilbao_focal)
    client.force_login(bilbao_focal)
    body = client.get(page(edition, cities[0])).content.decode()
    assert f'href="{evidence_url(edition, value)}"' in body
    assert "/media/" not in body


@pytest.mark.django_db(transaction=True)
def test_evidence_stored_before_the_policy_moves_to_a_random_name(client, settings, tmp_path):
    # Before, evidence kept the uploader's name (guessable) and was checked by extension only.
    commission = CommissionFactory()
    edition = make_edition(commission, n_cities=2)
    city = edition.questionnaires.first().city
    folder = tmp_path / "study" / "evidence"
    folder.mkdir(parents=True)
    (folder / "budget 2013.pdf").write_bytes(PDF)
    (folder / "fake.pdf").write_bytes(HTML)
    q = questionnaire(edition, city)
    indicators = edition.framework.nodes.indicators().order_by("position")
    kept = Value.objects.create(
        questionnaire=q, indicator=indicators[0], evidence_file="study/evidence/budget 2013.pdf"
    )
    fake = Value.objects.create(
        questionnaire=q, indicator=indicators[1], evidence_file="study/evidence/fake.pdf"
    )
    lost = Value.objects.create(
        questionnaire=q, indicator=indicators[2], evidence_file="study/evidence/gone.pdf"
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("study", "0002_cityresult_axes")])
    executor = MigrationExecutor(connection)
    executor.migrate([("study", "0003_value_evidence_name_and_type")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("study"))

    kept.refresh_from_db()
    fake.refresh_from_db()
    lost.refresh_from_db()
    assert re.fullmatch(r"study/evidence/[a-z0-9]{32}\.pdf", kept.evidence_file.name)
    assert (kept.evidence_name, kept.evidence_type) == ("budget 2013.pdf", "application/pdf")
    assert re.fullmatch(r"study/evidence/[a-z0-9]{32}\.bin", fake.evidence_file.name)
    assert (fake.evidence_name, fake.evidence_type) == ("fake.pdf", "application/octet-stream")
    assert (lost.evidence_file.name, lost.evidence_name) == ("study/evidence/gone.pdf", "gone.pdf")
    # The guessable names are gone from the storage.
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [kept.evidence_file.name.rsplit("/", 1)[1], fake.evidence_file.name.rsplit("/", 1)[1]]
    )
    client.force_login(focal_point(city, email="focal@example.org"))
    response = client.get(evidence_url(edition, kept))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="budget 2013.pdf"'
    # What was never a PDF is served as opaque bytes, never as a page.
    response = client.get(evidence_url(edition, fake))
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "application/octet-stream",
        'attachment; filename="fake.pdf"',
    )
    assert client.get(evidence_url(edition, lost)).status_code == 404
