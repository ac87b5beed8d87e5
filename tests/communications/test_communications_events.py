"""Events: registration with capacity and waiting list, calendars at the city's time, exports."""

import csv
import datetime as dt
import io
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cityloom.communications import services
from cityloom.communications.models import Event, EventRegistration
from tests.factories import CommissionFactory, UserFactory

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


@pytest.fixture
def summit(commission, cities):
    """The World Cities Summit Mayors Forum, Bilbao, 13-15 June 2013, at Bilbao's time."""
    return Event.objects.create(
        commission=commission,
        slug="wcs-mayors-forum-2013",
        title="World Cities Summit Mayors Forum",
        title_es="Foro de Alcaldes de la Cumbre Mundial de Ciudades",
        starts_at=dt.datetime(2013, 6, 13, 9, 30, tzinfo=MADRID),
        ends_at=dt.datetime(2013, 6, 15, 18, 0, tzinfo=MADRID),
        city=cities["Bilbao"],
        venue="Palacio Euskalduna",
        role=Event.Role.PARTNER,
        capacity=2,
    )


@pytest.fixture
def future(summit, time_machine):
    time_machine.move_to(dt.datetime(2013, 5, 1, tzinfo=dt.UTC))
    return summit


def test_capacity_then_waiting_list_then_promotion_on_cancel(
    future, members, django_capture_on_commit_callbacks
):
    people = [members["focal.bilbao"], members["member.bilbao"], members["focal.bordeaux"]]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [services.register_for_event(future, person=p).status for p in people]
    assert statuses == ["registered", "registered", "waiting"]
    assert [m.to for m in mail.outbox] == [[p.email] for p in people]
    # Bordeaux's focal point reads French: the waiting-list notice is in French.
    assert "liste d'attente" in mail.outbox[2].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_event_registration(future, person=people[0])
    assert promoted.person == people[2]
    assert dict(EventRegistration.objects.values_list("person__email", "status")) == {
        people[0].email: "cancelled",
        people[1].email: "registered",
        people[2].email: "registered",
    }
    assert [m.to for m in mail.outbox] == [[people[2].email]]
    # The French focal point is told in French (the catalog may still lack the sentence).
    assert "Bilbao" in mail.outbox[0].body or future.title in mail.outbox[0].body


def test_registering_twice_is_refused(future, members):
    services.register_for_event(future, person=members["focal.bilbao"])
    with pytest.raises(services.CommunicationsError, match="already registered"):
        services.register_for_event(future, person=members["focal.bilbao"])


@pytest.mark.parametrize("who", ["outsider", "no_city"])
def test_people_of_non_member_cities_cannot_register(future, members, who):
    person = members["outsider"] if who == "outsider" else UserFactory(email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.register_for_event(future, person=person)
    assert EventRegistration.objects.count() == 0


def test_anonymous_post_to_register_goes_to_login(client, future):
    response = client.post(reverse("communications:event-register", args=[future.slug]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert EventRegistration.objects.count() == 0


def test_event_ics_is_at_bilbaos_time(client, summit):
    response = client.get(reverse("communications:event-ics", args=[summit.slug]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2013, 6, 13, 9, 30, tzinfo=MADRID)
    assert str(start.tzinfo) == "Europe/Madrid"
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Madrid"
    assert start.utcoffset() == dt.timedelta(hours=2)  # summer time in Bilbao


def test_my_events_feed_by_private_token(client, future, members):
    person = members["focal.bilbao"]
    services.register_for_event(future, person=person)
    token = services.calendar_token_of(person).token
    feed = client.get(reverse("communications:my-events-ics", args=[token]))
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["World Cities Summit Mayors Forum"]
    # Someone else's token shows nothing of theirs; a forged one is not found.
    other = services.calendar_token_of(members["focal.bordeaux"]).token
    other_feed = client.get(reverse("communications:my-events-ics", args=[other]))
    assert icalendar.Calendar.from_ical(other_feed.content).walk("VEVENT") == []
    forged = client.get(reverse("communications:my-events-ics", args=["x" + token]))
    assert forged.status_code == 404
    # A renewed token revokes the old address.
    services.renew_calendar_token(person)
    assert client.get(reverse("communications:my-events-ics", args=[token])).status_code == 404


def test_participants_csv_for_the_organiser_only(client, future, members, secretariat):
    services.register_for_event(future, person=members["focal.bilbao"])
    url = reverse("communications:participants-csv", args=[future.slug])
    client.force_login(members["focal.bilbao"])
    assert client.get(url).status_code == 403
    other = UserFactory(email="other@example.org")
    CommissionFactory(slug="other").secretariat.add(other)
    client.force_login(other)
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert rows[0][:3] == ["status", "name", "email"]
    assert [r[:3] for r in rows[1:]] == [["registered", "Focal Bilbao", "focal.bilbao@example.org"]]


def test_month_view_shows_events_and_working_meetings(client, summit, commission):
    from tests.meetings.factories import MeetingFactory

    MeetingFactory(
        commission=commission,
        slug="bordeaux-2013",
        title="Smart economy working meeting",
        starts_on=dt.date(2013, 6, 20),
        ends_on=dt.date(2013, 6, 20),
    )
    page = client.get(reverse("communications:event-calendar-month", args=[2013, 6]))
    text = page.content.decode()
    assert text.count("World Cities Summit Mayors Forum") == 3  # 13, 14 and 15 June
    assert text.count("Smart economy working meeting") == 1


def test_event_list_shows_local_time(client, summit):
    text = client.get(reverse("communications:event-list")).content.decode()
    assert "Europe/Madrid" in text
    assert "9:30" in text or "09:30" in text


@pytest.mark.parametrize("n", [1, 3])
def test_event_pages_and_api_queries_do_not_grow(
    client, commission, cities, n, django_assert_num_queries
):
    for i in range(n):
        Event.objects.create(
            commission=commission,
            slug=f"e{i}",
            title=f"Event {i}",
            starts_at=dt.datetime(2030, 1, 1 + i, 9, tzinfo=dt.UTC),
            ends_at=dt.datetime(2030, 1, 1 + i, 17, tzinfo=dt.UTC),
            city=cities["Bilbao"],
            role=Event.Role.ORGANISER,
        )
    with django_assert_num_queries(1):
        assert client.get(reverse("communications:event-list")).status_code == 200
    with django_assert_num_queries(2):  # count, events
        items = client.get("/api/v1/events").json()["items"]
    assert [e["slug"] for e in items] == [f"e{i}" for i in range(n)]
    assert items[0]["time_zone"] == "Europe/Madrid"
    assert items[0]["local_starts_at"] == "2030-01-01T10:00:00+01:00"
    with django_assert_num_queries(1):
        feed = client.get(reverse("communications:events-ics"))
    assert len(icalendar.Calendar.from_ical(feed.content).walk("VEVENT")) == n
