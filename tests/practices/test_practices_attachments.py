"""Practice attachments go through the platform's upload policy and its download view."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityloom.practices import services
from cityloom.practices.models import Attachment
from tests.practices.factories import PracticeFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored_files(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.rglob("*") if p.is_file())


def attach(client, practice, name: str, content: bytes, *, language="en"):
    return client.post(
        f"/{language}/practices/{practice.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_html_renamed_pdf_is_refused_and_nothing_written(client, member_bordeaux, tmp_path):
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    client.force_login(member_bordeaux)
    response = attach(client, practice, "report.pdf", HTML)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["This file is not of an accepted type (PDF, PNG, JPEG)."]
    }
    assert Attachment.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_attachment_over_the_limit_is_refused_with_the_limit_named(
    client, member_bordeaux, tmp_path
):
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    client.force_login(member_bordeaux)
    big = PDF + b"0" * (services.ATTACHMENTS.max_bytes + 1 - len(PDF))
    response = attach(client, practice, "big.pdf", big, language="fr")
    assert response.context["form"].errors == {
        "file": ["Le fichier est trop volumineux (10,0\xa0Mio) ; la limite est de 10,0\xa0Mio."]
    }
    assert Attachment.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_attachment_is_stored_under_a_random_name(client, member_bordeaux, tmp_path):
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    client.force_login(member_bordeaux)
    for _ in range(2):
        assert attach(client, practice, "Plan de mobilité.pdf", PDF).status_code == 302
    names = [a.file.name for a in Attachment.objects.order_by("pk")]
    assert all(re.fullmatch(rf"practices/{practice.pk}/[a-z0-9]{{32}}\.pdf", n) for n in names)
    assert names[0] != names[1]
    assert [a.original_name for a in Attachment.objects.order_by("pk")] == [
        "Plan de mobilité.pdf",
        "Plan de mobilité.pdf",
    ]
    assert not any("mobilit" in name for name in stored_files(tmp_path))


def test_neighbour_and_visitor_get_404_for_a_drafts_attachment(
    client, member_bordeaux, focal_bilbao
):
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    attachment = services.add_attachment(
        practice, upload=SimpleUploadedFile("budget.pdf", PDF), by=member_bordeaux
    )
    url = f"/en/practices/{practice.pk}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(focal_bilbao)
    assert client.get(url).status_code == 404
    # Nor through another practice's address.
    other = PracticeFactory(city=focal_bilbao.city)
    assert client.get(f"/en/practices/{other.pk}/attachments/{attachment.pk}/").status_code == 404


def test_owner_downloads_the_bytes_with_safe_headers(client, member_bordeaux):
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    attachment = services.add_attachment(
        practice, upload=SimpleUploadedFile("Plan de mobilité.pdf", PDF), by=member_bordeaux
    )
    client.force_login(member_bordeaux)
    response = client.get(f"/en/practices/{practice.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Plan%20de%20mobilit%C3%A9.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_published_practices_attachments_are_for_everyone(client, member_bordeaux):
    practice = PracticeFactory(city=member_bordeaux.city, status="draft")
    attachment = services.add_attachment(
        practice, upload=SimpleUploadedFile("budget.pdf", PDF), by=member_bordeaux
    )
    practice.status = "published"
    practice.save()
    response = client.get(f"/en/practices/{practice.pk}/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="budget.pdf"'


def test_attachment_stored_before_the_policy_still_downloads(client, member_bordeaux, tmp_path):
    # Attachments had random names already, but no original name: the caption names them.
    practice = PracticeFactory(city=member_bordeaux.city)
    (tmp_path / "practices" / str(practice.pk)).mkdir(parents=True)
    (tmp_path / "practices" / str(practice.pk) / "k3j9x0a1b2c3.jpg").write_bytes(b"\xff\xd8\xff")
    attachment = Attachment.objects.create(
        practice=practice,
        kind="image",
        file=f"practices/{practice.pk}/k3j9x0a1b2c3.jpg",
        content_type="image/jpeg",
        size=3,
        caption="Workshop",
    )
    response = client.get(f"/en/practices/{practice.pk}/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="Workshop.jpg"'
