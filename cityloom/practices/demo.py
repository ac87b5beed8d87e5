"""Demo practices of the demo cities (needs `cityloom.network.demo.load_demo()` first)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cityloom.core.axes import Axis
from cityloom.core.tags import tags_named
from cityloom.network.models import City, Commission

from . import search
from .models import (
    Compendium,
    CompendiumEntry,
    CostRange,
    Practice,
    PracticeSdg,
    PracticeTranslation,
    Transfer,
)

User = get_user_model()
BILBAO, BORDEAUX, JOHANNESBURG, POITIERS, PAU = 3128026, 3031582, 993800, 2986495, 2988358
LAPPEENRANTA, ALCORCON, MEXICO = 648900, 3130564, 3530597

# (city, axis, language, title, summary, problem, solution, results, figures, cost, sdgs, tags, year)
PRACTICES = [
    (
        BORDEAUX, Axis.ECONOMY, "fr",
        "Rencontres entre industries traditionnelles et entreprises du numérique",
        "Des rencontres régulières où les PME traditionnelles découvrent le e-marketing, le "
        "commerce électronique, l'exploration de données, la 3D et les outils de productivité "
        "dans le nuage, présentés par des entreprises numériques de la métropole.",
        "Les entreprises traditionnelles de la région (viticulture, bois, aéronautique de "
        "sous-traitance) adoptaient lentement les outils numériques et perdaient des marchés.",
        "La ville organise chaque trimestre des rencontres thématiques : une entreprise numérique "
        "présente un cas concret, puis des ateliers en petits groupes mettent les participants "
        "en situation (boutique en ligne, analyse de données clients, prototypage 3D).",
        "Plus de 240 entreprises formées en trois ans ; un tiers a lancé un projet numérique "
        "dans l'année.",
        [{"label": "Entreprises participantes", "value": 240, "unit": ""},
         {"label": "Projets numériques lancés", "value": 81, "unit": ""}],
        CostRange.UNDER_100K, [8, 9], ["e-commerce", "data mining", "3D", "cloud"], 2010,
    ),
    (
        BILBAO, Axis.GOVERNANCE, "es",
        "Participación electrónica de la ciudadanía en los presupuestos",
        "Una plataforma en línea permite a los vecinos proponer y votar inversiones de barrio.",
        "La participación en las asambleas presenciales era baja y poco representativa.",
        "El ayuntamiento abrió una plataforma de participación electrónica con votación segura "
        "y puntos de acceso asistido en las bibliotecas municipales.",
        "La participación se multiplicó por cinco en dos ediciones.",
        [{"label": "Votantes", "value": 18500, "unit": ""}],
        CostRange.UNDER_1M, [16, 11], ["e-participation", "open government"], 2011,
    ),
    (
        JOHANNESBURG, Axis.PEOPLE, "en",
        "Digital skills hubs in public libraries",
        "Free digital literacy courses for job seekers in twelve public libraries.",
        "Many residents lacked the basic digital skills required to apply for jobs online.",
        "Libraries became digital skills hubs with trained volunteers and refurbished computers.",
        "9,000 residents trained; 1,200 found work within six months.",
        [{"label": "Residents trained", "value": 9000, "unit": ""},
         {"label": "Found work", "value": 1200, "unit": ""}],
        CostRange.UNDER_1M, [4, 8], ["digital inclusion", "libraries"], 2012,
    ),
    (
        POITIERS, Axis.PEOPLE, "fr",
        "Espaces publics numériques de quartier",
        "Un réseau d'espaces publics numériques accompagne les habitants dans leurs démarches.",
        "La dématérialisation des services publics excluait les habitants éloignés du numérique.",
        "Des médiateurs numériques accueillent les habitants dans les maisons de quartier.",
        "4 500 accompagnements par an.",
        [{"label": "Accompagnements par an", "value": 4500, "unit": ""}],
        CostRange.UNDER_100K, [10], ["digital inclusion"], 2009,
    ),
    (
        PAU, Axis.MOBILITY, "fr",
        "Information voyageurs en temps réel",
        "Les horaires des bus en temps réel sur mobile, sur le web et aux arrêts.",
        "Les usagers renonçaient au bus faute de connaître les temps d'attente.",
        "Les bus ont été équipés de localisation ; les données sont publiées en données ouvertes.",
        "Fréquentation du réseau en hausse de 12 %.",
        [{"label": "Hausse de fréquentation", "value": 12, "unit": "%"}],
        CostRange.UNDER_1M, [11], ["open data", "public transport"], 2011,
    ),
    (
        LAPPEENRANTA, Axis.ENVIRONMENT, "en",
        "Smart street lighting",
        "LED street lights dimmed by presence sensors, managed over a city network.",
        "Street lighting was the largest item of the city's electricity bill.",
        "The city replaced 6,000 lamps and connected them to a remote management system.",
        "Electricity used for lighting down by 58 %.",
        [{"label": "Electricity saved", "value": 58, "unit": "%"}],
        CostRange.OVER_1M, [7, 13], ["energy", "sensors"], 2012,
    ),
    (
        ALCORCON, Axis.GOVERNANCE, "es",
        "Sede electrónica y trámites en línea",
        "Todos los trámites municipales disponibles en línea con firma electrónica.",
        "Los vecinos tenían que acudir en persona para cualquier gestión.",
        "Se creó una sede electrónica única con carpeta ciudadana.",
        "El 60 % de los trámites se hace ya en línea.",
        [{"label": "Trámites en línea", "value": 60, "unit": "%"}],
        CostRange.UNDER_1M, [16], ["e-government"], 2013,
    ),
    (
        MEXICO, Axis.MOBILITY, "es",
        "Bicicleta pública con datos abiertos",
        "Sistema de bicicletas compartidas cuyos datos de uso se publican abiertamente.",
        "La congestión y la contaminación del centro exigían alternativas al automóvil.",
        "Se desplegaron estaciones de bicicleta pública y se publicaron los datos de viajes.",
        "Más de 30 000 viajes diarios.",
        [{"label": "Viajes diarios", "value": 30000, "unit": ""}],
        CostRange.OVER_1M, [11, 3], ["bike sharing", "open data"], 2010,
    ),
    (
        BILBAO, Axis.LIVING, "es",
        "Teleasistencia para personas mayores",
        "Un servicio de teleasistencia conecta a las personas mayores con los servicios sociales.",
        "Las personas mayores que viven solas estaban aisladas y en riesgo.",
        "Dispositivos de alarma y llamadas periódicas desde un centro de atención.",
        "7 000 personas atendidas.",
        [{"label": "Personas atendidas", "value": 7000, "unit": ""}],
        CostRange.UNDER_1M, [3], ["ageing", "social services"], 2008,
    ),
    (
        BORDEAUX, Axis.ENVIRONMENT, "fr",
        "Capteurs de qualité de l'air partagés",
        "Des micro-capteurs prêtés aux habitants cartographient la qualité de l'air.",
        "Les stations officielles étaient trop peu nombreuses pour mesurer la pollution par rue.",
        "Les habitants volontaires installent des capteurs ; la carte est publique.",
        "300 capteurs actifs.",
        [{"label": "Capteurs actifs", "value": 300, "unit": ""}],
        CostRange.UNDER_100K, [3, 11], ["sensors", "open data"], 2013,
    ),
    (
        JOHANNESBURG, Axis.ECONOMY, "en",
        "Broadband for township businesses",
        "Public Wi-Fi and a business portal for small enterprises in townships.",
        "Small township businesses had no affordable internet access.",
        "The city rolled out public Wi-Fi zones and trained entrepreneurs in online sales.",
        "2,300 businesses registered on the portal.",
        [{"label": "Businesses registered", "value": 2300, "unit": ""}],
        CostRange.OVER_1M, [8, 9], ["broadband", "e-commerce"], 2012,
    ),
    (
        LAPPEENRANTA, Axis.LIVING, "en",
        "Online school-home communication",
        "A secure online service for teachers and families.",
        "Paper notes and phone calls did not keep families informed.",
        "All schools adopted one service for messages, absences and grades.",
        "95 % of families use it weekly.",
        [{"label": "Families using it weekly", "value": 95, "unit": "%"}],
        CostRange.UNDER_100K, [4], ["education"], 2011,
    ),
]  # fmt: skip

TRANSLATIONS = {
    "Participación electrónica de la ciudadanía en los presupuestos": {
        "en": ("Citizens' e-participation in the budget",
               "An online platform lets residents propose and vote on neighbourhood investments."),
        "fr": ("Participation électronique des citoyens au budget",
               "Une plateforme en ligne permet aux habitants de proposer des investissements de "
               "quartier et de voter."),
    },
    "Rencontres entre industries traditionnelles et entreprises du numérique": {
        "en": ("Meetings between traditional industries and digital firms",
               "Regular meetings where traditional small firms discover e-marketing, e-commerce, "
               "data mining, 3D and cloud productivity tools, presented by local digital firms."),
        "es": ("Encuentros entre industrias tradicionales y empresas digitales",
               "Encuentros periódicos en los que pymes tradicionales descubren el e-marketing, el "
               "comercio electrónico, la minería de datos, la 3D y las herramientas en la nube."),
    },
}  # fmt: skip

ADOPTIONS = [
    # (practice title, adopting city, stage, started)
    ("Participación electrónica de la ciudadanía en los presupuestos", ALCORCON, "adapt", 2012),
    ("Rencontres entre industries traditionnelles et entreprises du numérique", POITIERS, "reuse", 2011),
    ("Smart street lighting", PAU, "understand", 2013),
]  # fmt: skip


def load_demo() -> int:
    """Create the demo practices, translations, adoptions and a compendium (idempotent)."""
    cities = {c.geonames_id: c for c in City.objects.filter(geonames_id__in={p[0] for p in PRACTICES} | {a[1] for a in ADOPTIONS})}  # fmt: skip
    commission = Commission.objects.get(slug="digital-cities")
    focal = {u.city_id: u for u in User.objects.filter(role="focal_point").exclude(city=None)}
    with transaction.atomic():
        by_title = {}
        for gid, axis, language, title, summary, problem, solution, results, figures, cost, sdgs, tags, year in PRACTICES:  # fmt: skip
            city = cities[gid]
            practice, _created = Practice.objects.update_or_create(
                city=city,
                title=title,
                defaults={
                    "commission": commission,
                    "axis": axis,
                    "language": language,
                    "summary": summary,
                    "problem": problem,
                    "solution": solution,
                    "results": results,
                    "figures": figures,
                    "cost_range": cost,
                    "started_on": dt.date(year, 1, 1),
                    "status": Practice.Status.PUBLISHED,
                    "published_at": dt.datetime(year, 6, 1, tzinfo=dt.UTC),
                    "contact": focal.get(city.pk),
                    "is_labelled": gid in (BORDEAUX, LAPPEENRANTA),
                    "labelled_at": timezone.now() if gid in (BORDEAUX, LAPPEENRANTA) else None,
                },
            )
            practice.copy_city_facets()
            practice.save()
            practice.tags.set(tags_named(tags))
            for goal in sdgs:
                PracticeSdg.objects.get_or_create(practice=practice, goal=goal)
            for lang, (t_title, t_summary) in TRANSLATIONS.get(title, {}).items():
                PracticeTranslation.objects.update_or_create(
                    practice=practice,
                    language=lang,
                    defaults={"title": t_title, "summary": t_summary},
                )
            search.index_practice(practice)
            by_title[title] = practice
        for title, gid, stage, year in ADOPTIONS:
            Transfer.objects.update_or_create(
                practice=by_title[title],
                adopting_city=cities[gid],
                defaults={
                    "stage": stage,
                    "started_on": dt.date(year, 3, 1),
                    "adapted_on": dt.date(year, 9, 1) if stage != "understand" else None,
                    "reused_on": dt.date(year + 1, 3, 1) if stage == "reuse" else None,
                },
            )
        compendium, _created = Compendium.objects.update_or_create(
            slug="digital-economy-and-e-government-2013",
            defaults={
                "commission": commission,
                "title": "Digital economy and e-government: practices of the members, 2013",
                "title_fr": "Économie numérique et e-administration : pratiques des membres, 2013",
                "title_es": "Economía digital y administración electrónica: prácticas de los miembros, 2013",
                "introduction": "Practices the member cities shared in 2013, chosen by the secretariat "
                "for their evidenced results and their transferability.",
                "introduction_fr": "Pratiques partagées par les villes membres en 2013, choisies par le "
                "secrétariat pour leurs résultats avérés et leur transférabilité.",
                "introduction_es": "Prácticas compartidas por las ciudades miembro en 2013, elegidas por "
                "la secretaría por sus resultados demostrados y su transferibilidad.",
            },
        )
        for position, title in enumerate(
            [
                "Rencontres entre industries traditionnelles et entreprises du numérique",
                "Participación electrónica de la ciudadanía en los presupuestos",
                "Sede electrónica y trámites en línea",
                "Broadband for township businesses",
            ],
            start=1,
        ):
            CompendiumEntry.objects.update_or_create(
                compendium=compendium, practice=by_title[title], defaults={"position": position}
            )
    return len(by_title)
