from django.core.management import call_command
from django.urls import reverse

from cityloom.mentoring.demo import load_demo
from cityloom.mentoring.models import Health, MentoringRequest, Programme, Stage
from cityloom.network.demo import load_demo as load_network_demo


def test_demo_mentoring_tells_the_2013_report_and_loads_once(db, client):
    assert load_demo() == []  # no network yet: nothing, and no error
    load_network_demo()
    assert load_demo() == ["Bilbao → Bordeaux", "Bilbao → Johannesburg"]
    assert load_demo() == []
    call_command("load_mentoring_demo", verbosity=0)
    bordeaux = Programme.objects.get(mentee__name="Bordeaux")
    assert (bordeaux.stage, bordeaux.status) == (Stage.ACTION_PLAN, Health.ON_TRACK)
    assert bordeaux.milestones.filter(done_on__isnull=False).count() == 3
    assert bordeaux.reports.count() == 3
    johannesburg = Programme.objects.get(mentee__name="Johannesburg")
    assert (johannesburg.stage, johannesburg.milestones.filter(done_on__isnull=False).count()) == (
        Stage.NEEDS,
        0,
    )
    assert MentoringRequest.objects.open().count() == 2
    html = client.get(reverse("mentoring:programme-list")).content.decode()
    assert "Bordeaux" in html
    assert "Johannesburg" in html
