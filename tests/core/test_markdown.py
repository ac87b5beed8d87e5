import pytest

from cityloom.core.text import render_markdown


def test_markdown_renders_headings_lists_emphasis_and_tables():
    html = render_markdown(
        "# Ideas\n\n- **3D** printing\n- cloud\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>Ideas</h1>" in html
    assert "<li><strong>3D</strong> printing</li>" in html
    assert "<td>1</td>" in html


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<div>\nblock\n</div>"],
)
def test_raw_html_is_shown_as_text(text):
    html = render_markdown(text)
    assert "<script" not in html
    assert "<img" not in html
    assert "<div" not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:x",
        "data:text/html,x",
    ],
)
def test_dangerous_link_targets_are_neutralised(url):
    assert render_markdown(f"[x]({url})") == '<p><a href="#" rel="nofollow noopener">x</a></p>'


def test_web_and_relative_links_are_kept():
    html = render_markdown("[a](https://uclg.org/x) [b](mailto:s@uclg.org) [c](notes/2)")
    assert 'href="https://uclg.org/x"' in html
    assert 'href="mailto:s@uclg.org"' in html
    assert 'href="notes/2"' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "![plan](https://elsewhere.example/plan.png)",
            '<p><a href="https://elsewhere.example/plan.png" rel="nofollow noopener">plan</a></p>',
        ),
        (
            "![](//elsewhere.example/x.png)",
            '<p><a href="//elsewhere.example/x.png" rel="nofollow noopener">'
            "//elsewhere.example/x.png</a></p>",
        ),
        (
            "![plan][p]\n\n[p]: http://elsewhere.example/p.gif",
            '<p><a href="http://elsewhere.example/p.gif" rel="nofollow noopener">plan</a></p>',
        ),
        (
            "![x](data:image/svg+xml,<svg/onload=alert(1)>)",
            '<p><a href="#" rel="nofollow noopener">x</a></p>',
        ),
        (
            "![board](board.png)",
            '<p><a href="board.png" rel="nofollow noopener">board</a></p>',
        ),
    ],
)
def test_image_from_elsewhere_becomes_a_link(text, expected):
    assert render_markdown(text) == expected


def test_raw_img_tag_from_elsewhere_is_shown_as_text():
    html = render_markdown('Look: <img src="https://elsewhere.example/track.png">')
    assert html == '<p>Look: &lt;img src="https://elsewhere.example/track.png"&gt;</p>'


def test_image_served_by_the_site_is_kept(settings):
    settings.SITE_URL = "https://cityloom.example.org"
    html = render_markdown(
        "![grid](/media/notes/grid.png) ![logo](https://cityloom.example.org/static/favicon.svg)"
    )
    assert html == (
        '<p><img alt="grid" src="/media/notes/grid.png"> '
        '<img alt="logo" src="https://cityloom.example.org/static/favicon.svg"></p>'
    )


def test_image_on_a_lookalike_host_becomes_a_link(settings):
    settings.SITE_URL = "https://cityloom.example.org"
    html = render_markdown("![x](https://cityloom.example.org.elsewhere.example/media/x.png)")
    assert html == (
        '<p><a href="https://cityloom.example.org.elsewhere.example/media/x.png" '
        'rel="nofollow noopener">x</a></p>'
    )
