"""The demo network: the UCLG Commission on Digital Cities and Knowledge as its 2013 report shows it."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from cityloom.accounts import emails

from .models import (
    City,
    Commission,
    CommissionRelation,
    JointActivity,
    Membership,
    MembershipRequest,
    Organisation,
)
from .services import import_geonames_cities

User = get_user_model()
DEMO_PASSWORD = "cityloom-demo"

# (GeoNames id, year the city joined the digital cities commission)
DIGITAL_MEMBERS = [
    (3128026, 2005),  # Bilbao, president city
    (3031582, 2005),  # Bordeaux
    (993800, 2007),  # Johannesburg
    (2986495, 2008),  # Poitiers
    (2988358, 2010),  # Pau
    (648900, 2011),  # Lappeenranta
    (3130564, 2013),  # Alcorcón, joined in 2013
    (3530597, 2013),  # Mexico City, joined in 2013
    (3128760, 2005),
    (2996944, 2006),
    (3435910, 2006),
    (3441575, 2007),
    (3652462, 2009),
    (3674962, 2010),
    (2267057, 2008),
    (2538475, 2009),
    (2253354, 2011),
    (2464470, 2012),
    (745044, 2010),
    (1835848, 2007),
    (184745, 2012),
    (3936456, 2011),
    (3452925, 2006),
    (3470127, 2012),
    (3871336, 2009),
    (6077243, 2008),
    (551487, 2011),
    (250441, 2012),
    (634963, 2010),
    (202061, 2012),
]
PLANNING_MEMBERS = [
    (1007311, 2010),
    (993800, 2010),
    (3369157, 2011),
    (3688689, 2012),
    (3464975, 2011),
    (2800866, 2012),
    (276781, 2012),
    (2460596, 2013),
]
CIB_MEMBERS = [(2973783, 2009), (3104324, 2010), (6167865, 2011), (1668341, 2012)]
PENDING = (4005539, "María López", "maria.lopez@guadalajara.example", "es")  # Guadalajara

BILBAO, BORDEAUX, JOHANNESBURG, DURBAN = 3128026, 3031582, 993800, 1007311


def load_demo() -> dict[str, str]:
    """Create the demo network (idempotent); returns the demo accounts as e-mail → role."""
    wanted = {gid for gid, _ in DIGITAL_MEMBERS + PLANNING_MEMBERS + CIB_MEMBERS} | {PENDING[0]}
    if City.objects.filter(geonames_id__in=wanted).count() < len(wanted):
        import_geonames_cities(geonames_ids=wanted)
    cities = {c.geonames_id: c for c in City.objects.filter(geonames_id__in=wanted)}
    with transaction.atomic():
        uclg, _ = Organisation.objects.update_or_create(
            acronym="UCLG",
            defaults={
                "name": "United Cities and Local Governments",
                "name_fr": "Cités et Gouvernements Locaux Unis",
                "name_es": "Ciudades y Gobiernos Locales Unidos",
                "website": "https://www.uclg.org/",
            },
        )
        digital = _commission(
            uclg,
            "digital-cities",
            Commission.Kind.COMMISSION,
            2005,
            cities[BILBAO],
            "Commission on Digital Cities and Knowledge",
            "Commission des Villes Numériques et de la Connaissance",
            "Comisión de Ciudades Digitales y del Conocimiento",
            "Since the Bilbao summit of 2005, member cities develop the information society, "
            "innovation and knowledge management on six axes: economy, mobility, environment, "
            "people, quality of life and governance.",
            "Depuis le sommet de Bilbao de 2005, les villes membres développent la société de "
            "l'information, l'innovation et la gestion des connaissances sur six axes : économie, "
            "mobilité, environnement, citoyenneté, qualité de vie et gestion.",
            "Desde la cumbre de Bilbao de 2005, las ciudades miembro desarrollan la sociedad de la "
            "información, la innovación y la gestión del conocimiento en seis ejes: economía, "
            "movilidad, medio ambiente, ciudadanía, calidad de vida y gobernanza.",
            "digitalcities@bilbao.example",
            president_name="Iñaki Azkuna, Mayor of Bilbao",
        )
        planning = _commission(
            uclg,
            "urban-strategic-planning",
            Commission.Kind.COMMISSION,
            2005,
            cities[DURBAN],
            "Commission on Urban Strategic Planning",
            "Commission de Planification Urbaine Stratégique",
            "Comisión de Planificación Estratégica Urbana",
            "Peer learning between cities on strategic urban planning, including its Cities "
            "mentoring programme.",
            "Apprentissage entre pairs sur la planification urbaine stratégique, dont le programme "
            "« Cities mentoring ».",
            "Aprendizaje entre pares sobre planificación urbana estratégica, incluido su programa "
            "« Cities mentoring ».",
            "planning@uclg.example",
        )
        cib = _commission(
            uclg,
            "capacity-building",
            Commission.Kind.WORKING_GROUP,
            2007,
            None,
            "Working Group on Capacity and Institution Building",
            "Groupe de travail sur le renforcement des capacités et des institutions",
            "Grupo de trabajo sobre desarrollo de capacidades e instituciones",
            "",
            "",
            "",
            "cib@uclg.example",
        )
        for commission, members in (
            (digital, DIGITAL_MEMBERS),
            (planning, PLANNING_MEMBERS),
            (cib, CIB_MEMBERS),
        ):
            for gid, year in members:
                Membership.objects.update_or_create(
                    city=cities[gid],
                    commission=commission,
                    defaults={
                        "status": Membership.Status.ACTIVE,
                        "joined_on": dt.date(year, 1, 15),
                    },
                )
        CommissionRelation.objects.get_or_create(
            commission=digital,
            related=planning,
            defaults={"description": "Peer learning and city-to-city mentoring."},
        )
        CommissionRelation.objects.get_or_create(
            commission=planning,
            related=digital,
            defaults={"description": "Smart cities and mentoring between cities."},
        )
        rabat, _ = JointActivity.objects.update_or_create(
            title="Joint peer-learning meeting on learning between cities",
            defaults={
                "title_fr": "Réunion conjointe d'apprentissage entre pairs",
                "title_es": "Reunión conjunta de aprendizaje entre pares",
                "city": cities[2538475],
                "starts_on": dt.date(2013, 10, 2),
                "description": "Held during the IV UCLG World Congress in Rabat to share ideas, "
                "approaches and methodologies of city-to-city learning.",
            },
        )
        rabat.commissions.set([digital, planning])

        accounts = {}
        secretariat = _person(
            "secretariat@cityloom.demo",
            "Ane Etxeberria",
            None,
            "member",
            position="Commission secretariat",
            language="en",
            staff=True,
        )
        digital.secretariat.add(secretariat)
        secretariat.groups.add(secretariat_group())
        accounts[secretariat.email] = "secretariat (digital cities)"
        for email, name, gid, language, position in (
            ("focal.bilbao@cityloom.demo", "Jon Urrutia", BILBAO, "es", "Bilbao City Council"),
            ("focal.bordeaux@cityloom.demo", "Claire Martin", BORDEAUX, "fr", "Mairie de Bordeaux"),
            (
                "focal.johannesburg@cityloom.demo",
                "Thabo Nkosi",
                JOHANNESBURG,
                "en",
                "City of Johannesburg",
            ),
        ):
            person = _person(
                email, name, cities[gid], "focal_point", position=position, language=language
            )
            accounts[person.email] = f"focal point of {cities[gid].name}"
        member = _person(
            "member.bordeaux@cityloom.demo",
            "Luc Bernard",
            cities[BORDEAUX],
            "member",
            position="Digital economy office",
            language="fr",
        )
        accounts[member.email] = "member of Bordeaux's team"

        gid, name, email, language = PENDING
        MembershipRequest.objects.get_or_create(
            city=cities[gid],
            commission=digital,
            status=MembershipRequest.Status.PENDING,
            defaults={
                "contact_name": name,
                "email": email,
                "language": language,
                "contact_position": "Dirección de Innovación",
                "motivation": "Guadalajara quiere compartir su experiencia de ciudad creativa digital "
                "y aprender de los miembros sobre gobierno abierto.",
            },
        )
    return accounts


def secretariat_group():
    """Back-office rights of the secretariat in the admin; object rules still apply on top."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name="Secretariat")
    # The domains' records (each admin then keeps the secretariat to its commissions), the
    # audit trail to read, and no "auth" right at all: groups and permissions are given by
    # superusers only. People join by invitation; adding or deleting accounts is the
    # superusers' too.
    group.permissions.set(
        Permission.objects.filter(
            Q(
                content_type__app_label__in=[
                    "network",
                    "accounts",
                    "practices",
                    "observatory",
                    "study",
                    "meetings",
                    "mentoring",
                ]
            )
            | Q(content_type__app_label="core", codename="view_auditevent")
        ).exclude(codename__in=["add_user", "delete_user"])
    )
    return group


def _commission(
    org,
    slug,
    kind,
    year,
    president,
    name,
    name_fr,
    name_es,
    desc,
    desc_fr,
    desc_es,
    email,
    president_name="",
):
    commission, _ = Commission.objects.update_or_create(
        slug=slug,
        defaults={
            "organisation": org,
            "kind": kind,
            "founded_year": year,
            "president_city": president,
            "president_name": president_name,
            "name": name,
            "name_fr": name_fr,
            "name_es": name_es,
            "description": desc,
            "description_fr": desc_fr,
            "description_es": desc_es,
            "secretariat_email": email,
        },
    )
    return commission


def _person(email, name, city, role, *, position, language, staff=False):
    person, created = User.objects.get_or_create(email=email)
    person.name, person.city, person.role = name, city, role
    person.position, person.language, person.is_staff = position, language, staff
    if created:
        person.set_password(DEMO_PASSWORD)
    person.save()
    # E-mail verification is mandatory: the demo's made-up addresses count as proved.
    emails.mark_verified(person)
    return person
