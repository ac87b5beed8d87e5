"""Plain-text e-mails are never HTML-escaped: one rule in the renderer, checked on every template."""

import re
from pathlib import Path

import pytest

from cityloom.core.mail import render_mail

ROOT = Path(__file__).resolve().parents[2] / "cityloom"
NAME = "O'Neil & <x>"
URL = 'https://cityloom.example/set-password/?a=1&b=2&c="q"'
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
VARIABLE = re.compile(r"{{\s*(\w+)|{%\s*(?:if|elif)\s+(?:not\s+)?(\w+)|\bcount\s+\w+=(\w+)")
CONDITION = re.compile(r"{%\s*(?:if|elif)\s+(?:not\s+)?(\w+)")
COUNTS = re.compile(r"\bcount\s+\w+=(\w+)")


def _templates() -> list[str]:
    """Every `<app>/templates/<app>/email/<name>.txt` with its `_subject.txt`, as render_mail names it."""
    names = set()
    for path in ROOT.glob("*/templates/*/email/*.txt"):
        stem = path.stem.removesuffix("_subject")
        names.add(f"{path.parent.parent.name}/email/{stem}")
    return sorted(names)


def _sources(template: str) -> str:
    app = template.split("/")[0]
    folder = ROOT / app / "templates" / app / "email"
    name = template.rsplit("/", 1)[1]
    return "".join((folder / f"{name}{suffix}.txt").read_text() for suffix in ("", "_subject"))


def _context(source: str, *, truthy: bool) -> dict:
    """Every variable a template reads: links get a URL, counts a number, the rest a name."""
    names = {n for match in VARIABLE.findall(source) for n in match if n}
    context = {}
    for name in names:
        if name in COUNTS.findall(source):
            context[name] = 2
        elif "url" in name:
            context[name] = URL
        else:
            context[name] = NAME
    if not truthy:  # the other branch of each {% if %}
        context.update(dict.fromkeys(CONDITION.findall(source), ""))
    return context


def test_every_email_template_is_found():
    # The glob must see each app's mail, the network's included (its templates change often).
    apps = {t.split("/")[0] for t in _templates()}
    assert apps == {
        "communications",
        "core",
        "forum",
        "meetings",
        "mentoring",
        "network",
        "practices",
        "projects",
        "study",
    }


@pytest.mark.parametrize("template", _templates())
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("truthy", [True, False], ids=["if", "else"])
def test_email_is_plain_text_without_html_entities(template, language, truthy):
    source = _sources(template)
    context = _context(source, truthy=truthy)
    subject, body = render_mail(template, context, language=language)
    assert ENTITY.findall(subject) == []
    assert ENTITY.findall(body) == []
    # What the context says comes out as written.
    if truthy and NAME in context.values():
        assert NAME in subject + body
    if truthy and URL in context.values():
        assert URL in body


def test_renderer_does_not_escape_values_of_a_template_that_never_asked(settings, tmp_path):
    # A template written tomorrow without any {% autoescape %} is still plain text.
    folder = tmp_path / "probe" / "email"
    folder.mkdir(parents=True)
    (folder / "hello.txt").write_text("Dear {{ name }}, {{ url }}\n")
    (folder / "hello_subject.txt").write_text("{{ name }}\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    subject, body = render_mail("probe/email/hello", {"name": NAME, "url": URL}, language="en")
    assert subject == NAME
    assert body == f"Dear {NAME}, {URL}\n"
