import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cityloom.core.demo import demo_files, load_demo
from cityloom.meetings import queries
from cityloom.meetings.models import Meeting, Topic, Vote
from cityloom.projects.models import Project


@pytest.mark.slow
def test_demo_meetings_tell_the_2013_report_and_load_once(db, client):
    # The projects' file completes the two projects the meetings' steps identify.
    loaded = load_demo(files=demo_files(["network", "meetings", "projects"]))
    # The grid built and published; two projects identified and two outcomes recorded.
    assert loaded.created
    assert loaded.steps >= 2 + 4
    again = load_demo(files=demo_files(["meetings"]))
    assert (again.created, again.updated, again.steps, again.changes) == (0, 0, 0, [])
    call_command("load_demo", "--app", "meetings", verbosity=0)
    assert Meeting.objects.count() == 2

    bordeaux = Meeting.objects.get(slug="bordeaux-2013-smart-economy")
    assert bordeaux.status == Meeting.Status.PUBLISHED
    # Its history as it happened: the day of the meeting, the votes before it.
    assert bordeaux.starts_on == dt.date(2013, 5, 31)
    assert {v.created_at.date() for v in Vote.objects.filter(topic__meeting=bordeaux)} == {
        dt.date(2013, 5, 20)
    }
    assert {p.created_at.year for p in Project.objects.filter(meeting=bordeaux)} == {2013}
    grid = queries.grid(bordeaux)
    assert len(grid.sessions) == 8
    projects = {
        p.title: sorted(p.cities.values_list("name", flat=True))
        for p in Project.objects.filter(meeting=bordeaux)
    }
    assert projects == {
        "How can cities join traditional industries with those linked to new technologies?": [
            "Bilbao",
            "Bordeaux",
            "Poitiers",
        ],
        "Creating spaces for collaboration between businesses": [
            "Bilbao",
            "Bordeaux",
            "Lappeenranta",
            "Pau",
        ],
    }

    governance = Meeting.objects.get(slug="smart-governance-2014")
    assert governance.axis == "governance"
    assert governance.is_registration_open(timezone.now())
    assert not governance.are_votes_locked
    assert Topic.objects.filter(meeting=governance, room__isnull=True).count() == 3
    # Proposals written in their proposers' languages.
    assert sorted(Topic.objects.filter(meeting=governance).values_list("language", flat=True)) == [
        "en",
        "es",
        "fr",
    ]

    grid_page = client.get("/fr/meetings/bordeaux-2013-smart-economy/grid/").content.decode()
    assert "Spaces for collaboration between businesses" in grid_page
    report = client.get("/es/meetings/bordeaux-2013-smart-economy/report/").content.decode()
    # The projects' titles in the reader's language (the projects' demo translates them).
    assert "Proyecto 2: Crear espacios de colaboración entre empresas" in report
