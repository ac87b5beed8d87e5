import zoneinfo

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse

from cityloom.communications.models import Circular, Event, NewsPost, Page
from cityloom.core.demo import demo_files, load_demo


@pytest.mark.slow
def test_demo_has_the_three_circulars_of_2013_news_pages_and_the_two_events(db, client):
    load_demo(files=demo_files(["network"]))
    call_command("load_communications_demo", verbosity=0)
    call_command("load_communications_demo", verbosity=0)  # loading twice changes nothing
    circulars = Circular.objects.order_by("number")
    assert [(c.number, c.year, c.status) for c in circulars] == [
        (1, 2013, "sent"),
        (2, 2013, "sent"),
        (3, 2013, "sent"),
    ]
    assert all(c.subject and c.subject_fr and c.subject_es for c in circulars)
    assert NewsPost.objects.filter(published_at__year=2013).count() == 3
    assert set(Page.objects.values_list("slug", flat=True)) == {"about", "documents"}
    summit = Event.objects.get(slug="world-cities-summit-mayors-forum-2013")
    madrid = zoneinfo.ZoneInfo("Europe/Madrid")
    assert summit.local_starts_at.date().isoformat() == "2013-06-13"
    assert summit.local_ends_at.date().isoformat() == "2013-06-15"
    assert summit.tzinfo == madrid
    assert Event.objects.get(slug="bordeaux-digital-week-2013").starts_at.month == 3
    ics = client.get(reverse("communications:event-ics", args=[summit.slug]))
    [event] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Madrid"
    archive = client.get("/es/circulars/").content.decode()
    assert "Difusión del Estudio sobre ciudades inteligentes" in archive
