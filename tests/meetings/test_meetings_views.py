import json

import pytest
from django.urls import reverse

from cityloom.meetings import services
from cityloom.meetings.models import Meeting, Topic, Vote

from .factories import MeetingFactory, RoomFactory, TopicFactory, VoteFactory


def _url(name, meeting, *args, lang="en"):
    from django.utils import translation

    with translation.override(lang):
        return reverse(f"meetings:{name}", args=[meeting.slug, *args])


@pytest.fixture
def published(meeting, people, secretariat):
    titles = ["E-commerce", "Data mining", "3D tools"]
    topics = [
        TopicFactory(meeting=meeting, title=t, proposer=p, description="Bordeaux, Bilbao; SMEs")
        for t, p in zip(
            titles, [people["Bordeaux"], people["Bilbao"], people["Poitiers"]], strict=True
        )
    ]
    for person in (people["Bordeaux"], people["Poitiers"], people["Bilbao"]):
        VoteFactory(topic=topics[0], person=person)
    VoteFactory(topic=topics[1], person=people["Pau"])
    services.optimise_grid(meeting, by=secretariat)
    services.publish_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    return topics


@pytest.mark.parametrize("count", [1, 3])
def test_meeting_list_queries_do_not_grow(client, commission, count, django_assert_num_queries):
    for _ in range(count):
        meeting = MeetingFactory(commission=commission)
        RoomFactory(meeting=meeting)
        TopicFactory(meeting=meeting)
    MeetingFactory(commission=commission, status=Meeting.Status.DRAFT, title="Hidden draft")
    with django_assert_num_queries(1):
        response = client.get("/en/meetings/")
    assert response.status_code == 200
    assert response.content.decode().count('<td><a href="/en/meetings/meeting-') == count
    assert "Hidden draft" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_proposals_live_list_queries_do_not_grow(
    client, meeting, people, count, django_assert_num_queries
):
    for i in range(count):
        topic = TopicFactory(meeting=meeting, proposer=people["Pau"], title=f"Idea {i}")
        topic.unavailable_slots.add(meeting.slots.first())
        VoteFactory(topic=topic, person=people["Bilbao"])
    client.force_login(people["Bilbao"])
    url = _url("proposals-live", meeting)
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count("Remove my vote") == count


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "Registration"), ("fr", "Inscription"), ("es", "Inscripción")]
)
def test_meeting_page_in_three_languages(client, meeting, lang, text):
    response = client.get(_url("meeting-detail", meeting, lang=lang))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_register_from_the_page(client, meeting, people):
    from .factories import member_person

    person = member_person(meeting)
    client.force_login(person)
    response = client.post(_url("register", meeting), follow=True)
    assert "You are registered." in response.content.decode()
    assert meeting.registrations.get(person=person).status == "registered"


def test_draft_meeting_is_hidden_from_members(client, meeting, people, secretariat):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT)
    client.force_login(people["Bilbao"])
    assert client.get(_url("meeting-detail", meeting)).status_code == 404
    client.force_login(secretariat)
    assert client.get(_url("meeting-detail", meeting)).status_code == 200


def test_htmx_vote_returns_the_live_list(client, meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"], title="Open data")
    client.force_login(people["Bilbao"])
    response = client.post(
        _url("vote", meeting, topic.pk), {"vote": "yes"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="proposals"')
    assert "Remove my vote for “Open data”" in body
    assert list(Vote.objects.values_list("person", flat=True)) == [people["Bilbao"].pk]


def test_vote_after_the_grid_is_built_shows_a_message_and_writes_nothing(client, meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"])
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.SCHEDULED)
    client.force_login(people["Bilbao"])
    response = client.post(
        _url("vote", meeting, topic.pk), {"vote": "yes"}, headers={"HX-Request": "true"}
    )
    assert "Votes are closed" in response.content.decode()
    assert not Vote.objects.exists()


def test_forged_topic_of_another_meeting_is_not_found(client, meeting, people):
    other = TopicFactory()
    client.force_login(people["Bilbao"])
    assert client.post(_url("vote", meeting, other.pk), {"vote": "yes"}).status_code == 404
    assert not Vote.objects.exists()


def test_propose_from_the_page(client, meeting, people):
    client.force_login(people["Bordeaux"])
    slot = meeting.slots.first()
    response = client.post(
        _url("proposals", meeting),
        {
            "title": "E-marketing",
            "description": "New markets",
            "axis": "economy",
            "language": "fr",
            "unavailable_slots": [slot.pk],
        },
        follow=True,
    )
    assert "Your topic is proposed." in response.content.decode()
    topic = Topic.objects.get()
    assert (topic.title, topic.proposer, list(topic.unavailable_slots.all())) == (
        "E-marketing",
        people["Bordeaux"],
        [slot],
    )


def test_non_participant_cannot_post_a_proposal(client, meeting):
    from .factories import member_person

    client.force_login(member_person(meeting))
    assert client.post(_url("proposals", meeting), {"title": "x"}).status_code == 403
    assert not Topic.objects.exists()


def test_member_cannot_open_the_edit_page_of_anothers_topic(client, meeting, people):
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"])
    client.force_login(people["Bilbao"])
    assert client.get(_url("topic-edit", meeting, topic.pk)).status_code == 403
    client.force_login(people["Pau"])
    assert client.get(_url("topic-edit", meeting, topic.pk)).status_code == 200


def test_members_cannot_reach_the_grid_tools(client, meeting, people):
    client.force_login(people["Bilbao"])
    assert client.get(_url("grid-manage", meeting)).status_code == 403
    assert client.post(_url("grid-compute", meeting, "build")).status_code == 403
    assert client.post(_url("grid-publish", meeting)).status_code == 403


def test_secretariat_builds_pins_and_publishes_from_the_pages(
    client, meeting, people, secretariat, django_capture_on_commit_callbacks
):
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"], title="Cloud tools")
    VoteFactory(topic=topic, person=people["Bilbao"])
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("grid-compute", meeting, "build"))
    assert response.url == _url("grid-manage", meeting)
    body = client.get(response.url).content.decode()
    assert "interests participants can attend" in body
    topic.refresh_from_db()
    room, slot = meeting.rooms.last(), meeting.slots.last()
    client.post(_url("session-move", meeting, topic.pk), {"target": f"{room.pk}:{slot.pk}"})
    topic.refresh_from_db()
    assert (topic.room, topic.slot, topic.is_pinned) == (room, slot, True)
    response = client.post(_url("grid-publish", meeting), {"confirm": "yes"}, follow=True)
    assert "Cloud tools" in response.content.decode()
    assert response.redirect_chain[-1][0] == _url("grid", meeting)


def test_forged_cell_in_the_move_form_is_refused(client, meeting, people, secretariat):
    topic = TopicFactory(meeting=meeting, proposer=people["Pau"])
    other_room = RoomFactory()
    client.force_login(secretariat)
    response = client.post(
        _url("session-move", meeting, topic.pk),
        {"target": f"{other_room.pk}:{meeting.slots.first().pk}"},
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    topic.refresh_from_db()
    assert not topic.is_scheduled


def test_grid_pages_are_not_found_before_publication(client, meeting):
    for name in ("grid", "grid-print", "schedule-json"):
        assert client.get(_url(name, meeting)).status_code == 404


def test_public_grid_print_view_and_session_page(client, meeting, published):
    body = client.get(_url("grid", meeting)).content.decode()
    assert all(t.title in body for t in published)
    printable = client.get(_url("grid-print", meeting)).content.decode()
    assert "meetings/print.css" in printable
    assert "E-commerce" in printable
    session = client.get(_url("session-detail", meeting, published[0].pk)).content.decode()
    assert "Person of Poitiers — Poitiers" in session


def test_unpublished_topic_has_no_session_page(client, meeting, published, people):
    late = TopicFactory(meeting=meeting, proposer=people["Pau"])
    assert client.get(_url("session-detail", meeting, late.pk)).status_code == 404


def test_session_ics(client, meeting, published):
    response = client.get(_url("session-ics", meeting, published[0].pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert f"UID:session-{published[0].pk}@cityloom" in text
    assert "SUMMARY:E-commerce" in text
    assert "DESCRIPTION:Bordeaux\\, Bilbao\\; SMEs" in text


def test_meeting_ics(client, meeting):
    text = client.get(_url("meeting-ics", meeting)).content.decode()
    assert "DTSTART:20130531T070000Z" in text  # the first slot, 9:00 in Bordeaux
    assert "\r\n" in text


def test_frab_schedule_json_structure(client, meeting, published):
    data = json.loads(client.get(_url("schedule-json", meeting)).content)
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "bordeaux-2013"
    assert conference["time_zone_name"] == "Europe/Paris"
    assert [r["name"] for r in conference["rooms"]] == ["Salle Mably", "Salon d'honneur"]
    (day,) = conference["days"]
    assert day["date"] == "2013-05-31"
    assert set(day["rooms"]) == {"Salle Mably", "Salon d'honneur"}
    events = [e for room in day["rooms"].values() for e in room]
    assert sorted(e["title"] for e in events) == ["3D tools", "Data mining", "E-commerce"]
    event = next(e for e in events if e["title"] == "E-commerce")
    assert event["duration"] == "01:00"
    assert event["date"].startswith("2013-05-31T")
    assert event["date"].endswith("+02:00")
    assert event["start"] == event["date"][11:16]
    assert event["track"] == "Smart economy"
    assert event["persons"][0]["public_name"] == "Person of Bordeaux"
    keys = {
        "guid",
        "id",
        "date",
        "start",
        "duration",
        "room",
        "slug",
        "title",
        "subtitle",
        "track",
        "type",
        "language",
        "abstract",
        "description",
        "persons",
        "links",
    }
    assert keys <= set(event)


@pytest.mark.slow
def test_report_renders_in_spanish_and_as_pdf(client, meeting, published, people, secretariat):
    services.identify_project(published[0], by=secretariat)
    html = client.get(_url("report", meeting, lang="es")).content.decode()
    assert "Reunión de trabajo sobre economía inteligente" in html
    assert "E-commerce" in html
    pdf = client.get(_url("report-pdf", meeting, lang="es"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def _meeting_form(commission, **overrides):
    data = {
        "commission": commission.pk,
        "title": "Smart governance",
        "axis": "governance",
        "starts_on": "2014-06-12",
        "ends_on": "2014-06-12",
        "time_zone": "Europe/Madrid",
        "languages": ["en", "es"],
        "registration_opens_at": "2014-01-15T09:00",
        "registration_closes_at": "2014-05-30T18:00",
        "capacity": "45",
        "rooms": "Auditorio; 30; Spanish ↔ English\nSala Arriaga; 15",
        "slots": "2014-06-12 10:00-11:00\n2014-06-12 11:30\u201312:30",
    }
    return {**data, **overrides}


def test_secretariat_creates_a_meeting_from_the_page(client, commission, secretariat):
    client.force_login(secretariat)
    assert client.get("/en/meetings/new/").status_code == 200
    response = client.post("/en/meetings/new/", _meeting_form(commission))
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert list(meeting.rooms.values_list("name", "capacity")) == [
        ("Auditorio", 30),
        ("Sala Arriaga", 15),
    ]
    first = meeting.slots.first()
    assert first.starts_at.isoformat() == "2014-06-12T08:00:00+00:00"  # 10:00 in Madrid
    assert meeting.registration_opens_at.isoformat() == "2014-01-15T08:00:00+00:00"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rooms", "Auditorio, thirty", "Line 1: write the room"),
        ("slots", "tomorrow morning", "Line 1: write a date"),
        ("slots", "2014-06-12 11:00-10:00", "ends before it starts"),
        ("time_zone", "Mars/Olympus", "Unknown time zone"),
    ],
)
def test_bad_meeting_form_input_is_explained_and_nothing_is_written(
    client, commission, secretariat, field, value, message
):
    client.force_login(secretariat)
    response = client.post("/en/meetings/new/", _meeting_form(commission, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_members_cannot_create_meetings(client, meeting, people):
    client.force_login(people["Bilbao"])
    assert client.get("/en/meetings/new/").status_code == 403


def test_admin_lists_only_the_secretariats_meetings(client, meeting, secretariat):
    other = MeetingFactory(title="Another commission's meeting")
    secretariat.is_staff = True
    secretariat.save()
    from django.contrib.auth.models import Permission

    secretariat.user_permissions.add(*Permission.objects.filter(content_type__app_label="meetings"))
    client.force_login(secretariat)
    body = client.get("/en/admin/meetings/meeting/").content.decode()
    assert meeting.title in body
    assert other.title not in body
    assert client.get(f"/en/admin/meetings/meeting/{meeting.pk}/change/").status_code == 200


def test_notes_are_edited_versioned_and_rendered_safely(client, meeting, published, people):
    session = published[0]
    client.force_login(people["Pau"])
    url = _url("notes-edit", meeting, session.pk)
    client.post(url, {"text": "# Ideas\n\n<script>x</script>", "base_version": 0})
    client.post(url, {"text": "# Ideas\n\n- **3D**", "base_version": 1})
    # A colleague still editing version 1 is told, and their text is kept in the form.
    conflict = client.post(url, {"text": "mine", "base_version": 1}).content.decode()
    assert "Someone saved these notes while you were editing (version 2)" in conflict
    assert "\nmine</textarea>" in conflict
    page = client.get(_url("session-detail", meeting, session.pk)).content.decode()
    assert "<li><strong>3D</strong></li>" in page
    old = client.get(_url("session-detail", meeting, session.pk) + "?version=1").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in old
    assert "<script>x" not in old


def test_visitors_cannot_edit_notes(client, meeting, published):
    response = client.get(_url("notes-edit", meeting, published[0].pk))
    assert response.status_code == 302  # to the login page


def test_grid_status_tells_htmx_to_reload_when_done(client, meeting, secretariat):
    client.force_login(secretariat)
    Meeting.objects.filter(pk=meeting.pk).update(grid_job=Meeting.GridJob.RUNNING)
    assert "optimising" in client.get(_url("grid-status", meeting)).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(grid_job=Meeting.GridJob.DONE)
    response = client.get(_url("grid-status", meeting))
    assert (response.status_code, response["HX-Refresh"]) == (204, "true")
