"""Search latency of the practices library at 100,000 practices in three languages.

Runs against a throwaway SQLite database, or PostgreSQL when DATABASE_URL is set
(`scripts/with-postgres.sh .venv/bin/python benchmarks/bench_practices.py`). Prints the median
and 95th percentile of typical searches with facets, and of the practices list page.
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CITYLOOM_DATA_DIR", tempfile.mkdtemp(prefix="cityloom-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from cityloom.core.axes import Axis  # noqa: E402
from cityloom.network.models import City, Commission, Organisation, Region  # noqa: E402
from cityloom.practices import search  # noqa: E402
from cityloom.practices.models import CitySize, Practice, PracticeSdg  # noqa: E402
from cityloom.practices.search import SearchParams  # noqa: E402

N = int(os.environ.get("BENCH_PRACTICES", "100000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "40"))

# Words per axis and language: enough variety for realistic match counts.
VOCABULARY = {
    "en": {
        "economy": "digital economy e-commerce small businesses start-ups innovation cluster "
        "employment training entrepreneurs data mining cloud tools marketing",
        "governance": "open data e-government transparency participation electronic budget "
        "online services citizens portal administration digital signature",
        "people": "digital inclusion skills libraries schools education training volunteers "
        "elderly literacy community centres",
        "mobility": "mobility public transport bike sharing real-time information traffic "
        "parking buses electric vehicles cycling",
        "environment": "energy efficiency street lighting sensors air quality waste recycling "
        "smart grid water consumption",
        "living": "health telecare culture tourism safety housing social services ageing",
    },
    "fr": {
        "economy": "économie numérique commerce électronique petites entreprises jeunes pousses "
        "innovation emploi formation entrepreneurs exploration de données outils",
        "governance": "données ouvertes administration électronique transparence participation "
        "électronique budget services en ligne citoyens portail",
        "people": "inclusion numérique compétences bibliothèques écoles éducation médiation "
        "bénévoles personnes âgées",
        "mobility": "mobilité transports publics vélos en libre-service information en temps "
        "réel circulation stationnement bus véhicules électriques",
        "environment": "efficacité énergétique éclairage public capteurs qualité de l'air "
        "déchets recyclage réseau intelligent eau",
        "living": "santé téléassistance culture tourisme sécurité logement services sociaux",
    },
    "es": {
        "economy": "economía digital comercio electrónico pequeñas empresas emprendedores "
        "innovación empleo formación minería de datos herramientas",
        "governance": "datos abiertos administración electrónica transparencia participación "
        "electrónica presupuestos servicios en línea ciudadanía portal",
        "people": "inclusión digital competencias bibliotecas escuelas educación voluntarios "
        "personas mayores alfabetización",
        "mobility": "movilidad transporte público bicicleta pública información en tiempo real "
        "tráfico aparcamiento autobuses vehículos eléctricos",
        "environment": "eficiencia energética alumbrado público sensores calidad del aire "
        "residuos reciclaje red inteligente agua",
        "living": "salud teleasistencia cultura turismo seguridad vivienda servicios sociales",
    },
}
LANGUAGES = ["en", "fr", "es"]

QUERIES = [
    ("no query (first page)", SearchParams()),
    ("mobilité", SearchParams(q="mobilité")),
    ("participation electronique", SearchParams(q="participation electronique")),
    ("donnees ouvertes + axis", SearchParams(q="donnees ouvertes", axis="governance")),
    ("energy + country", SearchParams(q="energy", country="FR")),
    ("transporte + size + lang", SearchParams(q="transporte", size="metropolis", language="es")),
    ("axis + SDG", SearchParams(axis="mobility", sdg=11)),
    ("bike sharing by date", SearchParams(q="bike sharing", sort="date")),
    ("rare word", SearchParams(q="téléassistance culture")),
]
PAGES = [
    ("list page", "/en/practices/"),
    ("list page, search + facet", "/fr/practices/?q=mobilite&axis=mobility"),
    ("API search", "/api/v1/practices?q=energy&limit=20"),
]


def generate(rng: random.Random) -> None:
    organisation = Organisation.objects.create(name="UCLG", acronym="UCLG")
    commission = Commission.objects.create(organisation=organisation, slug="bench", name="Bench")
    countries = ["FR", "ES", "MX", "ZA", "FI", "BR", "AR", "CO", "MA", "SN", "IN", "CN", "US"]
    regions = [r.value for r in Region]
    cities = City.objects.bulk_create(
        City(
            geonames_id=8_000_000 + i,
            name=f"City {i}",
            country_code=countries[i % len(countries)],
            country_name=countries[i % len(countries)],
            region=regions[i % len(regions)],
            population=rng.choice([50_000, 200_000, 700_000, 2_000_000, 9_000_000]),
            latitude=0,
            longitude=0,
        )
        for i in range(400)
    )
    axes = [a.value for a in Axis]
    start = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
    batch = []
    for i in range(N):
        language, axis, city = LANGUAGES[i % 3], rng.choice(axes), rng.choice(cities)
        words = VOCABULARY[language][axis].split()
        other = VOCABULARY[language][rng.choice(axes)].split()
        title = " ".join(rng.sample(words, 4)).capitalize()
        text = " ".join(rng.choices(words, k=40) + rng.choices(other, k=20))
        batch.append(
            Practice(
                commission=commission,
                city=city,
                title=title,
                summary=text[:300],
                axis=axis,
                problem=text,
                solution=" ".join(rng.choices(words, k=60)),
                language=language,
                status=Practice.Status.PUBLISHED,
                published_at=start + dt.timedelta(minutes=rng.randrange(4_500_000)),
                is_labelled=rng.random() < 0.05,
                country_code=city.country_code,
                region=city.region,
                city_size=CitySize.of(city.population),
            )
        )
        if len(batch) == 5000:
            _flush(batch, rng)
            batch = []
    if batch:
        _flush(batch, rng)


def _flush(batch, rng) -> None:
    with transaction.atomic():
        created = Practice.objects.bulk_create(batch)
        PracticeSdg.objects.bulk_create(
            PracticeSdg(practice=p, goal=g)
            for p in created
            for g in rng.sample(range(1, 18), rng.choice([1, 2, 3]))
        )


def timed(fn, *, cold: bool = False) -> tuple[float, float]:
    """Median and p95 in ms; `cold` empties the facet cache before each run."""
    fn()  # warm-up
    timings = []
    for _ in range(REPEATS):
        if cold:
            cache.clear()
        t0 = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def main() -> None:
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Practice.objects.exists():
        generate(random.Random(2013))
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    with transaction.atomic():
        search.reindex_all(batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{Practice.objects.count()} practices on {connection.vendor}: generated in "
        f"{generated:.0f} s, indexed in {time.perf_counter() - t0:.0f} s"
    )
    print(
        f"{'search (facets + first page)':34} {'matches':>8} {'cold median':>12} {'cold p95':>9}"
        f" {'median ms':>10} {'p95 ms':>8}"
    )
    worst = worst_cold = 0.0
    for label, params in QUERIES:

        def run(params=params):
            result = search.search(params)
            result.practices[:20]
            return result.total

        total = run()
        cold_median, cold_p95 = timed(run, cold=True)
        median, p95 = timed(run)
        worst, worst_cold = max(worst, p95), max(worst_cold, cold_p95)
        print(
            f"{label:34} {total:8d} {cold_median:12.1f} {cold_p95:9.1f} {median:10.1f} {p95:8.1f}"
        )
    client = Client()
    print(f"{'page (facets cached)':34} {'':8} {'':12} {'':9} {'median ms':>10} {'p95 ms':>8}")
    worst_page = 0.0
    for label, url in PAGES:
        assert client.get(url).status_code == 200, url

        def get(url=url):
            client.get(url)

        median, p95 = timed(get)
        worst_page = max(worst_page, p95)
        print(f"{label:34} {'':8} {'':12} {'':9} {median:10.1f} {p95:8.1f}")
    print(
        f"worst search p95 {worst:.1f} ms cached facets, {worst_cold:.1f} ms computed (goal 50); "
        f"worst page p95 {worst_page:.1f} ms (goal 100)"
    )


if __name__ == "__main__":
    main()
