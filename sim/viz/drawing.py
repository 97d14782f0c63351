"""Drawing the village as SVG text, and its key as HTML.

The page redraws after every step, so drawing must cost far less than the
50 ms a frame that 20 steps a second allow: residents are drawn as a handful
of SVG paths (one per colour and shade, each dot a zero-length round-capped
segment), built with numpy — tens of kilobytes a frame, drawn by the browser
in a few milliseconds.

The map has a light background in both themes, so its own texts are dark; the
key is HTML in the page's text colour, wrapping instead of overlapping. The
map's texts are sized by the page's style for the width the map is shown at
(``map_text_css``), so that they stay readable however small the map is.

The dots show how each household's last need ended (darker the more digitally
literate it is), or its digital literacy alone (``dots="literacy"``), so that a
training programme is seen on the map and not only in the charts.
"""

from __future__ import annotations

import math
import weakref
from html import escape

import numpy as np

from sim.viz import reading
from sim.viz.i18n import channel_label, number, t

CHANNEL_COLOURS = dict(zip(reading.CHANNELS, ("#b8b8b8", "#2ca02c", "#1f77b4", "#d62728", "#ff7f0e", "#9467bd")))
CHANNEL_ORDER = np.array(sorted(int(c) for c in CHANNEL_COLOURS))
CURRENT_CAMP, FORMER_CAMP = "#7b3294", "#008837"
MAP_BACKGROUND, MAP_INK, ROAD = "#f4f1e8", "#3d3526", "#8c7b5a"
SHADES = (0.35, 0.55, 0.75, 0.95)   # opacity by literacy band (darker = more literate)
# Literacy alone: five bands from orange (least literate) to dark purple (most), each seen on the light map.
LITERACY_BANDS = (0.2, 0.4, 0.6, 0.8)
LITERACY_COLOURS = ("#d95f02", "#f1a340", "#998ec3", "#542788", "#2d004b")
SIZE = 460
MARGIN = 36                         # the village leaves this much free at the map's edges (the top: for labels)
MAX_TIES = 600
REGENCY_END = (SIZE - 8, 32)        # where the road towards the regency seat leaves the map
# The map's texts on screen: at least this many pixels high whatever the map's width (the projector's larger).
TEXT_PX, PROJECTOR_TEXT_PX = 12.5, 17.0
LARGEST_FONT = 20.0                 # the largest size in map units the style gives (for the labels' places)


def _geometry(model) -> dict:
    """Pixel positions that do not change during a run (cached per model)."""
    cached = _geometries.get(model)
    if cached is not None:
        return cached
    lay = reading.layout(model)
    extent = float(max(np.abs(lay.x_km).max(), np.abs(lay.y_km).max(), lay.dist_kecamatan_km * 0.6, 1.0)) * 1.12
    scale = (SIZE / 2 - MARGIN) / extent

    def to_px(x, y):
        return SIZE / 2 + np.asarray(x) * scale, SIZE / 2 - np.asarray(y) * scale

    px, py = to_px(lay.x_km, lay.y_km)
    n_h = int(lay.hamlet.max()) + 1
    counts = np.maximum(np.bincount(lay.hamlet, minlength=n_h), 1)
    hpx, hpy = to_px(np.bincount(lay.hamlet, weights=lay.x_km, minlength=n_h) / counts,
                     np.bincount(lay.hamlet, weights=lay.y_km, minlength=n_h) / counts)
    # Officials stand at their hamlet (kepala dusun) or around the village office (staff).
    ox, oy = [], []
    staff = 0
    for hamlet in lay.official_hamlet.tolist():
        if hamlet >= 0:
            ox.append(hpx[hamlet] + 9)
            oy.append(hpy[hamlet] - 9)
        else:
            ox.append(SIZE / 2 + 14 * (staff - 1))
            oy.append(SIZE / 2 + 16)
            staff += 1
    kx, _ = to_px(lay.dist_kecamatan_km, 0.0)
    # Each household's dot as path text, written once: a frame only joins the dots of each colour.
    xy = np.round(np.column_stack([px, py]), 1)
    dots = np.array([f"M{x:g} {y:g}h0" for x, y in xy.tolist()], dtype=object)
    geometry = {"px": px, "py": py, "dots": dots, "hpx": hpx, "hpy": hpy, "ox": np.array(ox), "oy": np.array(oy),
                "scale": scale, "kx": min(float(kx), SIZE - 14), "current": lay.official_current}
    _geometries[model] = geometry
    return geometry


_geometries: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()


def regency_label_anchor() -> tuple[float, float]:
    """Where the regency label ends (text-anchor end) and its baseline: above the end of the dashed road, in the
    band the village leaves free at the top of the map, clear of the road at any size the style gives it.

    The road runs from the centre to ``REGENCY_END`` and never rises above it; the label ends where the road
    does, and its lowest point (the baseline and a quarter of the largest font, for descenders) stays 4 units
    above that end.
    """
    ex, ey = REGENCY_END
    return float(ex), float(ey) - 4 - 0.25 * LARGEST_FONT


def map_text_css(selector: str, min_px: float) -> str:
    """Style rules sizing the map's texts for the width the map is shown at: at least ``min_px`` pixels high.

    The map is a square of ``SIZE`` units scaled to its panel, so a font of f units is f × width / SIZE pixels
    high. CSS cannot divide by a width, so the rules step: in each band of panel widths from w to 1.12 w the
    font is ``min_px`` × SIZE / w units (at most ``LARGEST_FONT``). ``selector`` names the panel, which is a
    size container (``container-type: inline-size``).
    """
    rules, width = [], 180.0
    while width < 2600:
        font = min(LARGEST_FONT, math.ceil(min_px * SIZE / width * 100) / 100)
        rules.append(f"@container (min-width: {width:.0f}px) {{ {selector} .village-map text "
                     f"{{ font-size: {font:.2f}px; }} }}")
        width *= 1.12
    return "\n".join([f"{selector} .village-map text {{ font-size: {LARGEST_FONT:.2f}px; }}", *rules])


def literacy_band(literacy: np.ndarray) -> np.ndarray:
    """Each household's band of ``LITERACY_BANDS`` (0: below the first boundary)."""
    return np.digitize(literacy, LITERACY_BANDS)


def village_svg(model, lang: str, show_ties: bool = False, dots: str = "channel") -> str:
    """The map: hamlets, roads, offices, residents by channel and literacy (or by literacy alone), officials,
    ties on demand."""
    g = _geometry(model)
    week = reading.now(model)
    c = SIZE / 2
    kx = g["kx"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" class="village-map" '
             f'font-family="sans-serif" preserveAspectRatio="xMidYMid meet">',
             f'<rect class="map-background" x="0" y="0" width="{SIZE}" height="{SIZE}" fill="{MAP_BACKGROUND}" '
             f'rx="6"/>']
    # Roads: to the kecamatan office (east) and towards the regency seat (north-east, off the map).
    ex, ey = REGENCY_END
    parts.append(f'<line x1="{c}" y1="{c}" x2="{kx:.1f}" y2="{c}" stroke="{ROAD}" stroke-width="4"/>')
    parts.append(f'<line class="regency-road" x1="{c}" y1="{c}" x2="{ex}" y2="{ey}" stroke="{ROAD}" stroke-width="4" '
                 f'stroke-dasharray="10 5"/>')
    # Hamlet grounds.
    radius = 0.45 * g["scale"]
    for hx, hy in zip(g["hpx"].tolist(), g["hpy"].tolist()):
        parts.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="{radius:.1f}" fill="#e3dcc6" stroke="#c9bf9f"/>')
    # Patron ties (locked-in households to their strongest official).
    if show_ties:
        locked, patron = reading.ties_now(model, MAX_TIES)
        if locked.size:
            d = "".join(f"M{x:.1f} {y:.1f}L{a:.1f} {b:.1f}" for x, y, a, b in zip(
                g["px"][locked].tolist(), g["py"][locked].tolist(), g["ox"][patron].tolist(),
                g["oy"][patron].tolist()))
            parts.append(f'<path d="{d}" stroke="#d62728" stroke-opacity="0.18" stroke-width="1" fill="none" '
                         f'class="ties"/>')
    # Residents by channel of their last need, shaded by literacy (or by literacy alone).
    # One path per colour and shade: group the households by both with one stable sort.
    if dots == "literacy":
        group = literacy_band(week.literacy)
        styles = [(colour, 0.9) for colour in LITERACY_COLOURS]
    else:
        band = np.digitize(week.literacy, (0.25, 0.45, 0.65))
        group = np.searchsorted(CHANNEL_ORDER, week.last_channel) * len(SHADES) + band
        styles = [(CHANNEL_COLOURS[int(ch)], alpha) for ch in CHANNEL_ORDER for alpha in SHADES]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(styles) + 1))
    points = g["dots"][order].tolist()
    parts.append(f'<g class="residents" data-dots="{"literacy" if dots == "literacy" else "channel"}">')
    for k, (colour, alpha) in enumerate(styles):
        if bounds[k + 1] > bounds[k]:
            parts.append(f'<path d="{"".join(points[bounds[k]:bounds[k + 1]])}" stroke="{colour}" '
                         f'stroke-opacity="{alpha}" stroke-width="3.2" stroke-linecap="round" fill="none"/>')
    parts.append("</g>")
    # Offices and officials, above the residents.
    parts.append(f'<rect x="{c - 7}" y="{c - 7}" width="14" height="14" fill="#333"/>')
    parts.append(f'<rect x="{kx - 6:.1f}" y="{c - 6}" width="12" height="12" fill="#666"/>')
    for x, y, current in zip(g["ox"].tolist(), g["oy"].tolist(), g["current"].tolist()):
        colour = CURRENT_CAMP if current else FORMER_CAMP
        parts.append(f'<path d="M{x:.1f} {y - 7:.1f}L{x + 6:.1f} {y + 4:.1f}L{x - 6:.1f} {y + 4:.1f}Z" '
                     f'fill="{colour}" stroke="white" stroke-width="1"/>')
    # Names last, with a halo in the map's colour: never under the dots.
    halo = f'stroke="{MAP_BACKGROUND}" stroke-width="3.5" paint-order="stroke" stroke-linejoin="round"'
    for h, (hx, hy) in enumerate(zip(g["hpx"].tolist(), g["hpy"].tolist())):
        parts.append(f'<text class="hamlet-label" x="{hx:.1f}" y="{hy - radius - 3:.1f}" font-size="12" '
                     f'text-anchor="middle" fill="{MAP_INK}" {halo}>{escape(t(lang, "hamlet", n=h + 1))}</text>')
    lx, ly = regency_label_anchor()
    km = number(lang, week.regency_km, 0)
    parts.append(f'<text class="regency-label" x="{lx:.1f}" y="{ly:.1f}" font-size="12" text-anchor="end" '
                 f'fill="{MAP_INK}" {halo}>{escape(t(lang, "regency_seat", km=km))} ↗</text>')
    parts.append("</svg>")
    return "".join(parts)


def _swatch(kind: str, colour: str) -> str:
    if kind == "dot":
        shape = f'<circle cx="7" cy="7" r="5" fill="{colour}"/>'
    elif kind == "square":
        shape = f'<rect x="2" y="2" width="10" height="10" fill="{colour}" stroke="#9a9a9a"/>'   # seen on dark too
    elif kind == "triangle":
        shape = f'<path d="M7 1L13 12L1 12Z" fill="{colour}"/>'
    else:
        shape = f'<line x1="0" y1="7" x2="14" y2="7" stroke="{colour}" stroke-width="2"/>'
    return f'<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">{shape}</svg>'


def literacy_labels(lang: str) -> list[str]:
    """The names of the literacy bands, lowest first."""
    b = [number(lang, v, 1) for v in LITERACY_BANDS]
    middle = [t(lang, "literacy_band", lo=lo, hi=hi) for lo, hi in zip(b, b[1:])]
    return [t(lang, "literacy_band_low", hi=b[0]), *middle, t(lang, "literacy_band_top", lo=b[-1])]


def map_key_html(lang: str, show_ties: bool = False, dots: str = "channel") -> str:
    """The map's key: one item per colour or shape, in a wrapping row (HTML, in the page's text colour)."""
    if dots == "literacy":
        items = [("dot", colour, label) for colour, label in zip(LITERACY_COLOURS, literacy_labels(lang))]
    else:
        items = [("dot", colour, channel_label(lang, ch)) for ch, colour in CHANNEL_COLOURS.items()]
    items += [("square", "#333", t(lang, "village_office")), ("square", "#666", t(lang, "kecamatan_office")),
              ("triangle", CURRENT_CAMP, t(lang, "official_current")),
              ("triangle", FORMER_CAMP, t(lang, "official_former"))]
    if show_ties:
        items.append(("line", "#d62728", t(lang, "ties")))
    spans = "".join(f'<span class="key-item">{_swatch(kind, colour)}<span>{escape(label)}</span></span>'
                    for kind, colour, label in items)
    note = "" if dots == "literacy" else (f'<span class="key-item key-note">{escape(t(lang, "literacy_note"))}'
                                          "</span>")
    return f'<div class="map-key">{spans}{note}</div>'
