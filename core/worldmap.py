"""A world map as server-rendered SVG: countries shaded by a figure, each a link to its page.

The boundaries are Natural Earth's 1:110m countries (public domain), as the
TopoJSON of the world-atlas package vendored in static/vendor/world-atlas/.
They are decoded once per process and projected with the Equal Earth
projection, which keeps areas true, so big countries do not look more
important than they are. States too small for the 1:110m data (Malta,
Monaco, Singapore) are drawn as a dot at their location.
"""

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext
from django_countries import countries

TOPOLOGY = settings.BASE_DIR / "static" / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH = 960
TOLERANCE = 0.6  # pixels: outline detail below this is invisible at the map's size
# Longitude and latitude of the states the 1:110m data leaves out, for their dots.
SMALL_STATES = {"MC": (7.42, 43.74), "MT": (14.45, 35.9), "SG": (103.82, 1.35)}
# Five classes, light to dark (ColorBrewer "Blues"); the figures are also in the table beside the map.
# Each is a CSS class (static/css/portal.css) rather than a fill colour: the Content-Security-Policy
# allows no inline style, and a fixed set of classes is all a map needs.
SHADES = [f"map-shade-{n}" for n in range(1, 6)]
NO_DATA = "map-shade-0"

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def _project(lon, lat):
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * math.radians(lon)
        * math.cos(theta)
        / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1))
    )
    y = theta * (_A4 * t6 * t2 + _A3 * t6 + _A2 * t2 + _A1)
    return x, y


_X_MAX, _ = _project(180, 0)
# From 84°N to 57°S: Antarctica carries no figures and would take a fifth of the map.
_, _Y_TOP = _project(0, 84)
_, _Y_BOTTOM = _project(0, -57)
SCALE = WIDTH / (2 * _X_MAX)
HEIGHT = round((_Y_TOP - _Y_BOTTOM) * SCALE)
LEFT_OUT = {"AQ"}


def to_svg(lon: float, lat: float) -> tuple[float, float]:
    x, y = _project(lon, lat)
    return round((x + _X_MAX) * SCALE, 1), round((_Y_TOP - y) * SCALE, 1)


def _simplified(points, tolerance):
    """Douglas-Peucker: drop points that move the outline by less than ``tolerance`` pixels."""
    if len(points) < 3:
        return points
    if points[0] == points[-1]:
        # A closed ring has no chord to measure from: split it at its point farthest from the start.
        x0, y0 = points[0]
        far = max(
            range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2
        )
        if 0 < far < len(points) - 1:
            return (
                _simplified(points[: far + 1], tolerance) + _simplified(points[far:], tolerance)[1:]
            )
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1) or 1e-9
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            x0, y0 = points[i]
            d = abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / length
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _unwrapped(ring):
    """A ring that crosses the antimeridian (Russia's far east, Fiji) is moved onto one side of it,
    so that it is not drawn as a band across the whole map; what lies past the edge is cut off."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in itertools.pairwise(ring)):
        return ring
    east = sum(lon > 0 for lon, _ in ring) >= len(ring) / 2
    return [
        (lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat)
        for lon, lat in ring
    ]


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, str]:
    """ISO alpha-2 code -> SVG path data. Decoded and projected once per process."""
    topology = json.loads(TOPOLOGY.read_text())
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # Quantised and delta-encoded, as TopoJSON stores them.
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        lonlat = []
        for index in indexes:
            lonlat.extend(arcs[index] if index >= 0 else arcs[~index][::-1])
        points = []
        for x, y in _simplified([to_svg(lon, lat) for lon, lat in _unwrapped(lonlat)], TOLERANCE):
            # Whole pixels are as fine as a 960-pixel map can show; repeated points go.
            point = (round(x), round(y))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 3:
            return ""  # An island smaller than a pixel.
        # Each point as a step from the last ("l1 0-1 2"): a third of the bytes of absolute
        # coordinates, on pages with two maps of every country.
        (x0, y0), steps = points[0], []
        for (px, py), (x, y) in itertools.pairwise(points):
            steps.append(f"{x - px} {y - py}")
        return (f"M{x0} {y0}l" + " ".join(steps) + "z").replace(" -", "-")

    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = (
            countries.alpha2(int(geometry["id"])) if str(geometry.get("id", "")).isdigit() else None
        )
        if not code or code in LEFT_OUT:
            continue  # Territories without an ISO code (N. Cyprus, Somaliland, Kosovo) carry no figures.
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes[code] = "".join(ring(r) for polygon in polygons for r in polygon)
    return shapes


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    value: int
    shade: str  # its CSS class
    path: str = ""
    dot: tuple[float, float] | None = None
    label: str = ""


def shade(value: int, maximum: int) -> str:
    if not value:
        return NO_DATA
    return SHADES[min(len(SHADES) - 1, (len(SHADES) * (value - 1)) // max(maximum, 1))]


def map_areas(values: dict[str, int], names: dict[str, str], describe) -> list[Area]:
    """Every country with a value (a shape, or a dot for a small state), shaded by it, after one
    area that draws all the countries without one: they are neither links nor read out, and
    their 130-odd elements were a fifth of a map's markup.

    ``describe(name, value)`` words the figure for the tooltip and the link's name.
    """
    shapes = country_shapes()
    maximum = max(values.values(), default=0)
    areas = [
        Area(code, names.get(code, code), values[code], shade(values[code], maximum), path=path)
        for code, path in shapes.items()
        if values.get(code)
    ]
    for code, (lon, lat) in SMALL_STATES.items():
        if values.get(code):
            areas.append(
                Area(
                    code,
                    names[code],
                    values[code],
                    shade(values[code], maximum),
                    dot=to_svg(lon, lat),
                )
            )
    without = "".join(path for code, path in shapes.items() if not values.get(code))
    return [Area("", "", 0, NO_DATA, path=without)] * bool(without) + [
        Area(**{**area.__dict__, "label": describe(area.name, area.value)})
        for area in sorted(areas, key=lambda a: a.value)
    ]


def legend(values: dict[str, int]) -> list[tuple[str, str]]:
    """(shade class, range) for each class in use, for the key under the map.

    Shade ``i`` of ``n`` takes the values ``v`` with ``n * (v - 1) // maximum == i`` (``shade``):
    from ``ceil(i * maximum / n) + 1`` up to the next shade's first value.
    """
    maximum = max(values.values(), default=0)
    if not maximum:
        return []
    n = len(SHADES)
    firsts = [-(-i * maximum // n) + 1 for i in range(n)] + [maximum + 1]
    return [
        (SHADES[i], f"{first}" if first == last else f"{first}–{last}")
        for i, (first, last) in enumerate((firsts[i], firsts[i + 1] - 1) for i in range(n))
        if first <= last
    ]


def category_areas(
    categories: list[tuple[str, str, set[str]]], names: dict[str, str]
) -> list[Area]:
    """A map in a few categories, e.g. a partnership's members and targets: [(label, shade, codes)].

    A country in several categories takes the first; its label names them all.
    """
    shapes = country_shapes()
    areas = []
    for code in [
        *shapes,
        *(c for c in SMALL_STATES if any(c in codes for _, _, codes in categories)),
    ]:
        found = [(label, shade) for label, shade, codes in categories if code in codes]
        name = names.get(code, code)
        shade = found[0][1] if found else NO_DATA
        label = (
            gettext("%(country)s: %(categories)s")
            % {"country": name, "categories": ", ".join(label for label, _ in found)}
            if found
            else name
        )
        value = 1 if found else 0
        if code in shapes:
            areas.append(Area(code, name, value, shade, path=shapes[code], label=label))
        else:
            areas.append(
                Area(code, name, value, shade, dot=to_svg(*SMALL_STATES[code]), label=label)
            )
    return sorted(areas, key=lambda area: area.value)


# The categories' CSS classes.
MEMBER_SHADE, TARGET_SHADE, TENTATIVE_SHADE, FOCUS_SHADE = (
    "map-member",
    "map-target",
    "map-tentative",
    "map-focus",
)
