"""Writing, previewing and sending circulars through the pages; who may; unsubscribing."""

import collections

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cityloom.communications import queries, services
from cityloom.communications.models import Circular, MailPreference
from cityloom.core.models import OutgoingMail
from tests.factories import UserFactory

from .conftest import MEMBER_EMAILS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_secretariat_writes_previews_and_sends(
    client, commission, secretariat, members, smtp, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    response = client.post(
        reverse("communications:circular-create"),
        {
            "commission": commission.pk,
            "subject": "The 2014 meeting",
            "body": "Save the date.",
            "subject_fr": "La réunion de 2014",
            "body_fr": "Réservez la date.",
            "subject_es": "La reunión de 2014",
            "body_es": "Reserve la fecha.",
            "audience": "members",
            "audience_value": "",
            "attachments": [SimpleUploadedFile("agenda.pdf", PDF)],
        },
    )
    circular = Circular.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("communications:circular-preview", args=[circular.pk])
    assert [a.original_name for a in circular.attachments.all()] == ["agenda.pdf"]
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "5 people will receive this circular." in page
    assert "La reunión de 2014" in page
    assert "Réservez la date." in page
    assert "someone@quito.example.org" not in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("communications:circular-send", args=[circular.pk]),
            {"expected": 5, "confirm": "on"},
        )
    assert sent.status_code == 302
    assert collections.Counter(str(m["To"]) for m in smtp.messages) == collections.Counter(
        list(MEMBER_EMAILS)
    )
    log = client.get(reverse("communications:circular-log", args=[circular.pk]))
    assert "5 sent, 0 failed, 0 waiting, of 5." in log.content.decode()
    # Now public, in the archive, with its attachment.
    circular.refresh_from_db()
    client.logout()
    archive = client.get(reverse("communications:circular-list")).content.decode()
    assert f"Circular 1/{circular.sent_at.year}" in archive
    attachment = circular.attachments.get()
    download = client.get(
        reverse("communications:circular-attachment", args=[circular.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_send_refuses_when_the_audience_changed_since_the_preview(draft, secretariat, members):
    with pytest.raises(services.CommunicationsError, match="now has 5 people"):
        services.send_circular(draft, by=secretariat, expected=4)
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (Circular.Status.DRAFT, None)
    assert OutgoingMail.objects.count() == 0


def test_send_without_confirmation_sends_nothing(client, draft, secretariat):
    client.force_login(secretariat)
    client.post(reverse("communications:circular-send", args=[draft.pk]), {"expected": 5})
    draft.refresh_from_db()
    assert draft.status == Circular.Status.DRAFT


def test_attachment_of_a_forbidden_type_is_refused_and_nothing_saved(
    client, commission, secretariat, members
):
    client.force_login(secretariat)
    response = client.post(
        reverse("communications:circular-create"),
        {
            "commission": commission.pk,
            "subject": "S",
            "body": "B",
            "audience": "members",
            "attachments": [SimpleUploadedFile("run.exe", b"MZ\x90\x00binary")],
        },
    )
    assert response.status_code == 200
    assert "run.exe" in response.content.decode()
    assert Circular.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "member", "focal_point", "other_secretariat"])
def test_only_the_commissions_secretariat_previews_and_sends(client, draft, members, who):
    from tests.factories import CommissionFactory

    if who == "member":
        client.force_login(members["member.bilbao"])
    elif who == "focal_point":
        client.force_login(members["focal.bilbao"])
    elif who == "other_secretariat":
        other = UserFactory(email="other@example.org")
        CommissionFactory(slug="other").secretariat.add(other)
        client.force_login(other)
    preview = client.get(reverse("communications:circular-preview", args=[draft.pk]))
    send = client.post(
        reverse("communications:circular-send", args=[draft.pk]), {"expected": 5, "confirm": "on"}
    )
    # A draft is not even visible to them: 404, or the login page for a visitor.
    assert preview.status_code in (302, 404)
    assert send.status_code in (302, 404)
    if who != "anonymous":
        assert (preview.status_code, send.status_code) == (404, 404)
    draft.refresh_from_db()
    assert draft.status == Circular.Status.DRAFT


def test_forged_circular_id_is_not_found(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("communications:circular-preview", args=[999])).status_code == 404


def test_service_refuses_a_neighbour_secretariat(draft):
    from django.core.exceptions import PermissionDenied

    from tests.factories import CommissionFactory

    other = UserFactory(email="other@example.org")
    CommissionFactory(slug="other").secretariat.add(other)
    with pytest.raises(PermissionDenied):
        services.send_circular(draft, by=other, expected=5)


def test_audiences_focal_points_and_region(commission, secretariat, members, cities):
    circular = services.create_circular(
        commission, by=secretariat, audience="focal_points", subject="S", body="B"
    )
    assert [r.email for r in queries.audience_people(circular)] == [
        "focal.bilbao@example.org",
        "focal.bordeaux@example.org",
        "focal.lisbon@example.org",
    ]
    circular.audience, circular.audience_value = "region", "europe"
    assert len(queries.audience_people(circular)) == 5
    circular.audience_value = "latin_america"  # Quito is not a member
    assert queries.audience_people(circular) == []


def test_audience_of_meeting_participants(commission, secretariat, members):
    from tests.meetings.factories import MeetingFactory, participant

    meeting = MeetingFactory(commission=commission, slug="m")
    participant(meeting, city=members["focal.bordeaux"].city, email="p@example.org", name="P")
    circular = services.create_circular(
        commission,
        by=secretariat,
        audience="meeting",
        audience_value=str(meeting.pk),
        subject="S",
        body="B",
    )
    assert [r.email for r in queries.audience_people(circular)] == ["p@example.org"]


def test_unsubscribe_link_records_the_choice_and_formal_circulars_still_reach_focal_points(
    client, commission, secretariat, members
):
    focal, member = members["focal.bilbao"], members["member.bilbao"]
    for person in (focal, member):
        token = services.unsubscribe_token(person.pk)
        url = reverse("communications:unsubscribe", args=[token])
        assert client.get(url).status_code == 200
        client.post(url, {"wanted": "0"})
    assert set(
        MailPreference.objects.filter(wants_optional_mail=False).values_list("person", flat=True)
    ) == {focal.pk, member.pk}
    optional = services.create_circular(
        commission, by=secretariat, audience="members", subject="S", body="B"
    )
    emails = {r.email for r in queries.audience_people(optional)}
    assert focal.email not in emails
    assert member.email not in emails
    formal = services.create_circular(
        commission, by=secretariat, audience="members", subject="S", body="B", is_formal=True
    )
    emails = {r.email for r in queries.audience_people(formal)}
    assert focal.email in emails
    assert member.email not in emails


def test_forged_unsubscribe_token_is_not_found(client, members):
    token = services.unsubscribe_token(members["member.bilbao"].pk) + "x"
    assert client.get(reverse("communications:unsubscribe", args=[token])).status_code == 404
    assert client.post(reverse("communications:unsubscribe", args=[token])).status_code == 404
    assert MailPreference.objects.count() == 0


def _sent(commission, n):
    for i in range(n):
        c = Circular.objects.create(
            commission=commission, subject=f"S{i}", body="B", status=Circular.Status.SENT
        )
        services.assign_number(c, year=2013)


@pytest.mark.parametrize("n", [1, 3])
def test_archive_feed_and_api_queries_do_not_grow(client, commission, n, django_assert_num_queries):
    _sent(commission, n)
    with django_assert_num_queries(2):  # circulars, attachments
        assert client.get(reverse("communications:circular-list")).status_code == 200
    with django_assert_num_queries(2):
        feed = client.get(reverse("communications:circular-feed"))
    assert feed.content.decode().count("<item>") == n
    with django_assert_num_queries(3):  # count, circulars, attachments
        api = client.get("/api/v1/circulars").json()
    assert [(c["number"], c["year"]) for c in api["items"]] == [(k, 2013) for k in range(n, 0, -1)]
    assert set(api["items"][0]["subject"]) == {"en", "fr", "es"}


@pytest.mark.parametrize("n", [1, 3])
def test_delivery_log_queries_do_not_grow(
    client, commission, secretariat, cities, n, django_assert_num_queries
):
    from tests.factories import UserFactory as Person

    for i in range(n):
        Person(email=f"m{i}@example.org", city=cities["Lisbon"])
    circular = services.create_circular(
        commission, by=secretariat, audience="members", subject="S", body="B"
    )
    services.send_circular(circular, by=secretariat, expected=n)
    services.deliver_circular(circular.pk)
    client.force_login(secretariat)
    url = reverse("communications:circular-log", args=[circular.pk])
    client.get(url)
    with django_assert_num_queries(7):
        assert client.get(url).content.decode().count("<td>m") == n


def test_rss_link_is_in_every_page_head(client, db):
    page = client.get(reverse("network:home")).content.decode()
    head = page.split("</head>")[0]
    assert f'href="{reverse("communications:circular-feed")}"' in head


def test_workspace_lists_drafts_for_the_secretariat_only(draft, secretariat, members):
    from cityloom.communications.workspace import pending

    [item] = pending(secretariat)
    assert (item.label, item.count) == ("1 circular in draft", 1)
    assert item.since == draft.created_at
    assert pending(members["focal.bilbao"]) == []
    services.send_circular(draft, by=secretariat, expected=5)
    assert pending(secretariat) == []


def test_audience_of_an_axis_is_the_cities_with_a_published_practice_on_it(
    commission, secretariat, members, cities
):
    from cityloom.practices.models import Practice

    Practice.objects.create(
        commission=commission,
        city=cities["Bordeaux"],
        title="Digital week",
        axis="economy",
        status="published",
    )
    Practice.objects.create(
        commission=commission, city=cities["Bilbao"], title="Draft", axis="economy"
    )
    circular = services.create_circular(
        commission,
        by=secretariat,
        audience="axis",
        audience_value="economy",
        subject="S",
        body="B",
    )
    assert [r.email for r in queries.audience_people(circular)] == [
        "focal.bordeaux@example.org",
        "member.bordeaux@example.org",
    ]
    with pytest.raises(services.CommunicationsError):
        services.create_circular(commission, by=secretariat, audience="axis", subject="S", body="B")


@pytest.mark.parametrize("n", [1, 3])
def test_preview_queries_do_not_grow_with_recipients(
    client, commission, secretariat, cities, n, django_assert_num_queries
):
    for i in range(n):
        UserFactory(email=f"m{i}@example.org", city=cities["Lisbon"])
    circular = services.create_circular(
        commission, by=secretariat, audience="members", subject="S", body="B"
    )
    client.force_login(secretariat)
    url = reverse("communications:circular-preview", args=[circular.pk])
    client.get(url)
    with django_assert_num_queries(8):
        text = client.get(url).content.decode()
    assert f"{n} " in text
    assert text.count("<td>m") == n


def test_a_sent_circular_cannot_be_deleted_in_the_admin(client, draft, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.org", "x" * 12)
    client.force_login(admin)
    delete = reverse("admin:communications_circular_delete", args=[draft.pk])
    assert client.get(delete).status_code == 200  # a draft may go
    Circular.objects.filter(pk=draft.pk).update(status=Circular.Status.SENT)
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Circular.objects.filter(pk=draft.pk).exists()
