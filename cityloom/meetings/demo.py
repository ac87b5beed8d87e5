"""Demo meetings: Bordeaux, May 2013 (smart economy, grid built and published, two projects
identified, as the 2013 report tells it) and the 2014 smart governance meeting, open for proposals.

Assumes `cityloom.network.demo.load_demo()` ran: the commission, cities and accounts exist.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from cityloom.accounts import emails
from cityloom.network.demo import DEMO_PASSWORD
from cityloom.network.models import City, Commission

from . import services
from .models import Meeting, NoteVersion, Registration, Room, Slot, Topic, Vote

User = get_user_model()

BILBAO, BORDEAUX, JOHANNESBURG, POITIERS = 3128026, 3031582, 993800, 2986495
PAU, LAPPEENRANTA, ALCORCON, MEXICO = 2988358, 648900, 3130564, 3530597
PARIS, MADRID = zoneinfo.ZoneInfo("Europe/Paris"), zoneinfo.ZoneInfo("Europe/Madrid")

# Demo participants beyond the network's accounts: (e-mail, name, city, language, position)
PEOPLE = [
    ("participant.bilbao@cityloom.demo", "Miren Etxeberria", BILBAO, "es", "Bilbao Ekintza"),
    ("participant.poitiers@cityloom.demo", "Sophie Giraud", POITIERS, "fr", "Grand Poitiers"),
    ("participant.pau@cityloom.demo", "Pierre Lacoste", PAU, "fr", "Pau Pyrénées"),
    (
        "participant.lappeenranta@cityloom.demo",
        "Aino Virtanen",
        LAPPEENRANTA,
        "en",
        "City of Lappeenranta",
    ),
    (
        "participant.alcorcon@cityloom.demo",
        "Lucía Martín",
        ALCORCON,
        "es",
        "Ayuntamiento de Alcorcón",
    ),
]

# Bordeaux's topics (title, proposer, voters by e-mail prefix): the votes make the two
# projects of the report come out of the sessions with the cities the report lists.
BORDEAUX_TOPICS = [
    (
        "Joining traditional industries with new-technology industries",
        "focal.bordeaux",
        ["focal.bordeaux", "member.bordeaux", "participant.poitiers", "focal.bilbao"],
    ),
    (
        "E-marketing and e-commerce to reach new markets",
        "member.bordeaux",
        ["member.bordeaux", "participant.poitiers", "participant.alcorcon", "focal.johannesburg"],
    ),
    (
        "Data mining for a better understanding of the market",
        "participant.poitiers",
        ["participant.poitiers", "focal.bilbao", "participant.lappeenranta"],
    ),
    (
        "New productivity tools: 3D and the cloud",
        "participant.lappeenranta",
        ["participant.lappeenranta", "participant.pau", "member.bordeaux"],
    ),
    (
        "Spaces for collaboration between businesses",
        "focal.bilbao",
        [
            "focal.bilbao",
            "participant.bilbao",
            "focal.bordeaux",
            "participant.pau",
            "participant.lappeenranta",
        ],
    ),
    (
        "Attracting and retaining talent",
        "participant.bilbao",
        ["participant.bilbao", "participant.alcorcon", "focal.johannesburg", "participant.pau"],
    ),
    (
        "Green technologies as an emerging sector",
        "participant.pau",
        ["participant.pau", "focal.johannesburg"],
    ),
    (
        "Support for entrepreneurship",
        "focal.johannesburg",
        ["focal.johannesburg", "participant.alcorcon", "focal.bordeaux"],
    ),
]

PROJECTS = {
    "Joining traditional industries with new-technology industries": (
        "How can cities join traditional industries with those linked to new technologies?",
        "Online exchanges every 4 months on the tools developed; an invitation to an "
        "international forum in autumn 2014 showing how a traditional firm grew with new "
        "technologies; an online compendium of good practices within 18 months.",
    ),
    "Spaces for collaboration between businesses": (
        "Creating spaces for collaboration between businesses",
        "Business meetings; knowledge exchange between firms through the 4-5 sectors of "
        "excellence of each city; online mentoring workshops on entrepreneurship.",
    ),
}

NOTES = {
    "Joining traditional industries with new-technology industries": (
        "# Bordeaux's meetings between sectors\n\n"
        "Three strategic lines with growth potential and lower costs for firms of every sector:\n\n"
        "- **E-marketing and e-commerce** to reach new markets\n"
        "- **Data mining** for a better understanding of the market\n"
        "- **New productivity tools**: 3D and the cloud\n\n"
        "Many cities work on these themes with their chambers of commerce."
    ),
    "Spaces for collaboration between businesses": (
        "# Spaces for businesses of different cities\n\n"
        "- Business meetings between cities\n"
        "- Identify 4-5 sectors of excellence in each city\n"
        "- Online mentoring workshops on entrepreneurship"
    ),
}


def _person(email, name, city, language, position) -> "User":
    person, created = User.objects.get_or_create(email=email)
    person.name, person.city, person.language, person.position = name, city, language, position
    if created:
        person.set_password(DEMO_PASSWORD)
    person.save()
    emails.mark_verified(person)  # e-mail verification is mandatory to log in
    return person


def _slots(meeting, day: dt.date, times, tz) -> None:
    for start, end in times:
        Slot.objects.create(
            meeting=meeting,
            starts_at=dt.datetime.combine(day, dt.time.fromisoformat(start), tz),
            ends_at=dt.datetime.combine(day, dt.time.fromisoformat(end), tz),
        )


def _rooms(meeting, rooms) -> None:
    for position, (name, capacity, interpretation) in enumerate(rooms):
        Room.objects.create(
            meeting=meeting,
            name=name,
            capacity=capacity,
            interpretation=interpretation,
            position=position,
        )


def load_demo() -> list[str]:
    """Create the demo meetings (idempotent); returns the slugs of the meetings created."""
    commission = Commission.objects.get(slug="digital-cities")
    secretariat = commission.secretariat.order_by("pk").first()
    cities = {
        c.geonames_id: c
        for c in City.objects.filter(
            geonames_id__in=[
                BILBAO,
                BORDEAUX,
                JOHANNESBURG,
                POITIERS,
                PAU,
                LAPPEENRANTA,
                ALCORCON,
                MEXICO,
            ]
        )
    }
    created = []
    with transaction.atomic():
        _secretariat_rights()
        for email, name, gid, language, position in PEOPLE:
            _person(email, name, cities[gid], language, position)
        people = {
            u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@cityloom.demo")
        }
        if not Meeting.objects.filter(slug="bordeaux-2013-smart-economy").exists():
            _bordeaux(commission, secretariat, cities, people)
            created.append("bordeaux-2013-smart-economy")
        if not Meeting.objects.filter(slug="smart-governance-2014").exists():
            _governance(commission, cities, people)
            created.append("smart-governance-2014")
    return created


def _secretariat_rights() -> None:
    group = Group.objects.filter(name="Secretariat").first()
    if group is not None:  # the network demo made it; the meetings back office joins it
        group.permissions.add(*Permission.objects.filter(content_type__app_label="meetings"))


def _bordeaux(commission, secretariat, cities, people) -> Meeting:
    meeting = Meeting.objects.create(
        commission=commission,
        slug="bordeaux-2013-smart-economy",
        title="Smart economy working meeting",
        title_fr="Réunion de travail sur l'économie intelligente",
        title_es="Reunión de trabajo sobre economía inteligente",
        axis="economy",
        description="The first thematic working meeting of the commission, run as a Mini "
        "BarCamp: new trends in creating, attracting and retaining talent, emerging sectors, "
        "spaces for business and creativity, and support for entrepreneurship.",
        host_city=cities[BORDEAUX],
        starts_on=dt.date(2013, 5, 31),
        ends_on=dt.date(2013, 5, 31),
        time_zone="Europe/Paris",
        venue="Hôtel de Ville de Bordeaux",
        languages="en,fr,es",
        registration_opens_at=dt.datetime(2013, 4, 2, 9, tzinfo=PARIS),
        registration_closes_at=dt.datetime(2013, 5, 29, 18, tzinfo=PARIS),
        capacity=40,
        status=Meeting.Status.OPEN,
    )
    _rooms(
        meeting,
        [
            ("Salle Mably", 20, "French ↔ English"),
            ("Salon d'honneur", 12, "French ↔ Spanish"),
            ("Salle des commissions", 8, ""),
        ],
    )
    _slots(
        meeting,
        meeting.starts_on,
        [("10:00", "11:00"), ("11:30", "12:30"), ("14:30", "15:30")],
        PARIS,
    )
    # Registrations and votes as they stood when registration closed.
    participants = {p for _t, proposer, voters in BORDEAUX_TOPICS for p in [proposer, *voters]}
    for key in sorted(participants):
        Registration.objects.create(
            meeting=meeting, person=people[key], status=Registration.Status.REGISTERED
        )
    topics = {}
    for title, proposer, voters in BORDEAUX_TOPICS:
        topic = Topic.objects.create(
            meeting=meeting,
            proposer=people[proposer],
            title=title,
            axis="economy",
            language="fr" if people[proposer].language == "fr" else "en",
        )
        Vote.objects.bulk_create(Vote(topic=topic, person=people[v]) for v in voters)
        topics[title] = topic
    services.optimise_grid(meeting, by=secretariat)
    services.publish_grid(meeting, by=secretariat, notify=False)
    for title, text in NOTES.items():
        NoteVersion.objects.create(
            topic=topics[title], number=1, text=text, author=topics[title].proposer
        )
    for title, (project_title, description) in PROJECTS.items():
        topic = topics[title]
        services.record_outcome(topic, by=secretariat, experiences=description)
        services.identify_project(
            topic, by=secretariat, title=project_title, description=description
        )
    return meeting


def _governance(commission, cities, people) -> Meeting:
    # Registration stays open in the demo whatever today's date, so visitors can try it.
    closes = max(
        dt.datetime(2014, 5, 30, 18, tzinfo=MADRID), timezone.now() + dt.timedelta(days=365)
    )
    meeting = Meeting.objects.create(
        commission=commission,
        slug="smart-governance-2014",
        title="Smart governance working meeting",
        title_fr="Réunion de travail sur la gouvernance intelligente",
        title_es="Reunión de trabajo sobre gobernanza inteligente",
        axis="governance",
        description="Political and active participation, services to citizens and the smart "
        "running of the administration: online public services and new technologies to "
        "involve citizens in public decisions.",
        host_city=cities[BILBAO],
        starts_on=dt.date(2014, 6, 12),
        ends_on=dt.date(2014, 6, 12),
        time_zone="Europe/Madrid",
        venue="Bizkaia Aretoa, Bilbao",
        online_url="https://meet.example.org/smart-governance-2014",
        languages="en,fr,es",
        registration_opens_at=dt.datetime(2014, 1, 15, 9, tzinfo=MADRID),
        registration_closes_at=closes,
        capacity=45,
        status=Meeting.Status.OPEN,
    )
    _rooms(
        meeting,
        [
            ("Auditorio", 30, "Spanish ↔ English"),
            ("Sala Arriaga", 15, "Spanish ↔ French"),
            ("Sala Ibaizabal", 10, ""),
        ],
    )
    _slots(
        meeting,
        meeting.starts_on,
        [("10:00", "11:00"), ("11:30", "12:30"), ("14:30", "15:30"), ("16:00", "17:00")],
        MADRID,
    )
    for key in ("focal.bilbao", "participant.bilbao", "focal.bordeaux", "participant.alcorcon"):
        Registration.objects.create(
            meeting=meeting, person=people[key], status=Registration.Status.REGISTERED
        )
    proposals = [
        (
            "Online public services that citizens actually use",
            "focal.bilbao",
            ["focal.bilbao", "participant.alcorcon"],
        ),
        (
            "Citizens in budget decisions: e-participation",
            "participant.alcorcon",
            ["participant.alcorcon", "focal.bordeaux", "participant.bilbao"],
        ),
        ("Open data portals for accountability", "focal.bordeaux", ["focal.bordeaux"]),
    ]
    for title, proposer, voters in proposals:
        topic = Topic.objects.create(
            meeting=meeting,
            proposer=people[proposer],
            title=title,
            axis="governance",
            language="es" if people[proposer].language == "es" else "fr",
        )
        Vote.objects.bulk_create(Vote(topic=topic, person=people[v]) for v in voters)
    return meeting
