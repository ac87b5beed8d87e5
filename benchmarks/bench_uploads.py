"""Time to refuse hostile questionnaire spreadsheets, and to read the largest one accepted.

Before the guards, a zip bomb under the 1 MB upload cap (millions of rows once opened) took
82 to 186 s and 0.3 to 1 GB before it was refused. Each case below goes through
`import_spreadsheet` on the ISO 37120 framework (136 indicators) and prints the outcome, the
median time and the peak memory Python allocated (tracemalloc), then checks nothing was written.

    .venv/bin/python benchmarks/bench_uploads.py

Runs on a throwaway SQLite database. Timings on a shared machine are inflated by other jobs.
"""

import io
import os
import pyexpat
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("CITYLOOM_DATA_DIR", tempfile.mkdtemp(prefix="cityloom-bench-uploads-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityloom.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from cityloom.core import uploads  # noqa: E402
from cityloom.network.models import City, Commission, Membership, Organisation  # noqa: E402
from cityloom.study.models import Edition, Value, ValueChange  # noqa: E402
from cityloom.study.services import spreadsheet, tables  # noqa: E402
from cityloom.study.services.editions import create_edition  # noqa: E402
from cityloom.study.services.frameworks import import_framework_file  # noqa: E402
from cityloom.study.services.questionnaire import EVIDENCE  # noqa: E402
from tests.study import bombs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5


def setup():
    organisation = Organisation.objects.create(name="Benchmark network", acronym="BN")
    commission = Commission.objects.create(organisation=organisation, slug="bench", name="Bench")
    city = City.objects.create(
        geonames_id=3128026,
        name="Bilbao",
        country_code="ES",
        country_name="Spain",
        region="europe",
        population=345_000,
        latitude=43.26,
        longitude=-2.93,
    )
    Membership.objects.create(city=city, commission=commission, status="active")
    framework = import_framework_file(ROOT / "cityloom/study/frameworks/iso37120.yaml")
    edition = create_edition(
        commission=commission, framework=framework, year=2024, title="Bench", cities=[city]
    )
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.OPEN)
    focal = get_user_model().objects.create_user(
        email="focal@example.org", password="x", city=city, role="focal_point"
    )
    return Edition.objects.get(pk=edition.pk).questionnaires.get(), focal


def filled(template: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    for row in wb.active.iter_rows(min_row=2):
        row[5].value, row[6].value, row[7].value = 10, 2023, "Municipal statistics office"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def random_rows(count: int, rng: random.Random):
    for _ in range(count // 100):
        yield b"".join(
            b'<row><c t="inlineStr"><is><t>%d</t></is></c><c><v>%d</v></c></row>'
            % (rng.randrange(10**9), rng.randrange(10**6))
            for _ in range(100)
        )


def random_wide_row(cells: int, rng: random.Random):
    yield b"<row>"
    for _ in range(cells // 1000):
        yield b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**6) for _ in range(1000))
    yield b"</row>"


def heaviest_accepted(template: bytes, limit: int, rng: random.Random) -> bytes:
    """Every row the limit allows, every column the limit allows, long random texts."""
    cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
    rows = (
        ("<row>" + "".join(cell.format(rng.getrandbits(320)) for _ in range(50)) + "</row>")
        for _ in range(limit)
    )
    return bombs.with_sheet(template, (r.encode() for r in rows), dimension=None)


def count_elements(xml: bytes) -> int:
    count = 0

    def start(tag, attrs):
        nonlocal count
        count += 1

    parser = pyexpat.ParserCreate()
    parser.StartElementHandler = start
    parser.Parse(xml, True)
    return count


def measure(questionnaire, focal, name: str, content: bytes) -> tuple[str, float, float]:
    times, peak = [], 0
    outcome = "accepted"
    for _ in range(REPEATS):
        tracemalloc.start()
        t0 = time.perf_counter()
        try:
            spreadsheet.import_spreadsheet(questionnaire, name, content, by=focal)
        except spreadsheet.SpreadsheetError as exc:
            outcome = str(exc.errors[0])[:70]
        times.append(time.perf_counter() - t0)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return outcome, statistics.median(times), peak / 2**20


def main() -> None:
    call_command("migrate", verbosity=0)
    questionnaire, focal = setup()
    indicators = questionnaire.edition.framework.nodes.indicators().count()
    limit = tables.row_limit(indicators)
    template = spreadsheet.template_xlsx(questionnaire)
    rng = random.Random(42)
    csv_template = spreadsheet.template_csv(questionnaire).encode()
    cases = [
        ("zip bomb: 4 million rows", "q.xlsx", bombs.bomb(template)),
        (
            "declared 1,048,576 rows",
            "q.xlsx",
            bombs.with_sheet(template, bombs.rows(300), dimension="A1:J1048576"),
        ),
        (
            "50,000 rows, no dimension",
            "q.xlsx",
            bombs.with_sheet(template, random_rows(50_000, rng), dimension=None),
        ),
        (
            "one row of 200,000 cells",
            "q.xlsx",
            bombs.with_sheet(template, random_wide_row(200_000, rng), dimension=None),
        ),
        ("heaviest xlsx the guards read", "q.xlsx", heaviest_accepted(template, limit, rng)),
        ("CSV: 1 MB of empty lines", "q.csv", b"\n" * (1024 * 1024 - 1)),
        ("CSV: one line of 1 MB", "q.csv", b"x" * (1024 * 1024 - 1)),
        ("CSV: a row of 9,000 columns", "q.csv", csv_template + b"," * 9_000),
    ]
    print(f"ISO 37120 template: {indicators} indicators, {limit} rows at most")
    print(f"{'case':32} {'file kB':>8} {'median s':>9} {'peak MB':>8}  outcome")
    for label, name, content in cases:
        outcome, median, peak = measure(questionnaire, focal, name, content)
        print(f"{label:32} {len(content) / 1024:8.0f} {median:9.4f} {peak:8.1f}  {outcome}")
        assert not Value.objects.exists(), label
        assert not ValueChange.objects.exists(), label
    content = filled(template)
    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = archive.infolist()
    expanded = sum(i.file_size for i in parts)
    elements = sum(count_elements(archive.read(i)) for i in parts if i.filename.endswith("xml"))
    print(
        f"filled template: {len(content) / 1024:.0f} kB, {expanded / 1024:.0f} kB decompressed "
        f"(ratio {expanded / sum(i.compress_size for i in parts):.1f}), {elements} XML elements"
    )
    outcome, median, peak = measure(questionnaire, focal, "q.xlsx", content)
    print(f"{'filled template (saved)':32} {'':8} {median:9.4f} {peak:8.1f}  {outcome}")
    evidence = SimpleUploadedFile("budget.txt", b"Budget line;amount\n" * 260_000)
    t0 = time.perf_counter()
    for _ in range(REPEATS):
        uploads.check(evidence, EVIDENCE)
    size = evidence.size / 2**20
    print(f"evidence check, {size:.1f} MB text: {(time.perf_counter() - t0) / REPEATS:.4f} s")


if __name__ == "__main__":
    main()
