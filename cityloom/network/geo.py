"""The members map as inline SVG: vendored Natural Earth outlines, no tile server, no script."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from cityloom.core import cache as page_cache

ATLAS = Path(__file__).parent / "data" / "world-atlas-2.0.2" / "countries-110m.json"
WIDTH, HEIGHT = 960.0, 480.0


def project(lon: float, lat: float) -> tuple[float, float]:
    """Plate carrée onto a 960 by 480 view box: simple, and cities land where readers expect."""
    return (lon + 180.0) * WIDTH / 360.0, (90.0 - lat) * HEIGHT / 180.0


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # TopoJSON stores quantised deltas
            x += dx
            y += dy
            points.append(project(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs, indices) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _path(rings) -> str:
    parts = []
    for ring in rings:
        # A ring that wraps the antimeridian would draw a line across the world: skip its jumps.
        d, previous = [], None
        for x, y in ring:
            command = "M" if previous is None or abs(x - previous[0]) > WIDTH / 2 else "L"
            d.append(f"{command}{x:.1f} {y:.1f}")
            previous = (x, y)
        parts.append("".join(d) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def country_paths() -> tuple[str, ...]:
    """One SVG path per country, computed once per process."""
    topology = json.loads(ATLAS.read_text())
    arcs = _decode_arcs(topology)
    paths = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        paths.append(_path(rings))
    return tuple(paths)


# Markers that do not hide each other: cities whose dots would overlap are drawn as one group,
# a larger dot with the number of cities in it. Sizes are in the view box's units.
CITY_RADIUS = 5.0
GAP = 1.0  # between two drawn markers
VIEW_HEIGHT = 400.0  # the drawn part of the projection: down to 60° south, below which no city
PRE_CELL = 4.0  # points closer than this always overlap: grouped at once, in linear time
MAX_MARKERS = 60


def radius(count: int) -> float:
    """A city's dot, or a group's, large enough for its count in a 10-unit type."""
    return CITY_RADIUS if count == 1 else 8.0 + 2.0 * len(str(count))


def _centre(points: list[tuple[float, float]], members: list[int]) -> tuple[float, float]:
    x = sum(points[i][0] for i in members) / len(members)
    y = sum(points[i][1] for i in members) / len(members)
    r = radius(len(members))
    # Kept inside the view box, so that a group at the edge is not cut.
    return min(max(x, r), WIDTH - r), min(max(y, r), VIEW_HEIGHT - r)


def _overlapping_pairs(groups, centres) -> list[tuple[float, int, int]]:
    """(distance, i, j) for each pair of drawn markers closer than their radii and the gap."""
    widest = max(radius(len(g)) for g in groups)
    order = sorted(range(len(groups)), key=lambda i: centres[i])
    pairs = []
    for a, i in enumerate(order):
        xi, yi = centres[i]
        ri = radius(len(groups[i]))
        for j in order[a + 1 :]:
            xj, yj = centres[j]
            if xj - xi >= ri + widest + GAP:
                break  # sorted by x: nothing further can touch i
            distance = ((xj - xi) ** 2 + (yj - yi) ** 2) ** 0.5
            if distance < ri + radius(len(groups[j])) + GAP:
                pairs.append((distance, min(i, j), max(i, j)))
    return sorted(pairs)


def cluster(points: list[tuple[float, float]]) -> list[list[int]]:
    """Group the indices of `points` so that no two drawn markers overlap.

    Deterministic: points in the same small grid cell start together; then, pass after pass,
    the closest overlapping markers are merged (each at most once a pass) until none overlap.
    Each group's marker sits at its members' centroid.
    """
    size = PRE_CELL
    while True:
        cells: dict[tuple[int, int], list[int]] = {}
        for index, (x, y) in enumerate(points):
            cells.setdefault((int(x // size), int(y // size)), []).append(index)
        # However many the members, the map draws at most about MAX_MARKERS markers: coarser
        # cells until they fit, so that what each page sends stays flat (issue 18).
        if len(cells) <= MAX_MARKERS:
            break
        size *= 2
    groups = [members for _cell, members in sorted(cells.items())]
    while groups:
        centres = [_centre(points, g) for g in groups]
        pairs = _overlapping_pairs(groups, centres)
        if not pairs:
            break
        merged: set[int] = set()
        for _distance, i, j in pairs:
            if i in merged or j in merged:
                continue
            groups[i] = sorted(groups[i] + groups[j])
            groups[j] = []
            merged |= {i, j}
        groups = [g for g in groups if g]
    return sorted(groups, key=lambda g: (_centre(points, g)[0], g))


def markers(cities) -> list[dict]:
    """One marker per city, or per group of cities that would hide each other, with its radius."""
    cities = sorted(cities, key=lambda c: c.geonames_id)
    points = [project(c.longitude, c.latitude) for c in cities]
    result = []
    for group in cluster(points):
        members = sorted((cities[i] for i in group), key=lambda c: c.name)
        x, y = _centre(points, group)
        named = members[:NAMED_PER_GROUP]
        result.append(
            {
                "key": min(c.geonames_id for c in members),
                "cities": named,
                "city": members[0],
                "count": len(members),
                "more": len(members) - len(named),
                "names": ", ".join(c.name for c in named),
                "x": round(x, 1),
                "y": round(y, 1),
                "r": radius(len(members)),
            }
        )
    return result


OUTLINES = Path(__file__).parent / "static" / "network" / "world-110m.svg"
LAND, SHORE = "#cfd8e3", "#fff"  # tokens.css --color-land, and the coast drawn white


def outlines_svg() -> str:
    """The countries as a standalone SVG document, the static asset every map draws under its
    markers: 100 KB that browsers cache (hashed name) instead of each page inlining them.

    Colours are attributes, as page styles do not reach an image. `OUTLINES` holds the output;
    a test keeps the two equal (regenerate with `python -m cityloom.network.geo`).
    """
    paths = "".join(f'<path d="{d}"/>' for d in country_paths())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 960 480" width="960" height="480">'
        f'<g fill="{LAND}" stroke="{SHORE}" stroke-width=".5">{paths}</g></svg>\n'
    )


# Bump when the map's template changes, so a shared cache (Redis) serves no older markup.
MAP_TEMPLATE_VERSION = 3
MAP_CACHE_SECONDS = 24 * 60 * 60
# A group names this many of its cities (label, list under the map); the rest are counted.
NAMED_PER_GROUP = 8


def data_version(cities) -> str:
    """A digest of everything the map draws of the cities: any change makes a new version."""
    drawn = sorted(
        (c.geonames_id, c.name, c.country_code, c.country_name, c.latitude, c.longitude)
        for c in cities
    )
    return hashlib.sha256(json.dumps(drawn).encode()).hexdigest()[:32]


def render_map(load_cities, *, scope: str = "", on_map_page: bool = False) -> SafeString:
    """The members map (SVG markers over the static outlines, legend, and on the map page the
    cities of each group), for the cities `load_cities()` returns.

    Drawn once per language, page and data, then served from the cache (issue 18). Two keys:
    the site's data version (core/cache.py, moved on by every write) finds the drawing without
    reading a city; when it has moved, the cities are read and their digest finds the drawing
    again unless what the map shows changed, so a write elsewhere costs one read, not a redraw.
    """
    common = (
        "network-map",
        str(MAP_TEMPLATE_VERSION),
        get_language() or "",
        "page" if on_map_page else "inline",
        scope,
    )
    fast_key = None
    if page_cache.enabled():
        fast_key = ":".join((*common, "v", page_cache.data_version()))
        if (html := cache.get(fast_key)) is not None:
            return SafeString(html)
    cities = list(load_cities())
    key = ":".join((*common, "d", data_version(cities)))
    html = cache.get(key)
    if html is None:
        drawn = markers(cities)
        html = render_to_string(
            "network/_map.html",
            {
                "markers": drawn,
                "groups": [m for m in drawn if m["count"] > 1],
                "city_count": len(cities),
                "on_map_page": on_map_page,
                "scope": scope,
            },
        )
        cache.set(key, html, MAP_CACHE_SECONDS)
    if fast_key is not None:
        cache.set(fast_key, html, MAP_CACHE_SECONDS)
    return SafeString(html)


if __name__ == "__main__":
    OUTLINES.write_text(outlines_svg())
