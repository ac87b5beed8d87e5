import pytest

from cityloom.meetings.markup import render_markdown


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
