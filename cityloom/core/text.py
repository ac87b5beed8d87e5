"""Text helpers: one folding rule for search, one Markdown renderer for what people write.

Markdown is rendered with no raw HTML, safe links, and images only from this site.
"""

import html
import re
import unicodedata
import xml.etree.ElementTree as ET

import markdown
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Alcorcón`, `alcorcon` and `ALCORCON` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# A link may point to the web, to an address, or stay on this site; nothing else runs.
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|\?|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


def is_safe_url(url: str) -> bool:
    # Browsers ignore control characters and whitespace inside a scheme: `java\tscript:`.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url))
    return bool(SAFE_URL.match(cleaned))


def is_served_here(url: str) -> bool:
    """True if `url` is an upload or static file of this site: loading it tells nobody else."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url))
    # Paths only: a MEDIA_URL on another host (or `//host/`) is somewhere else.
    paths = [p for p in (settings.MEDIA_URL, settings.STATIC_URL) if re.match(r"/[^/\\]", p)]
    return cleaned.startswith(tuple(base + p for p in paths for base in ("", settings.SITE_URL)))


class _SafeLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag == "img" and not is_served_here(element.get("src", "")):
                # An image from elsewhere would tell its host who reads the notes, and when:
                # it becomes a link the reader may follow, or not.
                src, alt = element.get("src", ""), element.get("alt", "")
                element.tag = "a"
                element.attrib = {"href": src}
                element.text = alt or src
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not is_safe_url(value):
                    element.set(attribute, "#")
            if element.tag == "a":
                element.set("rel", "nofollow noopener")


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # the name is Markdown's API
        # Without these two, raw HTML is not passed through: Markdown escapes it as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


def render_markdown(text: str) -> SafeString:
    """HTML of `text`: Markdown with tables and fenced code; raw HTML shown as text."""
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", _NoRawHtml()],
        output_format="html",
    )
    return mark_safe(md.convert(text))  # raw HTML is disabled above
