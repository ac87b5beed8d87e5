"""`cityloom report annual --year 2013 --lang fr --format pdf --out report.pdf`.

Renders synchronously (a command is not a request): the latest texts, or with --published the
published ones.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cityloom.reports import queries, services


class Command(BaseCommand):
    help = "Write a commission's annual activity report to a file (HTML or PDF)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="the annual activity report")
        annual.add_argument("--year", type=int, required=True)
        annual.add_argument(
            "--lang", default="en", choices=[code for code, _name in settings.LANGUAGES]
        )
        annual.add_argument("--format", dest="fmt", default="pdf", choices=["pdf", "html"])
        annual.add_argument("--out", required=True, help="the file to write")
        annual.add_argument(
            "--commission", default="", help="a commission's short name (default: featured)"
        )
        annual.add_argument(
            "--published", action="store_true", help="the published texts, not the latest"
        )

    def handle(self, *args, kind, year, lang, fmt, out, commission, published, **options):
        found = (
            queries.commission_by_slug(commission) if commission else queries.default_commission()
        )
        if found is None:
            raise CommandError(f"no commission {commission!r}" if commission else "no commission")
        try:
            services.check_year(year)
        except services.ReportError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        content = services.report_content(found, year, language=lang, draft=not published)
        if fmt == "pdf":
            data = services.render_pdf(content)
        else:
            data = services.render_html(content).encode()
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {found.slug} {year} ({lang}, {fmt}, {len(data)} bytes)")
