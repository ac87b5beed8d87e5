"""The projects identified in BarCamp sessions move from meetings.ProjectProposal to Project.

Every proposal becomes a proposed project of its meeting's commission, linked to its meeting
and session, its description as methodology, its cities interested, its author and dates kept.
The proposal rows are then deleted (the meetings code no longer reads them); going back
recreates them from the projects that came from a meeting.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Proposal = apps.get_model("meetings", "ProjectProposal")
    Project = apps.get_model("projects", "Project")
    ProjectCity = apps.get_model("projects", "ProjectCity")
    for proposal in Proposal.objects.select_related("meeting").prefetch_related("cities").order_by("pk"):
        project = Project.objects.create(
            commission_id=proposal.meeting.commission_id,
            title=proposal.title,
            methodology=proposal.description,
            axis=proposal.axis,
            status="proposed",
            meeting_id=proposal.meeting_id,
            source_session_id=proposal.topic_id,
            proposed_by_id=proposal.proposed_by_id,
        )
        # auto_now/auto_now_add would stamp today: the proposal's dates are the project's.
        Project.objects.filter(pk=project.pk).update(
            created_at=proposal.created_at, updated_at=proposal.updated_at
        )
        ProjectCity.objects.bulk_create(
            ProjectCity(
                project=project,
                city=city,
                role="interested",
                joined_on=proposal.created_at.date(),
            )
            for city in proposal.cities.all()
        )
    Proposal.objects.all().delete()


def backward(apps, schema_editor):
    Proposal = apps.get_model("meetings", "ProjectProposal")
    Project = apps.get_model("projects", "Project")
    for project in Project.objects.filter(meeting__isnull=False).prefetch_related("cities").order_by("pk"):
        proposal = Proposal.objects.create(
            meeting_id=project.meeting_id,
            topic_id=project.source_session_id,
            title=project.title,
            description=project.methodology,
            axis=project.axis,
            proposed_by_id=project.proposed_by_id,
        )
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=project.created_at, updated_at=project.updated_at
        )
        proposal.cities.set(project.cities.all())
        project.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
