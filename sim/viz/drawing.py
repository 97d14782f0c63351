"""Drawing the village and the charts as SVG text.

The page redraws after every step, so drawing must cost far less than the
100 ms a frame that 10 steps a second allow: residents are drawn as a handful
of SVG paths (one per channel and literacy shade, each dot a zero-length
round-capped segment), and charts as polylines — tens of kilobytes a frame,
built with numpy, drawn by the browser in a few milliseconds.
"""

from __future__ import annotations

from html import escape

import numpy as np

from sim.core.population import CURRENT
from sim.core.services import Channel
from sim.viz.i18n import channel_label, t

CHANNEL_COLOURS = {-1: "#b8b8b8", Channel.IN_PERSON: "#2ca02c", Channel.ONLINE: "#1f77b4",
                   Channel.ENTRUST: "#d62728", Channel.BROKER: "#ff7f0e", Channel.DEFER: "#9467bd"}
SHADES = (0.35, 0.55, 0.75, 0.95)   # opacity by literacy quartile of the current value
SIZE = 460
MAX_TIES = 600


def _geometry(model) -> dict:
    """Positions that do not change during a run (cached on the model)."""
    cached = getattr(model, "_viz_geometry", None)
    if cached is not None:
        return cached
    r = model.residents
    extent = float(max(np.abs(r.x_km).max(), np.abs(r.y_km).max(), model.p.dist_kecamatan_km * 0.6, 1.0)) * 1.12
    scale = (SIZE / 2 - 20) / extent

    def to_px(x, y):
        return SIZE / 2 + np.asarray(x) * scale, SIZE / 2 - np.asarray(y) * scale

    px, py = to_px(r.x_km, r.y_km)
    n_h = int(r.hamlet.max()) + 1
    counts = np.maximum(np.bincount(r.hamlet, minlength=n_h), 1)
    hx = np.bincount(r.hamlet, weights=r.x_km, minlength=n_h) / counts
    hy = np.bincount(r.hamlet, weights=r.y_km, minlength=n_h) / counts
    hpx, hpy = to_px(hx, hy)
    # Officials stand at their hamlet (kepala dusun) or around the village office (staff).
    ox, oy = [], []
    staff = 0
    for o in model.officials:
        if o.hamlet >= 0:
            ox.append(hpx[o.hamlet] + 9)
            oy.append(hpy[o.hamlet] - 9)
        else:
            ox.append(SIZE / 2 + 14 * (staff - 1))
            oy.append(SIZE / 2 + 16)
            staff += 1
    geometry = {"px": px, "py": py, "hpx": hpx, "hpy": hpy, "ox": np.array(ox), "oy": np.array(oy),
                "scale": scale, "to_px": to_px}
    model._viz_geometry = geometry
    return geometry


def _dots(px: np.ndarray, py: np.ndarray) -> str:
    xy = np.round(np.column_stack([px, py]), 1)
    return "".join(f"M{x:g} {y:g}h0" for x, y in xy.tolist())


def village_svg(model, lang: str, title: str, show_ties: bool = False) -> str:
    """The map: hamlets, roads, offices, officials, residents by channel and literacy, ties on demand."""
    g = _geometry(model)
    r = model.residents
    c = SIZE / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE + 120}" '
             f'style="width:100%;max-width:{SIZE + 40}px;font-family:sans-serif" class="village-map">',
             f'<rect x="0" y="0" width="{SIZE}" height="{SIZE}" fill="#f4f1e8" rx="6"/>',
             f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    # Roads: to the kecamatan office (east) and towards the regency seat (north-east, off the map).
    kx, ky = g["to_px"](model.p.dist_kecamatan_km, 0.0)
    kx = min(float(kx), SIZE - 14)
    parts.append(f'<line x1="{c}" y1="{c}" x2="{kx:.1f}" y2="{c}" stroke="#8c7b5a" stroke-width="4"/>')
    parts.append(f'<line x1="{c}" y1="{c}" x2="{SIZE - 8}" y2="28" stroke="#8c7b5a" stroke-width="4" '
                 f'stroke-dasharray="10 5"/>')
    parts.append(f'<text x="{SIZE - 12}" y="44" font-size="12" text-anchor="end">'
                 f'{escape(t(lang, "regency_seat", km=model.regency_distance_km))} →</text>')
    # Hamlets.
    for h, (hx, hy) in enumerate(zip(g["hpx"], g["hpy"])):
        parts.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="{0.45 * g["scale"]:.1f}" fill="#e3dcc6" '
                     f'stroke="#c9bf9f"/>')
        parts.append(f'<text x="{hx:.1f}" y="{hy - 0.45 * g["scale"] - 3:.1f}" font-size="11" '
                     f'text-anchor="middle" fill="#6b5f45">{escape(t(lang, "hamlet", n=h + 1))}</text>')
    # Patron ties (locked-in households to their strongest official).
    if show_ties:
        locked = np.nonzero(r.lock_until >= model.steps)[0][:MAX_TIES]
        if locked.size:
            patron = np.argmax(model.current_ties(locked), axis=1)
            d = "".join(f"M{x:.1f} {y:.1f}L{a:.1f} {b:.1f}" for x, y, a, b in zip(
                g["px"][locked].tolist(), g["py"][locked].tolist(), g["ox"][patron].tolist(),
                g["oy"][patron].tolist()))
            parts.append(f'<path d="{d}" stroke="#d62728" stroke-opacity="0.18" stroke-width="1" fill="none" '
                         f'class="ties"/>')
    # Residents by channel of their last need, shaded by literacy.
    shade = np.digitize(r.literacy, (0.25, 0.45, 0.65))
    for ch, colour in CHANNEL_COLOURS.items():
        sel = r.last_channel == ch
        for s, alpha in enumerate(SHADES):
            idx = np.nonzero(sel & (shade == s))[0]
            if idx.size:
                parts.append(f'<path d="{_dots(g["px"][idx], g["py"][idx])}" stroke="{colour}" '
                             f'stroke-opacity="{alpha}" stroke-width="3.2" stroke-linecap="round" fill="none"/>')
    # Offices and officials.
    parts.append(f'<rect x="{c - 7}" y="{c - 7}" width="14" height="14" fill="#333"/>')
    parts.append(f'<rect x="{kx - 6:.1f}" y="{c - 6}" width="12" height="12" fill="#666"/>')
    for o, x, y in zip(model.officials, g["ox"], g["oy"]):
        colour = "#7b3294" if o.faction == CURRENT else "#008837"
        parts.append(f'<path d="M{x:.1f} {y - 7:.1f}L{x + 6:.1f} {y + 4:.1f}L{x - 6:.1f} {y + 4:.1f}Z" '
                     f'fill="{colour}" stroke="white" stroke-width="1"/>')
    # Legend.
    y0 = SIZE + 16
    for k, (ch, colour) in enumerate(CHANNEL_COLOURS.items()):
        x = 10 + (k % 3) * 150
        y = y0 + (k // 3) * 18
        parts.append(f'<circle cx="{x}" cy="{y - 4}" r="5" fill="{colour}"/><text x="{x + 9}" y="{y}" '
                     f'font-size="12">{escape(channel_label(lang, int(ch)))}</text>')
    y = y0 + 40
    parts.append(f'<text x="10" y="{y}" font-size="11" fill="#555">{escape(t(lang, "literacy_note"))}</text>')
    legend = (("#333", "rect", t(lang, "village_office")), ("#666", "rect", t(lang, "kecamatan_office")),
              ("#7b3294", "tri", t(lang, "official_current")), ("#008837", "tri", t(lang, "official_former")))
    for k, (colour, shape, label) in enumerate(legend):
        x = 10 + (k % 2) * 220
        yy = y + 18 + (k // 2) * 18
        mark = (f'<rect x="{x - 5}" y="{yy - 9}" width="10" height="10" fill="{colour}"/>' if shape == "rect" else
                f'<path d="M{x} {yy - 10}L{x + 5} {yy}L{x - 5} {yy}Z" fill="{colour}"/>')
        parts.append(f'{mark}<text x="{x + 9}" y="{yy}" font-size="12">{escape(label)}</text>')
    if show_ties:
        parts.append(f'<line x1="270" y1="{y - 4}" x2="290" y2="{y - 4}" stroke="#d62728" stroke-opacity="0.5"/>'
                     f'<text x="295" y="{y}" font-size="11">{escape(t(lang, "ties"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(series: list[tuple[str, list[float], str, bool]], title: str, lang: str, width: int = 460,
               height: int = 180, percent: bool = True, legend: list[tuple[str, str, bool]] | None = None) -> str:
    """A small line chart: series of (label, values by step, colour, dashed); ``legend`` overrides the key."""
    pad_l, pad_r, pad_t, pad_b = 48, 10, 26, 34
    values = [np.asarray(v, dtype=float) for _, v, _, _ in series]
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(0)
    n = max((v.size for v in values), default=0)
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if percent:
        lo, hi = min(lo, 0.0), max(hi, 0.05)
    if hi - lo < 1e-9:
        hi = lo + 1.0
    span_x = max(n, 52)
    w, h = width - pad_l - pad_r, height - pad_t - pad_b

    def fmt(v):
        return f"{v * 100:.0f}%" if percent else f"{v:,.0f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'style="width:100%;max-width:{width + 20}px;font-family:sans-serif" class="chart">',
             f'<text x="{pad_l}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" stroke="#999"/>',
             f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{pad_t + h}" stroke="#999"/>',
             f'<text x="{pad_l - 4}" y="{pad_t + 8}" font-size="10" text-anchor="end">{fmt(hi)}</text>',
             f'<text x="{pad_l - 4}" y="{pad_t + h}" font-size="10" text-anchor="end">{fmt(lo)}</text>',
             f'<text x="{pad_l + w}" y="{pad_t + h + 13}" font-size="10" text-anchor="end">'
             f'{escape(t(lang, "year"))} {span_x / 52:.1f}</text>']
    for (label, _, colour, dashed), v in zip(series, values):
        if v.size:
            x = pad_l + np.arange(v.size) / span_x * w
            y = pad_t + h - (np.nan_to_num(v, nan=lo) - lo) / (hi - lo) * h
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x.tolist(), y.tolist()))
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    key = legend if legend is not None else [(label, colour, dashed) for label, _, colour, dashed in series]
    for k, (label, colour, dashed) in enumerate(key):
        lx = pad_l + 4 + (k % 3) * 135
        ly = height - 6 - (1 - k // 3) * 12 if len(key) > 3 else height - 6
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 16}" y2="{ly - 4}" stroke="{colour}" '
                     f'stroke-width="2"{dash}/><text x="{lx + 20}" y="{ly}" font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts_svg(model, lang: str) -> list[str]:
    """The four live charts; with a twin, the policy run solid and the baseline dashed."""
    runs = [(model, False)]
    if getattr(model, "twin", None) is not None:
        runs.append((model.twin, True))
    compare = len(runs) == 2
    sides = [(t(lang, "with_policy"), "#555", False), (t(lang, "baseline"), "#555", True)] if compare else []

    def series(name, colour, label):
        return [(label, m.datacollector.model_vars[name], colour, dashed) for m, dashed in runs]

    def simple(name, colour, title, percent=True):
        s = series(name, colour, t(lang, "outcomes"))
        key = [(label, colour, dashed) for label, _, dashed in sides] if compare else None
        return line_chart(s, title, lang, percent=percent, legend=key)

    gaps = (series("access_gap_literacy", "#1f77b4", t(lang, "gap_literacy"))
            + series("access_gap_distance", "#8c564b", t(lang, "gap_distance"))
            + series("access_gap_income", "#ff7f0e", t(lang, "gap_income")))
    gap_key = [(t(lang, k), c, False) for k, c in (("gap_literacy", "#1f77b4"), ("gap_distance", "#8c564b"),
                                                    ("gap_income", "#ff7f0e"))] + sides
    return [
        simple("brokered_share", "#d62728", t(lang, "chart_brokered")),
        simple("patron_lockin_share", "#9467bd", t(lang, "chart_lockin")),
        line_chart(gaps, t(lang, "chart_gaps"), lang, legend=gap_key),
        simple("fees_per_household_rupiah", "#2ca02c", t(lang, "chart_fees"), percent=False),
    ]
