"""The projects of the Bordeaux meeting, as the demo data file tells them."""

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from cityloom.core.demo import demo_files, load_demo
from cityloom.projects import queries
from cityloom.projects.models import Occurrence, Project

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
JOINING = "How can cities join traditional industries with those linked to new technologies?"
SPACES = "Creating spaces for collaboration between businesses"


@pytest.mark.slow
def test_demo_projects_of_the_2013_report(db):
    load_demo(files=demo_files(["network", "meetings", "projects"]))
    again = load_demo(files=demo_files(["projects"]))
    assert (again.created, again.updated, again.steps, again.changes) == (0, 0, 0, [])
    call_command("load_projects_demo", verbosity=0)
    assert sorted(Project.objects.values_list("title", flat=True)) == [SPACES, JOINING]
    # The 2013 exchanges and workshops, and the present day's exchange three times.
    assert Occurrence.objects.count() == 5 + 4 + 3

    joining = Project.objects.get(title=JOINING)
    assert (
        joining.source_session.title
        == "Joining traditional industries with new-technology industries"
    )
    assert {(m.city.name, m.role) for m in joining.memberships.all()} == {
        ("Bordeaux", "lead"),
        ("Poitiers", "participant"),
        ("Bilbao", "participant"),
    }
    exchanges = Occurrence.objects.filter(
        activity__project=joining, activity__title="Online exchange on the tools developed"
    ).order_by("starts_at")
    assert [o.starts_at.astimezone(PARIS).date() for o in exchanges] == [
        dt.date(2013, 9, 16),
        dt.date(2014, 1, 16),
        dt.date(2014, 5, 16),
        dt.date(2014, 9, 16),
        dt.date(2015, 1, 16),
    ]
    (compendium,) = joining.deliverables.all()
    assert (compendium.due_months, compendium.due_on) == (18, dt.date(2014, 11, 30))
    (forum,) = joining.milestones.all()
    assert forum.on == dt.date(2014, 10, 15)

    spaces = Project.objects.get(title=SPACES)
    (state,) = queries.tasks(spaces, queries.memberships(spaces))
    assert sorted(a.city.name for a in state.answers) == [
        "Bilbao",
        "Bordeaux",
        "Lappeenranta",
        "Pau",
    ]
    assert state.missing == []
    assert {a.answered_at.year for a in state.answers} == {2013}

    # The present-day layer: an exchange still to come, a task with cities still to answer.
    today = timezone.localdate()
    upcoming = Occurrence.objects.filter(activity__project=joining, starts_at__gt=timezone.now())
    assert upcoming.count() == 3
    assert upcoming.order_by("starts_at").first().starts_at.date() == today + dt.timedelta(days=14)
    (state,) = queries.tasks(joining, queries.memberships(joining))
    assert state.task.due_on > today
    assert [a.city.name for a in state.answers] == ["Bordeaux"]
    assert [c.name for c in state.missing] == ["Bilbao", "Poitiers"]
    assert compendium.status == "delivered"  # nothing overdue since 2014

    with translation.override("fr"):
        assert spaces.display_title == "Créer des espaces de collaboration entre entreprises"
    with translation.override("es"):
        assert spaces.display_title == "Crear espacios de colaboración entre empresas"
