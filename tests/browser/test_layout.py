"""Every page of the demo, as a visitor and as the secretariat, at a phone's, a tablet's and a
laptop's width: no page scrolls sideways (wide tables scroll inside their own labelled region),
and no chart label sticks out of its SVG's viewBox.

The pages are found by crawling: from the home page, every link to an HTML page of the site is
followed, a few pages per URL name (a second meeting draws the same template as the first). The
visitor reads in French and the secretariat in Spanish: their words are the longest.
"""

import pytest
from django.core.management import call_command

from .crawl import crawl, log_in, view_name

WIDTHS = (390, 768, 1280)

# Elements wider than the window, outside any declared scroll region: named in the failure.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const regions = '.table-scroll, [role=region][tabindex]';
  const culprits = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !(e.parentElement && e.parentElement.closest(regions));
  });
  // The innermost ones say the most.
  const innermost = culprits.filter(e => !culprits.some(c => c !== e && e.contains(c)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    culprits: innermost.slice(0, 5).map(e =>
      e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : '')
      + ' «' + (e.textContent || '').trim().slice(0, 40) + '» right=' + Math.round(e.getBoundingClientRect().right)),
  };
}"""

# Each <text> of an SVG with a viewBox, measured by the browser in the SVG's own coordinates.
CLIPPED = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const box = svg.viewBox.baseVal;
    const toSvg = svg.getScreenCTM();
    if (!box || !box.width || !toSvg) continue;
    const inverse = toSvg.inverse();
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (!b.width) continue;
      const m = inverse.multiply(text.getScreenCTM());
      const xs = [], ys = [];
      for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]) {
        xs.push(m.a * x + m.c * y + m.e); ys.push(m.b * x + m.d * y + m.f);
      }
      const slack = 0.5;
      if (Math.min(...xs) < box.x - slack || Math.max(...xs) > box.x + box.width + slack
          || Math.min(...ys) < box.y - slack || Math.max(...ys) > box.y + box.height + slack) {
        out.push('«' + text.textContent.trim() + '» in ' + (svg.getAttribute('aria-label') || svg.querySelector('title')?.textContent || 'an SVG'));
      }
    }
  }
  return out;
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def _check(page, paths: list[str], width: int) -> list[str]:
    problems = []
    for path in paths:
        page.goto(path)
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(
                f"{width}px {path}: the page is {overflow['scrollWidth']}px wide; "
                + "; ".join(overflow["culprits"] or ["no single element to blame"])
            )
        clipped = page.evaluate(CLIPPED)
        if clipped:
            problems.append(f"{width}px {path}: chart labels outside the viewBox: {clipped[:5]}")
    return problems


@pytest.mark.parametrize(
    ("who", "start"),
    [(None, "/fr/"), ("secretariat@cityloom.demo", "/es/")],
    ids=["visitor", "secretariat"],
)
def test_no_page_overflows_and_no_chart_label_is_clipped(browser, live_server, demo, who, start):
    problems, paths = [], None
    # One context per width; the crawl runs once, in the widest, and the others revisit its pages.
    for width in sorted(WIDTHS, reverse=True):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        refused = []
        page.on(
            "console",
            lambda m, r=refused: r.append(m.text) if "Content Security Policy" in m.text else None,
        )
        try:
            if who:
                log_in(page, who)
            if paths is None:
                paths = crawl(page, live_server.url, start)
                # The pages this test exists for must be among those crawled.
                names = {view_name(p) for p in paths}
                assert {"network:home", "study:edition-detail", "meetings:grid"} <= names, names
                if who:
                    assert "network:dashboard" in names, names
            problems += _check(page, paths, width)
        finally:
            context.close()
        assert refused == [], refused
    assert problems == [], f"{len(paths)} pages crawled:\n" + "\n".join(problems)
