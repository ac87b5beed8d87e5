"""The data migration that moves the meetings' project proposals into projects."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CityFactory, CommissionFactory, UserFactory
from tests.meetings.factories import MeetingFactory, TopicFactory

BEFORE = [("projects", "0001_initial")]
AFTER = [("projects", "0002_move_meeting_project_proposals")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_proposals_become_projects_with_nothing_lost():
    commission = CommissionFactory(slug="digital-cities")
    meeting = MeetingFactory(commission=commission, slug="bordeaux-2013")
    author = UserFactory(email="secretariat@example.org")
    topic = TopicFactory(meeting=meeting, proposer=author, title="Joining industries")
    bordeaux, bilbao = CityFactory(name="Bordeaux"), CityFactory(name="Bilbao")
    try:
        old = _migrate(BEFORE)
        Proposal = old.get_model("meetings", "ProjectProposal")
        first = Proposal.objects.create(
            meeting_id=meeting.pk,
            topic_id=topic.pk,
            title="How can cities join traditional industries with new technologies?",
            description="Online exchanges every 4 months",
            axis="economy",
            proposed_by_id=author.pk,
        )
        first.cities.set([bordeaux.pk, bilbao.pk])
        created = dt.datetime(2013, 5, 31, 16, tzinfo=dt.UTC)
        Proposal.objects.filter(pk=first.pk).update(created_at=created, updated_at=created)
        Proposal.objects.create(
            meeting_id=meeting.pk, title="Spaces for businesses", axis="economy"
        )

        new = _migrate(AFTER)
        Project = new.get_model("projects", "Project")
        rows = list(Project.objects.order_by("pk"))
        assert [(p.title, p.methodology, p.axis, p.status) for p in rows] == [
            (
                "How can cities join traditional industries with new technologies?",
                "Online exchanges every 4 months",
                "economy",
                "proposed",
            ),
            ("Spaces for businesses", "", "economy", "proposed"),
        ]
        moved = rows[0]
        assert (moved.commission_id, moved.meeting_id, moved.source_session_id) == (
            commission.pk,
            meeting.pk,
            topic.pk,
        )
        assert (moved.proposed_by_id, moved.created_at) == (author.pk, created)
        places = new.get_model("projects", "ProjectCity").objects.filter(project=moved)
        assert sorted((p.city_id, p.role, p.joined_on) for p in places) == sorted(
            [
                (bordeaux.pk, "interested", dt.date(2013, 5, 31)),
                (bilbao.pk, "interested", dt.date(2013, 5, 31)),
            ]
        )
        assert not new.get_model("meetings", "ProjectProposal").objects.exists()

        # And back: the proposals return as they were.
        old = _migrate(BEFORE)
        back = old.get_model("meetings", "ProjectProposal").objects.order_by("pk")
        assert [(p.title, p.description, p.topic_id) for p in back] == [
            (
                "How can cities join traditional industries with new technologies?",
                "Online exchanges every 4 months",
                topic.pk,
            ),
            ("Spaces for businesses", "", None),
        ]
        assert sorted(back[0].cities.values_list("pk", flat=True)) == sorted(
            [bordeaux.pk, bilbao.pk]
        )
        assert not old.get_model("projects", "Project").objects.exists()
    finally:
        # Every app at its newest migration again (going back unapplied the forum's, which
        # depend on projects), as the rest of the session expects.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
