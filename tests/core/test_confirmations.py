"""Irreversible actions ask first and say what will happen (who is e-mailed); a direct POST
without the confirmation field does not act. Error summaries link to each field."""

import pytest
from django.core import mail
from django.urls import reverse

from cityloom.meetings.models import Meeting
from cityloom.network.models import MembershipRequest
from cityloom.study.models import Computation, Edition
from tests.factories import CityFactory, MembershipRequestFactory, UserFactory
from tests.meetings.factories import MeetingFactory, RoomFactory, SlotFactory, TopicFactory
from tests.study.factories import make_edition

# Membership requests


@pytest.fixture
def application(commission):
    return MembershipRequestFactory(
        commission=commission,
        city=CityFactory(name="Guadalajara"),
        contact_name="Ana Pérez",
        email="ana@guadalajara.example",
        language="es",
    )


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decision_without_confirmation_shows_who_is_emailed_and_does_not_act(
    client, secretariat, application, decision, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("network:request-decide", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": decision, "message": "Welcome"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ana Pérez (ana@guadalajara.example) is e-mailed in Spanish" in body
    assert 'name="confirm" value="yes"' in body
    assert "Welcome</textarea>" in body  # the message typed is kept
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.PENDING
    assert mail.outbox == []


def test_a_decision_can_be_asked_from_a_link(client, secretariat, application):
    client.force_login(secretariat)
    url = reverse("network:request-decide", args=[application.pk])
    body = client.get(url, {"decision": "approve"}).content.decode()
    assert "Approve Guadalajara?" in body
    assert "Guadalajara becomes an active member of" in body
    assert "errorlist" not in body  # nothing was refused yet
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.PENDING


def test_a_confirmed_approval_acts(
    client, secretariat, application, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    url = reverse("network:request-decide", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "message": "", "confirm": "yes"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.APPROVED
    assert [m.to for m in mail.outbox] == [["ana@guadalajara.example"]]


def test_a_confirmed_rejection_without_a_message_is_refused_on_the_page(
    client, secretariat, application
):
    client.force_login(secretariat)
    url = reverse("network:request-decide", args=[application.pk])
    response = client.post(url, {"decision": "reject", "message": "", "confirm": "yes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tell the applicant why the request is rejected." in body
    assert 'href="#id_message"' in body  # the error summary links to the field
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.PENDING


def test_a_member_cannot_see_the_confirmation_of_a_decision(client, application):
    client.force_login(UserFactory())
    url = reverse("network:request-decide", args=[application.pk])
    assert client.get(url, {"decision": "approve"}).status_code == 403
    assert client.post(url, {"decision": "approve", "confirm": "yes"}).status_code == 403
    application.refresh_from_db()
    assert application.status == MembershipRequest.Status.PENDING


# Study editions


@pytest.fixture
def computed(commission):
    edition = make_edition(commission, n_cities=2, status=Edition.Status.REVIEW)
    Computation.objects.create(edition=edition, status=Computation.Status.DONE)
    return edition


def test_publishing_an_edition_asks_first(client, secretariat, computed):
    client.force_login(secretariat)
    url = reverse("study:edition-publish", args=[computed.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Publish the results of Smart Cities Study 2014?" in body
        assert "No one is e-mailed." in body
    computed.refresh_from_db()
    assert computed.status == Edition.Status.REVIEW
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    computed.refresh_from_db()
    assert computed.status == Edition.Status.PUBLISHED


def test_a_focal_point_cannot_publish_an_edition(client, computed):
    city = computed.questionnaires.first().city
    client.force_login(UserFactory(city=city, role="focal_point"))
    url = reverse("study:edition-publish", args=[computed.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    computed.refresh_from_db()
    assert computed.status == Edition.Status.REVIEW


# Meeting grids


@pytest.fixture
def built(commission):
    meeting = MeetingFactory(commission=commission, title="Bordeaux 2013")
    room, slot = RoomFactory(meeting=meeting), SlotFactory(meeting=meeting)
    TopicFactory(meeting=meeting, room=room, slot=slot)
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save()
    return meeting


def test_publishing_a_grid_asks_first_and_says_who_is_emailed(
    client, secretariat, built, django_capture_on_commit_callbacks
):
    from tests.meetings.factories import participant

    participant(built)
    participant(built)
    client.force_login(secretariat)
    url = reverse("meetings:grid-publish", args=[built.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The 2 registered participants are e-mailed the grid." in body
    built.refresh_from_db()
    assert (built.status, built.published_at, mail.outbox) == (
        Meeting.Status.SCHEDULED,
        None,
        [],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    built.refresh_from_db()
    assert built.status == Meeting.Status.PUBLISHED
    assert len(mail.outbox) == 2


def test_a_member_cannot_see_the_confirmation_of_a_grid(client, built):
    client.force_login(UserFactory())
    url = reverse("meetings:grid-publish", args=[built.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "yes"}).status_code == 403


# Error summaries


def test_a_form_page_sums_up_its_errors_with_links_to_the_fields(client, db):
    response = client.post(
        reverse("network:apply"), {"contact_name": "", "email": "not an address"}
    )
    body = response.content.decode()
    assert '<div class="error-summary" role="alert">' in body
    assert 'href="#id_email"' in body
    assert 'href="#id_contact_name"' in body
    assert 'id="id_email"' in body  # the link has a target
