"""Demo publications and watch list of the observatory (no feed is polled: the demo is offline)."""

import datetime as dt

from django.db import transaction

from cityloom.core.axes import Axis
from cityloom.core.tags import tags_named
from cityloom.core.text import fold

from .models import Publication, Source, WatchedTopic

PUBLICATIONS = [
    # (title, authors, publisher, year, language, axes, tags, summary)
    ("Smart Cities Study 2012: international study on the situation of ICT, innovation and "
     "knowledge in cities", "Commission on Digital Cities and Knowledge", "UCLG", 2012, "en",
     ["economy", "governance", "people", "mobility", "environment", "living"], ["open data"],
     "The second edition of the study benchmarking member cities on the six smart city axes."),
    ("Guía de buenas prácticas de administración electrónica", "Red de Ciudades Digitales",
     "Ayuntamiento de Bilbao", 2013, "es", ["governance"], ["e-government"],
     "Recopilación de experiencias municipales de sede electrónica y participación ciudadana."),
    ("La médiation numérique dans les territoires", "Agence du numérique", "La Documentation "
     "française", 2013, "fr", ["people"], ["digital inclusion"],
     "État des lieux des espaces publics numériques et de la médiation numérique."),
    ("Open data for urban mobility", "J. Smith, A. Rossi", "Urban Mobility Observatory", 2012,
     "en", ["mobility"], ["open data", "public transport"],
     "How cities publish transport data and what reusers build with it."),
]  # fmt: skip

WATCH = [
    (Axis.MOBILITY, "Bike sharing", "bike sharing, bicicleta, vélo"),
    (Axis.GOVERNANCE, "Open data", "open data, datos abiertos, données ouvertes"),
    (Axis.PEOPLE, "Digital inclusion", "inclusion, inclusión, médiation"),
]


def load_demo() -> int:
    with transaction.atomic():
        for title, authors, publisher, year, language, axes, tags, summary in PUBLICATIONS:
            publication, _created = Publication.objects.update_or_create(
                title=title,
                defaults={
                    "authors": authors,
                    "publisher": publisher,
                    "year": year,
                    "language": language,
                    "axes": axes,
                    "summary": summary,
                    "published_at": dt.datetime(year, 6, 1, tzinfo=dt.UTC),
                    "search_text": fold(f"{title} {authors} {summary}"),
                },
            )
            publication.tags.set(tags_named(tags))
        for axis, label, terms in WATCH:
            WatchedTopic.objects.update_or_create(axis=axis, label=label, defaults={"terms": terms})
        # Registered but not followed: the demo runs offline; the secretariat switches it on.
        Source.objects.get_or_create(
            url="https://www.uclg.org/en/rss.xml",
            defaults={"title": "UCLG news", "is_active": False, "axis": ""},
        )
    return len(PUBLICATIONS)
