import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cityloom.core.demo import DemoDataError, demo_files, load_demo
from cityloom.mentoring.models import Health, MentoringRequest, Programme, Stage


def test_demo_mentoring_needs_the_network_and_says_so(db):
    with pytest.raises(
        DemoDataError,
        match=r"mentoring\.yaml: record 1 \(mentoring\.MentorCapacity\) row 1: unknown network\.City 3128026",
    ):
        load_demo(files=demo_files(["mentoring"]))


def test_demo_mentoring_tells_the_2013_report_and_loads_once(db, client):
    load_demo(files=demo_files(["network", "mentoring"]))
    again = load_demo(files=demo_files(["mentoring"]))
    assert (again.created, again.updated, again.changes) == (0, 0, [])
    call_command("load_demo", "--app", "mentoring", verbosity=0)
    assert Programme.objects.count() == 2

    bordeaux = Programme.objects.get(mentee__name="Bordeaux")
    assert bordeaux.mentor.name == "Bilbao"
    assert bordeaux.started_on.year == 2012
    assert (bordeaux.stage, bordeaux.status) == (Stage.ACTION_PLAN, Health.ON_TRACK)
    done = bordeaux.milestones.filter(done_on__isnull=False)
    assert done.count() == 3
    assert max(m.done_on for m in done) < dt.date(2014, 1, 1)
    assert sorted(r.created_at.year for r in bordeaux.reports.all()) == [2012, 2013, 2013]

    johannesburg = Programme.objects.get(mentee__name="Johannesburg")
    assert johannesburg.started_on == dt.date(2013, 11, 18)
    assert (johannesburg.stage, johannesburg.milestones.filter(done_on__isnull=False).count()) == (
        Stage.NEEDS,
        0,
    )
    # The present-day layer: two requests opened days ago, whatever today is.
    open_requests = MentoringRequest.objects.open()
    assert open_requests.count() == 2
    assert all((timezone.now() - r.created_at).days < 30 for r in open_requests)

    html = client.get(reverse("mentoring:programme-list")).content.decode()
    assert "Bordeaux" in html
    assert "Johannesburg" in html
