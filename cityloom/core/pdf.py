"""PDFs of pages (reports, compendiums) through WeasyPrint, without fetching anything."""

from pathlib import Path


def _refusing_fetcher():
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        # User content (notes, answers, practices) may hold image links: rendering a PDF must
        # never make the server fetch a URL, inside the network or out of it. WeasyPrint logs
        # the refusal and renders the rest.
        def fetch(self, url, headers=None):
            raise ValueError(f"external resource refused: {url}")

    return RefusingFetcher()


def html_to_pdf(html: str, *, stylesheet: str | Path) -> bytes:
    """Render self-contained HTML (inline SVG charts, one stylesheet read from disk) to PDF."""
    from weasyprint import CSS, HTML  # heavy: loaded only when a PDF is asked for

    return HTML(string=html, url_fetcher=_refusing_fetcher(), base_url="/").write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))]
    )
