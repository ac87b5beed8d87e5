import datetime as dt

import pytest
from django.utils import translation

from tests.factories import CityFactory

from .factories import PARIS, MeetingFactory, RoomFactory, SlotFactory, participant


@pytest.fixture(autouse=True)
def _english():
    """A request in /es/ leaves Spanish active in the thread; messages are asserted in English."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def meeting(commission):
    """Bordeaux, 31 May 2013: two rooms (10 and 4 seats), three hour-long slots."""
    meeting = MeetingFactory(
        commission=commission,
        slug="bordeaux-2013",
        title="Smart economy working meeting",
        title_es="Reunión de trabajo sobre economía inteligente",
        host_city=CityFactory(name="Bordeaux"),
    )
    RoomFactory(meeting=meeting, name="Salle Mably", capacity=10, position=0)
    RoomFactory(meeting=meeting, name="Salon d'honneur", capacity=4, position=1)
    for hour in (9, 10, 11):
        start = dt.datetime(2013, 5, 31, hour, tzinfo=PARIS)
        SlotFactory(meeting=meeting, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    return meeting


@pytest.fixture
def cities(meeting):
    others = {
        name: CityFactory(name=name) for name in ("Bilbao", "Poitiers", "Pau", "Lappeenranta")
    }
    return {"Bordeaux": meeting.host_city, **others}


@pytest.fixture
def people(meeting, cities):
    """One registered participant per city, named after it."""
    return {
        name: participant(
            meeting, city=city, name=f"Person of {name}", email=f"{name.lower()}@example.org"
        )
        for name, city in cities.items()
    }
