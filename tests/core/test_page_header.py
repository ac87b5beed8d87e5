"""The page header with breadcrumbs of the design system (core/templatetags/cityloom.py)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

import cityloom

pytestmark = pytest.mark.django_db

LOAD = "{% load cityloom %}"


def render(source: str, **context) -> str:
    return Template(LOAD + source).render(Context(context))


def crumbs(html: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", i).split()) for i in items]


def test_trail_starts_at_home_and_ends_at_the_title():
    html = render(
        '{% page_header _("Study") "study:home" "Edition 2014" "/en/study/editions/2/" %}'
        "<h1>Bilbao <span class='badge'>new</span></h1>{% endpage_header %}"
    )
    assert html.count('<header class="page-header">') == 1
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert crumbs(html) == ["Home", "Study", "Edition 2014", "Bilbao new"]
    assert '<a href="/en/">Home</a>' in html
    assert '<a href="/en/study/">Study</a>' in html
    assert '<span aria-current="page">Bilbao new</span>' in html
    assert html.index("</nav>") < html.index("<h1>") < html.index("</header>")


def test_explicit_current_label_and_pairs_without_label_are_left_out():
    html = render(
        '{% page_header project.display_title project _("Report") %}<p>body</p>{% endpage_header %}',
        project=None,
    )
    assert crumbs(html) == ["Home", "Report"]
    assert '<span aria-current="page">Report</span>' in html


def test_labels_and_escaping_follow_the_language():
    with translation.override("fr"):
        html = render(
            '{% page_header _("Study") "study:home" %}<h1>A &amp; B</h1>{% endpage_header %}'
        )
    assert '<a href="/fr/">Accueil</a>' in html
    assert 'aria-label="Fil d\'Ariane"' in html
    assert '<span aria-current="page">A &amp; B</span>' in html  # not escaped twice


def test_every_page_but_the_home_page_has_the_page_header():
    """Every template that renders a whole page in the site's frame declares its trail."""
    root = Path(cityloom.__file__).parent
    pages = [
        p
        for p in root.glob("**/templates/**/*.html")
        if re.search(r'{% extends "base.html" %}', p.read_text())
    ]
    assert len(pages) > 60
    exempt = {
        "network/home.html",  # the home page is the root of every trail
        "allauth/layouts/base.html",  # the account pages get it from allauth/elements/h1.html
        "practices/form_page.html",  # shared by the forms below, checked through them
    }
    missing = [
        str(p.relative_to(root))
        for p in pages
        if "{% page_header" not in p.read_text() and not any(str(p).endswith(e) for e in exempt)
    ]
    assert missing == []
    assert "{% page_header" in (root / "templates/allauth/elements/h1.html").read_text()
    assert "{% page_header" in (root / "practices/templates/practices/form_page.html").read_text()


def test_the_login_page_has_the_page_header(client):
    html = client.get("/en/accounts/login/").content.decode()
    assert crumbs(html.split('class="breadcrumbs"')[1].split("</nav>")[0])[0] == "Home"
    assert '<span aria-current="page">Sign In</span>' in html
