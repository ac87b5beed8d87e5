"""The members map as inline SVG: vendored Natural Earth outlines, no tile server, no script."""

import json
from functools import lru_cache
from pathlib import Path

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


def markers(cities) -> list[dict]:
    result = []
    for city in cities:
        x, y = project(city.longitude, city.latitude)
        result.append({"city": city, "x": round(x, 1), "y": round(y, 1)})
    return result
