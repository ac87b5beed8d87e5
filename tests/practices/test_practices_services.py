import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cityloom.core.models import AuditEvent
from cityloom.practices import search, services
from cityloom.practices.models import (
    Attachment,
    Compendium,
    LabelReview,
    Practice,
    PracticeTranslation,
    Transfer,
)
from cityloom.practices.search import SearchParams
from tests.factories import CityFactory, UserFactory
from tests.practices.factories import PracticeFactory

FIELDS = {
    "title": "Digital skills for small shops",
    "summary": "Workshops on e-commerce.",
    "axis": "economy",
    "problem": "Shops lose customers.",
    "solution": "Workshops.",
    "language": "fr",
}


def _draft(person, **extra):
    return services.draft_practice(person.city, by=person, **{**FIELDS, **extra})


def test_member_drafts_for_own_city(member_bordeaux, bordeaux, commission):
    practice = _draft(member_bordeaux, sdgs=[8, 9, 8], tags=["E-commerce", " data "])
    assert (practice.city, practice.commission, practice.status) == (bordeaux, commission, "draft")
    assert [s.goal for s in practice.sdgs.all()] == [8, 9]
    assert sorted(t.slug for t in practice.tags.all()) == ["data", "e-commerce"]
    assert (practice.country_code, practice.region, practice.city_size) == (
        "FR",
        "europe",
        "medium",
    )
    assert AuditEvent.objects.filter(verb="practice.drafted").count() == 1


def test_member_cannot_draft_for_another_city(member_bordeaux, bilbao):
    with pytest.raises(PermissionDenied):
        services.draft_practice(bilbao, by=member_bordeaux, **FIELDS)
    assert Practice.objects.count() == 0


def test_city_that_left_cannot_draft(member_bordeaux, bordeaux):
    bordeaux.memberships.update(status="left")
    with pytest.raises(PermissionDenied):
        _draft(member_bordeaux)


def test_contact_must_belong_to_the_city(member_bordeaux, focal_bilbao):
    with pytest.raises(services.PracticeError) as error:
        _draft(member_bordeaux, contact=focal_bilbao)
    assert error.value.code == "contact_city"
    assert Practice.objects.count() == 0


def test_invalid_practice_writes_nothing(member_bordeaux):
    with pytest.raises(ValidationError):
        _draft(member_bordeaux, axis="astrology", tags=["kept?"])
    assert Practice.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    from cityloom.core.models import Tag

    assert Tag.objects.count() == 0


def test_only_the_focal_point_publishes(member_bordeaux, focal_bordeaux, focal_bilbao):
    practice = _draft(member_bordeaux)
    for person in (member_bordeaux, focal_bilbao):
        with pytest.raises(PermissionDenied):
            services.publish_practice(practice, by=person)
    published = services.publish_practice(practice, by=focal_bordeaux)
    assert (published.status, published.published_by) == ("published", focal_bordeaux)
    with pytest.raises(services.PracticeError):
        services.publish_practice(practice, by=focal_bordeaux)


def test_member_cannot_edit_a_published_practice(member_bordeaux, focal_bordeaux):
    practice = services.publish_practice(_draft(member_bordeaux), by=focal_bordeaux)
    with pytest.raises(PermissionDenied):
        services.update_practice(practice, by=member_bordeaux, title="Changed")
    services.update_practice(practice, by=focal_bordeaux, title="Changed", sdgs=[4])
    practice.refresh_from_db()
    assert practice.title == "Changed"
    assert [s.goal for s in practice.sdgs.all()] == [4]


def test_edit_reindexes(member_bordeaux, focal_bordeaux):
    practice = services.publish_practice(_draft(member_bordeaux), by=focal_bordeaux)
    services.update_practice(practice, by=focal_bordeaux, title="Tramway à hydrogène")
    assert [p.pk for p in search.search(SearchParams(q="hydrogene")).practices] == [practice.pk]


def test_translation_is_kept_apart_and_searchable(member_bordeaux, focal_bordeaux):
    practice = services.publish_practice(_draft(member_bordeaux), by=focal_bordeaux)
    services.save_translation(
        practice, language="es", by=focal_bordeaux, title="Tiendas en línea", summary="Talleres."
    )
    assert list(practice.translations.values_list("language", "title")) == [
        ("es", "Tiendas en línea")
    ]
    assert [p.pk for p in search.search(SearchParams(q="tiendas")).practices] == [practice.pk]
    with pytest.raises(services.PracticeError):
        services.save_translation(
            practice, language="fr", by=focal_bordeaux, title="x", summary="y"
        )


def _pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_attachment_type_is_sniffed(member_bordeaux, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = _draft(member_bordeaux)
    pdf = SimpleUploadedFile("report.exe", _pdf_bytes(), content_type="application/x-msdownload")
    attachment = services.add_attachment(practice, upload=pdf, by=member_bordeaux)
    assert (attachment.kind, attachment.content_type) == ("document", "application/pdf")
    assert attachment.file.name.endswith(".pdf")
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.add_attachment(practice, upload=fake, by=member_bordeaux)
    assert error.value.code == "wrong_type"
    assert Attachment.objects.count() == 1
    assert len(list((tmp_path / "practices" / str(practice.pk)).iterdir())) == 1


def test_oversize_attachment_is_refused_and_nothing_written(member_bordeaux, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = _draft(member_bordeaux)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (services.ATTACHMENTS.max_bytes))
    with pytest.raises(ValidationError) as error:
        services.add_attachment(practice, upload=big, by=member_bordeaux)
    assert error.value.code == "too_big"
    assert Attachment.objects.count() == 0
    assert not (tmp_path / "practices").exists()


def test_secretariat_labels_with_kept_comments(
    secretariat, focal_bordeaux, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(
        city=focal_bordeaux.city, commission=secretariat.secretariat_of.get()
    )
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_label(
            practice, by=secretariat, relevance=5, evidence=4, transferability=4,
            comments="Clear figures.", award=True,
        )  # fmt: skip
    practice.refresh_from_db()
    assert practice.is_labelled
    assert (review.comments, review.decision) == ("Clear figures.", "awarded")
    assert [m.to for m in mail.outbox] == [["focal@bordeaux.example"]]
    assert "Clear figures." in mail.outbox[0].body
    assert mail.outbox[0].subject == f"[Cityloom] Label attribué : {practice.title}"


def test_label_review_needs_comments_and_valid_scores(secretariat, bordeaux, commission):
    practice = PracticeFactory(city=bordeaux, commission=commission)
    with pytest.raises(services.PracticeError):
        services.review_label(
            practice, by=secretariat, relevance=6, evidence=1, transferability=1,
            comments="x", award=True,
        )  # fmt: skip
    with pytest.raises(services.PracticeError):
        services.review_label(
            practice, by=secretariat, relevance=3, evidence=3, transferability=3,
            comments=" ", award=False,
        )  # fmt: skip
    assert LabelReview.objects.count() == 0


def test_focal_point_cannot_label(focal_bordeaux, commission):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission)
    with pytest.raises(PermissionDenied):
        services.review_label(
            practice, by=focal_bordeaux, relevance=5, evidence=5, transferability=5,
            comments="Ours is great.", award=True,
        )  # fmt: skip


def test_secretariat_of_another_commission_cannot_label(bordeaux, commission):
    from tests.factories import CommissionFactory

    other = CommissionFactory()
    stranger = UserFactory()
    other.secretariat.add(stranger)
    practice = PracticeFactory(city=bordeaux, commission=commission)
    with pytest.raises(PermissionDenied):
        services.review_label(
            practice, by=stranger, relevance=5, evidence=5, transferability=5,
            comments="x", award=True,
        )  # fmt: skip


def test_transfer_stages_keep_their_dates(focal_bilbao, bordeaux, commission):
    practice = PracticeFactory(city=bordeaux, commission=commission)
    transfer = services.record_transfer(
        practice, by=focal_bilbao, started_on=dt.date(2013, 1, 10), notes="Visit planned."
    )
    assert (transfer.adopting_city, transfer.stage) == (focal_bilbao.city, "understand")
    services.update_transfer(transfer, by=focal_bilbao, stage="adapt", on=dt.date(2013, 3, 1))
    transfer = services.update_transfer(
        transfer, by=focal_bilbao, stage="reuse", on=dt.date(2013, 9, 1)
    )
    assert (transfer.adapted_on, transfer.reused_on) == (dt.date(2013, 3, 1), dt.date(2013, 9, 1))
    with pytest.raises(services.PracticeError):
        services.record_transfer(practice, by=focal_bilbao)
    assert Transfer.objects.count() == 1


def test_stage_before_the_transfer_started_is_refused(focal_bilbao, bordeaux, commission):
    practice = PracticeFactory(city=bordeaux, commission=commission)
    transfer = services.record_transfer(practice, by=focal_bilbao, started_on=dt.date(2013, 5, 1))
    with pytest.raises(services.PracticeError):
        services.update_transfer(transfer, by=focal_bilbao, stage="adapt", on=dt.date(2013, 1, 1))
    transfer.refresh_from_db()
    assert (transfer.stage, transfer.adapted_on) == ("understand", None)


def test_city_cannot_adopt_its_own_practice_nor_a_draft(focal_bordeaux, focal_bilbao, commission):
    own = PracticeFactory(city=focal_bordeaux.city, commission=commission)
    with pytest.raises(PermissionDenied):
        services.record_transfer(own, by=focal_bordeaux)
    draft = PracticeFactory(city=focal_bordeaux.city, commission=commission, status="draft")
    with pytest.raises(PermissionDenied):
        services.record_transfer(draft, by=focal_bilbao)


def test_only_the_adopting_city_updates_its_transfer(focal_bilbao, focal_bordeaux, commission):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission)
    transfer = services.record_transfer(practice, by=focal_bilbao)
    with pytest.raises(PermissionDenied):
        services.update_transfer(transfer, by=focal_bordeaux, stage="reuse")


def test_conversation_mails_the_contact_in_their_language(
    focal_bordeaux, member_johannesburg, commission, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(
        city=focal_bordeaux.city, commission=commission, contact=focal_bordeaux
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversation = services.start_conversation(
            practice, by=member_johannesburg, subject="Questions", body="How did you start?"
        )
    assert [m.to for m in mail.outbox] == [["focal@bordeaux.example"]]
    assert "Johannesburg" in mail.outbox[0].subject
    assert "Répondre sur Cityloom" in mail.outbox[0].body
    assert "/fr/practices/conversations/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(conversation, by=focal_bordeaux, body="With a survey.")
    assert mail.outbox[-1].to == ["member@joburg.example"]
    assert list(conversation.messages.values_list("body", flat=True)) == [
        "How did you start?",
        "With a survey.",
    ]


def test_third_city_cannot_reply(focal_bordeaux, member_johannesburg, focal_bilbao, commission):
    practice = PracticeFactory(city=focal_bordeaux.city, commission=commission)
    conversation = services.start_conversation(
        practice, by=member_johannesburg, subject="Q", body="?"
    )
    with pytest.raises(PermissionDenied):
        services.reply(conversation, by=focal_bilbao, body="Me too")


def test_compendium_is_ordered(secretariat, commission, bordeaux):
    first, second, third = (PracticeFactory(city=bordeaux, commission=commission) for _ in range(3))
    compendium = services.create_compendium(
        commission=commission, by=secretariat, title="Digital economy", introduction="Intro."
    )
    entries = [
        services.add_to_compendium(compendium, p, by=secretariat) for p in (first, second, third)
    ]
    services.move_entry(entries[2], by=secretariat, up=True)
    assert [e.practice for e in compendium.entries.all()] == [first, third, second]
    with pytest.raises(services.PracticeError):
        services.add_to_compendium(compendium, first, by=secretariat)
    draft = PracticeFactory(city=bordeaux, commission=commission, status="draft")
    with pytest.raises(services.PracticeError):
        services.add_to_compendium(compendium, draft, by=secretariat)


def test_compendium_needs_the_secretariat(focal_bordeaux, commission):
    with pytest.raises(PermissionDenied):
        services.create_compendium(
            commission=commission, by=focal_bordeaux, title="Ours", introduction="x"
        )
    assert Compendium.objects.count() == 0


def test_unknown_city_in_practice_city_factory_is_independent(db):
    # Guard for the factories: a practice's facets come from its own city.
    city = CityFactory(country_code="ZA", region="africa", population=6_000_000)
    assert PracticeFactory(city=city).city_size == "megacity"
    assert PracticeTranslation.objects.count() == 0
