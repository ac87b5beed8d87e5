import pytest
from django.core.management import call_command
from django.utils import timezone

from cityloom.meetings import queries
from cityloom.meetings.demo import load_demo
from cityloom.meetings.models import Meeting, ProjectProposal, Topic
from cityloom.network.demo import load_demo as load_network_demo


@pytest.mark.slow
def test_demo_meetings_tell_the_2013_report_and_load_once(db, client):
    load_network_demo()
    assert load_demo() == ["bordeaux-2013-smart-economy", "smart-governance-2014"]
    assert load_demo() == []
    call_command("load_meetings_demo", verbosity=0)
    assert Meeting.objects.count() == 2

    bordeaux = Meeting.objects.get(slug="bordeaux-2013-smart-economy")
    assert bordeaux.status == Meeting.Status.PUBLISHED
    grid = queries.grid(bordeaux)
    assert len(grid.sessions) == 8
    projects = {
        p.title: sorted(p.cities.values_list("name", flat=True))
        for p in ProjectProposal.objects.filter(meeting=bordeaux)
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

    grid_page = client.get("/fr/meetings/bordeaux-2013-smart-economy/grid/").content.decode()
    assert "Spaces for collaboration between businesses" in grid_page
    report = client.get("/es/meetings/bordeaux-2013-smart-economy/report/").content.decode()
    assert "Proyecto 2: Creating spaces for collaboration between businesses" in report
