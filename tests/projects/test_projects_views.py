"""Pages, exports and the API of projects, and their permissions tried as an attacker would."""

import csv
import datetime as dt
import io

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from cityloom.projects import services
from cityloom.projects.models import JoinRequest, Project, ProjectCity

from .conftest import make_project


def _url(name, *args):
    return reverse(f"projects:{name}", args=args)


@pytest.fixture
def planned(project, secretariat, cities):
    services.add_activity(
        project,
        by=secretariat,
        title="Online exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=5,
        at=dt.time(10),
        time_zone="Europe/Paris",
        online_url="https://meet.example.org/x",
    )
    services.add_milestone(
        project, by=secretariat, title="International forum", on=dt.date(2014, 10, 15)
    )
    services.add_deliverable(
        project,
        by=secretariat,
        title="Online compendium",
        due_months=18,
        owner_city=cities["Bordeaux"],
    )
    return project


# --- pages ------------------------------------------------------------------------------


def test_public_page_shows_the_timeline(client, planned, time_machine):
    time_machine.move_to(dt.datetime(2014, 3, 1, tzinfo=dt.UTC))
    body = client.get(_url("project-detail", planned.pk)).content.decode()
    upcoming = body[body.index('id="upcoming"') : body.index('id="past"')]
    past = body[body.index('id="past"') : body.index('id="milestones"')]
    assert upcoming.count('<li id="occurrence-') == 3
    assert past.count('<li id="occurrence-') == 2
    assert "International forum" in body
    assert "due within 18 months of the start (Nov. 30, 2014)" in body


@pytest.mark.parametrize("n", [1, 3])
def test_list_queries_do_not_grow_with_projects(
    client, commission, secretariat, cities, n, django_assert_num_queries
):
    for i in range(n):
        p = make_project(commission, secretariat, cities, title=f"Project {i}")
        services.add_activity(
            p,
            by=secretariat,
            title="Exchange",
            first_on=dt.date(2030, 1, 1),
            every_months=1,
            count=2,
        )
    client.get(_url("project-list"))  # session, translations warmed
    with django_assert_num_queries(2):
        response = client.get(_url("project-list"))
    assert response.content.decode().count("Exchange, ") == n


@pytest.mark.parametrize("n", [1, 3])
def test_detail_queries_do_not_grow_with_items(
    client, project, secretariat, cities, focal, n, django_assert_num_queries
):
    task = None
    for i in range(n):
        services.add_activity(
            project,
            by=secretariat,
            title=f"Activity {i}",
            first_on=dt.date(2013, 9, 1),
            every_months=2,
            count=2,
        )
        services.add_milestone(
            project, by=secretariat, title=f"Milestone {i}", on=dt.date(2014, 1, i + 1)
        )
        services.add_deliverable(
            project,
            by=secretariat,
            title=f"Deliverable {i}",
            due_on=dt.date(2014, 2, i + 1),
            owner_city=cities["Bilbao"],
        )
        task = services.add_task(project, by=secretariat, title=f"Task {i}")
        services.answer_task(task, by=focal["Bilbao"], text="Answer")
    client.force_login(focal["Poitiers"])
    client.get(_url("project-detail", project.pk))
    with django_assert_num_queries(12):
        response = client.get(_url("project-detail", project.pk))
    assert response.content.decode().count("Not answered yet:") == n


def test_focal_point_of_the_lead_creates_a_project_led_by_their_city(
    client, focal, commission, cities
):
    client.force_login(focal["Bordeaux"])
    response = client.post(
        _url("project-create"),
        {
            "title": "Spaces for businesses",
            "axis": "economy",
            "commission": commission.pk,
            "lead_city": cities["Bordeaux"].pk,
            "status": "proposed",
            "language": "fr",
            "interested": [cities["Pau"].pk],
        },
    )
    project = Project.objects.get()
    assert response.url == project.get_absolute_url()
    assert {(m.city.name, m.role) for m in project.memberships.all()} == {
        ("Bordeaux", "lead"),
        ("Pau", "interested"),
    }


def test_focal_point_cannot_create_a_project_another_city_leads(client, focal, commission, cities):
    client.force_login(focal["Pau"])
    response = client.post(
        _url("project-create"),
        {
            "title": "x",
            "axis": "economy",
            "commission": commission.pk,
            "lead_city": cities["Bilbao"].pk,
            "status": "proposed",
            "language": "fr",
        },
    )
    assert response.status_code == 200
    assert "Your city must lead the projects you create." in response.content.decode()
    assert not Project.objects.exists()


def test_create_from_a_session_prefills_title_axis_and_voters(client, secretariat, commission):
    from tests.factories import CityFactory
    from tests.meetings.factories import (
        MeetingFactory,
        RoomFactory,
        SlotFactory,
        TopicFactory,
        VoteFactory,
        participant,
    )

    meeting = MeetingFactory(commission=commission, slug="bordeaux-2013")
    room, slot = RoomFactory(meeting=meeting), SlotFactory(meeting=meeting)
    bilbao = CityFactory(name="Bilbao")
    proposer = participant(meeting, city=CityFactory(name="Pau"), email="p@example.org")
    topic = TopicFactory(
        meeting=meeting, proposer=proposer, title="E-commerce", axis="living", room=room, slot=slot
    )
    VoteFactory(topic=topic, person=participant(meeting, city=bilbao, email="v@example.org"))
    client.force_login(secretariat)
    form = client.get(_url("project-create") + f"?session={topic.pk}").context["form"]
    assert (form.initial["title"], form.initial["axis"], form.initial["interested"]) == (
        "E-commerce",
        "living",
        [bilbao.pk],
    )
    assert client.get(_url("project-create") + "?session=999999").status_code == 404
    assert client.get(_url("project-create") + "?session=abc").status_code == 404


# --- permissions, as an attacker --------------------------------------------------------


def test_anonymous_visitor_reads_but_cannot_act(client, project):
    assert client.get(_url("project-detail", project.pk)).status_code == 200
    for name in ("project-edit", "project-join"):
        assert client.get(_url(name, project.pk)).status_code == 302
    assert client.get(_url("project-create")).status_code == 302


def test_neighbour_focal_point_cannot_edit_or_plan(client, project, focal, neighbour):
    for person in (focal["Bilbao"], neighbour["focal"]):  # a participant city, another commission
        client.force_login(person)
        assert client.get(_url("project-edit", project.pk)).status_code == 403
        assert (
            client.post(
                _url("project-edit", project.pk),
                {"title": "Mine", "axis": "economy", "status": "dropped", "language": "en"},
            ).status_code
            == 403
        )
        assert (
            client.post(_url("activity-add", project.pk), {"activity-title": "x"}).status_code
            == 403
        )
        assert (
            client.post(_url("deliverable-add", project.pk), {"deliverable-title": "x"}).status_code
            == 403
        )
    project.refresh_from_db()
    assert (project.title, project.status) == ("Joining industries", "active")


def test_lead_focal_point_edits_but_cannot_hand_the_lead_away(client, project, focal, cities):
    client.force_login(focal["Bordeaux"])
    data = {
        "title": "Joining industries (2013)",
        "axis": "economy",
        "status": "active",
        "language": "en",
        "lead_city": cities["Bordeaux"].pk,
    }
    assert client.post(_url("project-edit", project.pk), data).status_code == 302
    data["lead_city"] = cities["Bilbao"].pk
    response = client.post(_url("project-edit", project.pk), data)
    assert "Only the secretariat hands the lead to another city." in response.content.decode()
    project.refresh_from_db()
    assert (project.title, project.lead_city) == ("Joining industries (2013)", cities["Bordeaux"])


def test_member_cannot_join_for_the_city(client, project, member):
    client.force_login(member)
    assert (
        client.post(_url("project-join", project.pk), {"message": "Let us in"}).status_code == 403
    )
    assert not JoinRequest.objects.exists()


def test_focal_point_of_another_commission_cannot_join(client, project, neighbour):
    client.force_login(neighbour["focal"])
    assert (
        client.post(_url("project-join", project.pk), {"message": "Let us in"}).status_code == 403
    )


def test_only_the_projects_secretariat_decides(client, project, focal, neighbour, secretariat):
    join = services.request_join(project, by=focal["Pau"], message="Please")
    for person in (focal["Bordeaux"], focal["Pau"], neighbour["secretariat"]):
        client.force_login(person)
        assert client.get(_url("request-decide", join.pk)).status_code == 403
        assert (
            client.post(_url("request-decide", join.pk), {"decision": "accept"}).status_code == 403
        )
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.PENDING
    assert not ProjectCity.objects.filter(project=project, city=focal["Pau"].city).exists()
    client.force_login(secretariat)
    assert client.get(_url("request-decide", 999999)).status_code == 404


def test_decision_page_says_who_is_emailed_then_accepts(
    client, project, focal, secretariat, django_capture_on_commit_callbacks
):
    join = services.request_join(project, by=focal["Pau"], message="Please")
    client.force_login(secretariat)
    body = client.get(_url("request-decide", join.pk)).content.decode()
    assert (
        "Focal point of Pau &lt;focal.pau@example.org&gt; (Pau), put in contact with Bordeaux, in French"
        in body
    )
    assert (
        "Focal point of Bordeaux &lt;focal.bordeaux@example.org&gt; (Bordeaux), put in contact with Pau, in French"
        in body
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("request-decide", join.pk), {"decision": "accept"})
    assert response.url == project.get_absolute_url()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "focal.bordeaux@example.org",
        "focal.pau@example.org",
    ]


def test_forged_ids_are_not_found(client, project, focal, commission, secretariat, cities):
    other = make_project(commission, secretariat, cities, title="Other", participants=())
    task = services.add_task(other, by=secretariat, title="Sectors")
    client.force_login(focal["Bilbao"])
    # The task of another project, through this project's address.
    assert client.post(_url("task-answer", project.pk, task.pk), {"text": "x"}).status_code == 404
    assert client.get(_url("project-detail", 999999)).status_code == 404
    assert client.get(_url("occurrence-minutes", project.pk, 999999)).status_code == 404


def test_focal_point_answers_for_their_own_city_only(client, project, focal, secretariat):
    task = services.add_task(project, by=secretariat, title="Sectors")
    client.force_login(focal["Pau"])  # not taking part
    assert client.post(_url("task-answer", project.pk, task.pk), {"text": "x"}).status_code == 403
    client.force_login(focal["Bilbao"])
    client.post(
        _url("task-answer", project.pk, task.pk),
        {"text": "Energy", "city": focal["Poitiers"].city_id},
    )
    assert [(a.city.name, a.text) for a in task.answers.all()] == [("Bilbao", "Energy")]


def test_neighbour_cannot_make_a_city_leave(client, project, focal, cities):
    client.force_login(focal["Bilbao"])
    response = client.post(_url("city-leave", project.pk), {"leave-city": cities["Poitiers"].pk})
    assert response.status_code == 403
    assert ProjectCity.objects.get(project=project, city=cities["Poitiers"]).left_on is None


# --- exports and API ---------------------------------------------------------------------


def test_icalendar_feed_parses_with_the_right_dates_and_time_zone(client, planned):
    response = client.get(_url("project-ics", planned.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    starts = [e.decoded("DTSTART") for e in events]
    # 10:00 in Bordeaux each time, written at local time with its zone.
    assert [(s.date(), s.time(), str(s.tzinfo)) for s in starts] == [
        (dt.date(2013, 9, 16), dt.time(10), "Europe/Paris"),
        (dt.date(2014, 1, 16), dt.time(10), "Europe/Paris"),
        (dt.date(2014, 5, 16), dt.time(10), "Europe/Paris"),
        (dt.date(2014, 9, 16), dt.time(10), "Europe/Paris"),
        (dt.date(2015, 1, 16), dt.time(10), "Europe/Paris"),
    ]
    assert {e["DTSTART"].params["TZID"] for e in events} == {"Europe/Paris"}
    assert starts[0].astimezone(dt.UTC) == dt.datetime(2013, 9, 16, 8, tzinfo=dt.UTC)
    assert starts[1].astimezone(dt.UTC) == dt.datetime(2014, 1, 16, 9, tzinfo=dt.UTC)
    assert str(events[0]["SUMMARY"]) == "Joining industries: Online exchange"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_news_feeds(client, planned, secretariat):
    occurrence = planned.activities.get().occurrences.first()
    services.save_minutes(occurrence, by=secretariat, minutes="Tools presented.")
    rss = client.get(_url("project-rss", planned.pk)).content.decode()
    assert "Online exchange: minutes" in rss
    assert "Tools presented." in rss
    assert "International forum" in rss
    atom = client.get(_url("project-atom", planned.pk)).content.decode()
    assert "<feed" in atom
    assert "Bordeaux joins the project" in atom
    assert client.get(_url("project-rss", 999999)).status_code == 404


def test_csv_export(client, planned, time_machine):
    time_machine.move_to(dt.datetime(2014, 3, 1, tzinfo=dt.UTC))
    rows = list(csv.reader(io.StringIO(client.get(_url("project-csv")).content.decode())))
    assert rows[0] == [
        "Title",
        "Axis",
        "Status",
        "Lead city",
        "Start date",
        "Cities",
        "Next activity",
    ]
    assert rows[1][:5] == [
        "Joining industries",
        "Smart economy",
        "active",
        "Bordeaux",
        "2013-05-31",
    ]
    assert rows[1][5] == "Bordeaux (lead); Bilbao (participant); Poitiers (participant)"
    assert rows[1][6] == "2014-05-16T08:00:00+00:00"


def test_api_lists_projects_with_roles_and_next_activity(client, planned, time_machine):
    time_machine.move_to(dt.datetime(2014, 3, 1, tzinfo=dt.UTC))
    (data,) = client.get("/api/v1/projects").json()
    assert (data["title"], data["axis"], data["status"], data["lead_city"]) == (
        "Joining industries",
        "economy",
        "active",
        3031582,
    )
    assert [(c["name"], c["role"]) for c in data["cities"]] == [
        ("Bordeaux", "lead"),
        ("Bilbao", "participant"),
        ("Poitiers", "participant"),
    ]
    assert data["next_activity"] == {
        "title": "Online exchange",
        "starts_at": "2014-05-16T08:00:00Z",
    }
    assert client.get(f"/api/v1/projects/{planned.pk}").json()["id"] == planned.pk
    assert client.get("/api/v1/projects/999999").status_code == 404


# --- planning and proposing through the pages -------------------------------------------


def test_lead_focal_point_plans_an_activity_every_four_months(client, project, focal):
    client.force_login(focal["Bordeaux"])
    form = client.get(_url("project-detail", project.pk)).context["forms"]["activity"]
    assert form.initial["time_zone"] == "Europe/Paris"
    response = client.post(
        _url("activity-add", project.pk),
        {
            "activity-title": "Online exchange",
            "activity-first_on": "2013-09-16",
            "activity-at": "10:00",
            "activity-every_months": "4",
            "activity-count": "5",
            "activity-time_zone": "Europe/Paris",
            "activity-duration_minutes": "90",
        },
    )
    assert response.url == project.get_absolute_url()
    (activity,) = project.activities.all()
    assert (activity.rrule, activity.occurrences.count()) == ("FREQ=MONTHLY;INTERVAL=4;COUNT=5", 5)


def test_a_bad_rule_on_the_page_is_a_clear_message(client, project, focal):
    client.force_login(focal["Bordeaux"])
    response = client.post(
        _url("activity-add", project.pk),
        {
            "activity-title": "Exchange",
            "activity-first_on": "2013-09-16",
            "activity-at": "10:00",
            "activity-rrule": "FREQ=NEVER",
            "activity-time_zone": "Europe/Paris",
            "activity-duration_minutes": "90",
        },
        follow=True,
    )
    assert "“FREQ=NEVER” is not a recurrence rule" in response.content.decode()
    assert not project.activities.exists()


def test_focal_point_proposes_a_project_to_the_secretariat(client, focal, commission, secretariat):
    client.force_login(focal["Pau"])
    response = client.post(
        _url("project-propose"),
        {
            "title": "Geothermal energy for firms",
            "axis": "environment",
            "commission": commission.pk,
            "message": "Pau would lead it.",
        },
    )
    assert response.url == _url("project-list")
    join = JoinRequest.objects.get()
    assert (join.kind, join.city.name, join.project) == ("propose", "Pau", None)
    client.force_login(secretariat)
    assert (
        "Pau proposes “Geothermal energy for firms”"
        in client.get(_url("request-list")).content.decode()
    )


def test_member_cannot_propose_a_project(client, member, commission):
    client.force_login(member)
    assert client.get(_url("project-propose")).status_code == 403
