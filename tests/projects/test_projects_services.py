"""Join requests and the secretariat's decision, proposals, city tasks, a city leaving."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from cityloom.core.models import AuditEvent, OutgoingMail
from cityloom.meetings import services as meeting_services
from cityloom.projects import queries, services
from cityloom.projects.models import Deliverable, JoinRequest, Project, ProjectCity, TaskAnswer


def _roles(project):
    return {
        (m.city.name, m.role, m.left_on)
        for m in ProjectCity.objects.filter(project=project).select_related("city")
    }


def test_pau_joins_and_both_cities_are_emailed_in_their_languages(
    project, focal, secretariat, cities, django_capture_on_commit_callbacks
):
    join = services.request_join(project, by=focal["Pau"], message="We run business meetings.")
    assert [r.person.email for r in services.recipients(join)] == [
        "focal.pau@example.org",
        "focal.bordeaux@example.org",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(join, by=secretariat, accept=True)
    join.refresh_from_db()
    assert (join.status, join.decided_by) == (JoinRequest.Status.ACCEPTED, secretariat)
    assert ("Pau", "participant", None) in _roles(project)
    sent = {m.to[0]: m for m in mail.outbox}
    assert sorted(sent) == ["focal.bordeaux@example.org", "focal.pau@example.org"]
    # Both focal points write French: each is told about the other city, in French.
    to_pau, to_bordeaux = sent["focal.pau@example.org"], sent["focal.bordeaux@example.org"]
    assert "Pau" in to_pau.subject
    assert "focal.bordeaux@example.org" in to_pau.body
    assert "focal.pau@example.org" in to_bordeaux.body
    assert {m.language for m in OutgoingMail.objects.all()} == {"fr"}
    event = AuditEvent.objects.get(verb="project.request_accepted")
    assert event.data["emailed"] == ["focal.bordeaux@example.org", "focal.pau@example.org"]
    assert event.actor == secretariat


def test_acceptance_is_written_in_each_recipients_language(
    project, focal, secretariat, django_capture_on_commit_callbacks
):
    join = services.request_join(project, by=focal["Lappeenranta"], message="Interested.")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(join, by=secretariat, accept=True)
    languages = dict(OutgoingMail.objects.values_list("to", "language"))
    assert languages == {"focal.lappeenranta@example.org": "en", "focal.bordeaux@example.org": "fr"}
    english = next(m for m in mail.outbox if m.to == ["focal.lappeenranta@example.org"])
    assert english.subject == (
        "[Cityloom] Project “Joining industries”: Lappeenranta and Bordeaux are put in contact"
    )


def test_a_request_is_decided_once(project, focal, secretariat):
    join = services.request_join(project, by=focal["Pau"], message="Please.")
    services.decide(join, by=secretariat, accept=False)
    with pytest.raises(services.ProjectError):
        services.decide(join, by=secretariat, accept=True)
    assert ("Pau", "participant", None) not in _roles(project)
    assert OutgoingMail.objects.filter(to="focal.bordeaux@example.org").count() == 0


def test_a_city_asks_once_while_pending(project, focal):
    services.request_join(project, by=focal["Pau"], message="Please.")
    with pytest.raises(services.ProjectError):
        services.request_join(project, by=focal["Pau"], message="Again.")
    assert JoinRequest.objects.count() == 1


def test_city_taking_part_cannot_ask_to_join(project, focal):
    with pytest.raises(PermissionDenied):
        services.request_join(project, by=focal["Bilbao"], message="Again.")


def test_proposal_accepted_becomes_a_project_the_city_leads(focal, secretariat, commission):
    join = services.propose_project(
        by=focal["Bilbao"],
        commission=commission,
        title="Open data for firms",
        axis="economy",
        message="How can open data help local firms?",
    )
    project = services.decide(join, by=secretariat, accept=True)
    assert (project.title, project.lead_city.name, project.status) == (
        "Open data for firms",
        "Bilbao",
        Project.Status.PROPOSED,
    )
    assert _roles(project) == {("Bilbao", "lead", None)}


def test_city_task_answers_and_who_has_not_answered(project, focal, secretariat):
    task = services.add_task(project, by=secretariat, title="Identify your 4-5 sectors")
    services.answer_task(task, by=focal["Bilbao"], text="Energy; design")
    services.answer_task(task, by=focal["Bilbao"], text="Energy; design; logistics")
    (state,) = queries.tasks(project, queries.memberships(project))
    assert [(a.city.name, a.text) for a in state.answers] == [
        ("Bilbao", "Energy; design; logistics")
    ]
    assert [c.name for c in state.missing] == ["Bordeaux", "Poitiers"]
    with pytest.raises(PermissionDenied):  # Pau does not take part
        services.answer_task(task, by=focal["Pau"], text="Aeronautics")
    assert TaskAnswer.objects.count() == 1


def test_city_leaving_flags_its_open_deliverables_and_loses_nothing(
    project, focal, secretariat, cities
):
    services.add_deliverable(
        project,
        by=secretariat,
        title="Case studies",
        due_on=dt.date(2014, 9, 1),
        owner_city=cities["Poitiers"],
    )
    done = services.add_deliverable(
        project,
        by=secretariat,
        title="Survey",
        due_on=dt.date(2014, 1, 1),
        owner_city=cities["Poitiers"],
    )
    services.set_deliverable_status(done, by=secretariat, status=Deliverable.Status.DELIVERED)
    task = services.add_task(project, by=secretariat, title="Sectors")
    services.answer_task(task, by=focal["Poitiers"], text="Health")

    ids = services.leave_project(
        project, cities["Poitiers"], by=focal["Poitiers"], today=dt.date(2014, 2, 1)
    )

    case = Deliverable.objects.get(title="Case studies")
    assert ids == [case.pk]
    assert (case.owner_city, case.needs_owner) == (cities["Poitiers"], True)
    assert Deliverable.objects.get(title="Survey").needs_owner is False
    assert ("Poitiers", "participant", dt.date(2014, 2, 1)) in _roles(project)
    assert TaskAnswer.objects.filter(city=cities["Poitiers"]).count() == 1
    (state,) = queries.tasks(project, queries.memberships(project))
    assert "Poitiers" not in [c.name for c in state.missing]
    event = AuditEvent.objects.get(verb="project.city_left")
    assert event.data["deliverables"] == [case.pk]


def test_city_leaving_hands_its_deliverables_to_another(project, secretariat, cities):
    services.add_deliverable(
        project,
        by=secretariat,
        title="Forum",
        due_on=dt.date(2014, 10, 1),
        owner_city=cities["Poitiers"],
    )
    services.leave_project(
        project, cities["Poitiers"], by=secretariat, reassign_to=cities["Bilbao"]
    )
    forum = Deliverable.objects.get()
    assert (forum.owner_city, forum.needs_owner) == (cities["Bilbao"], False)


def test_deliverables_cannot_go_to_a_city_outside_the_project(project, secretariat, cities):
    with pytest.raises(services.ProjectError):
        services.leave_project(
            project, cities["Poitiers"], by=secretariat, reassign_to=cities["Pau"]
        )
    assert ("Poitiers", "participant", None) in _roles(project)


def test_lead_leaving_leaves_the_project_without_lead(project, focal):
    services.leave_project(project, project.lead_city, by=focal["Bordeaux"])
    project.refresh_from_db()
    assert project.lead_city is None


def test_project_from_a_session_has_its_title_axis_and_voters_cities(secretariat, commission):
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
    room = RoomFactory(meeting=meeting)
    slot = SlotFactory(meeting=meeting)
    bilbao, pau = CityFactory(name="Bilbao"), CityFactory(name="Pau")
    proposer = participant(meeting, city=pau, email="p@example.org")
    voter = participant(meeting, city=bilbao, email="v@example.org")
    topic = TopicFactory(
        meeting=meeting, proposer=proposer, title="E-commerce", axis="living", room=room, slot=slot
    )
    VoteFactory(topic=topic, person=voter)
    project = meeting_services.identify_project(topic, by=secretariat, description="Exchanges")
    assert (project.title, project.axis, project.methodology, project.source_session) == (
        "E-commerce",
        "living",
        "Exchanges",
        topic,
    )
    assert _roles(project) == {("Bilbao", "interested", None)}
    assert list(queries.projects_of_meeting(meeting)) == [project]
