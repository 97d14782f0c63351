"""The live charts and the caption under the map, driven by a list of outcome names.

``CHARTS`` says which outcomes (``sim.core.outcomes``) the page shows and how;
``CAPTION_OUTCOMES`` which ones the caption sums up. Changing the headline
outcome is a change of these two lists.

Charts are SVG in the page's text colour (``currentColor``: readable in the
light and the dark theme). They do not mislead a class: every value axis starts
at zero, both axes carry ticks, the time axis spans the whole run from the
start (lines grow into a fixed frame instead of rescaling), a dashed line marks
the week the policies start, and a key names each line.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from html import escape

import numpy as np

from sim.viz import reading
from sim.viz.i18n import decimals_for, number, number_label, outcome_label, percent, t

WIDTH, HEIGHT = 300, 165
FLAT_HEIGHT = 135        # side by side: flatter charts, so that a row of them fits under the two villages
PAD_L, PAD_R, PAD_T, PAD_B = 56, 8, 16, 36
FONT = 12


@dataclass(frozen=True)
class Chart:
    """One chart: its title, the outcomes drawn (one line each), their colours and how values read."""

    title: str                       # a key of i18n.TEXT
    outcomes: tuple[str, ...]
    colours: tuple[str, ...]
    kind: str                        # "share" (percent), "rupiah", "level" (0-1 scale), "gap" (percent, may be < 0)
    line_keys: tuple[str, ...] = ()  # i18n keys naming each outcome's line when there are several


CHARTS: tuple[Chart, ...] = (
    Chart("chart_paid", ("paid_dependence_share",), ("#d62728",), "share"),
    Chart("chart_lockin", ("patron_lockin_share",), ("#9467bd",), "share"),
    Chart("chart_fees", ("fees_per_household_rupiah",), ("#2ca02c",), "rupiah"),
    Chart("chart_online", ("online_share",), ("#1f77b4",), "share"),
    Chart("chart_literacy", ("mean_literacy",), ("#8c564b",), "level"),
    Chart("chart_gaps", ("access_gap_literacy", "access_gap_distance", "access_gap_income"),
          ("#1f77b4", "#8c564b", "#ff7f0e"), "gap", ("gap_literacy", "gap_distance", "gap_income")),
)
GAP_CHART = CHARTS[-1]

# What the caption under the map sums up, and what each map's numbers show (fees first: the pemekaran lesson).
CAPTION_OUTCOMES = ("paid_dependence_share", "fees_per_household_rupiah", "online_share", "mean_literacy")
MAP_NUMBERS = ("fees_per_household_rupiah", "paid_dependence_share", "online_share", "mean_literacy")
KINDS = {c.outcomes[i]: c.kind for c in CHARTS for i in range(len(c.outcomes))}


def nice_step(span: float, target: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` intervals."""
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def value_axis(values: list[np.ndarray], kind: str) -> tuple[float, float, float]:
    """(low, high, tick step) of a value axis: from zero (or below, for a negative gap) to a round value."""
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(0)
    lo = min(float(finite.min()), 0.0) if finite.size else 0.0
    hi = max(float(finite.max()), 0.0) if finite.size else 0.0
    floor = {"share": 0.1, "gap": 0.1, "level": 1.0, "rupiah": 10_000.0}[kind]
    hi = max(hi, floor)
    if kind == "level":
        hi = 1.0                        # a 0-1 scale is shown whole
    step = nice_step(hi - lo)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step


def format_value(lang: str, kind: str, v: float, step: float | None = None) -> str:
    """A value as a chart shows it; with ``step`` (a tick step), with just the decimals the ticks need."""
    if kind in ("share", "gap"):
        decimals = decimals_for(step * 100) if step else (0 if abs(v) >= 0.01 or v == 0 else 1)
        return percent(lang, v, decimals)
    if kind == "rupiah":
        return number(lang, v, 0)
    return number(lang, v, decimals_for(step) if step else 2)


def line_chart(lines: list[tuple], lang: str, kind: str, span_weeks: int,
               start_week: int | None, end_week: int | None = None, height: int = HEIGHT) -> str:
    """The plot (SVG) of lines over ``span_weeks`` weeks, with the weeks the policies start (and end) marked.

    A line is (key label, values by week, colour, dashed) and, when the values are a model's series so
    far, (model, outcome name) after them: its points already written are then reused.
    """
    values = [np.asarray(line[1], dtype=float) for line in lines]
    lo, hi, step = value_axis(values, kind)
    span = max(span_weeks, max((v.size for v in values), default=0), 1)
    w, h = WIDTH - PAD_L - PAD_R, height - PAD_T - PAD_B

    def xpx(week):
        return PAD_L + np.asarray(week, dtype=float) / span * w

    def ypx(v):
        return PAD_T + h - (np.asarray(v, dtype=float) - lo) / (hi - lo) * h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" '
             f'font-family="sans-serif" fill="currentColor">']
    # Value axis: a grid line and a label at every tick, zero stronger.
    n_ticks = int(round((hi - lo) / step))
    for k in range(n_ticks + 1):
        v = lo + k * step
        y = float(ypx(v))
        strong = abs(v) < step / 1000
        parts.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{PAD_L + w}" y2="{y:.1f}" stroke="currentColor" '
                     f'stroke-opacity="{0.6 if strong else 0.18}"/>')
        parts.append(f'<text class="tick y-tick" x="{PAD_L - 5}" y="{y + 4:.1f}" font-size="{FONT}" '
                     f'text-anchor="end">{escape(format_value(lang, kind, v, step))}</text>')
    # Time axis: years.
    years = span / reading.WEEKS_PER_YEAR
    every = 1 if years <= 12 else nice_step(years, 8)
    base = PAD_T + h
    parts.append(f'<line x1="{PAD_L}" y1="{base}" x2="{PAD_L}" y2="{PAD_T}" stroke="currentColor" '
                 f'stroke-opacity="0.6"/>')
    year = 0.0
    while year <= years + 1e-9:
        x = float(xpx(year * reading.WEEKS_PER_YEAR))
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="currentColor" '
                     f'stroke-opacity="0.6"/><text class="tick x-tick" x="{x:.1f}" y="{base + 16}" '
                     f'font-size="{FONT}" text-anchor="middle">{number(lang, year, 0)}</text>')
        year += every
    parts.append(f'<text class="axis-name" x="{PAD_L + w}" y="{base + 31}" font-size="{FONT}" text-anchor="end">'
                 f'{escape(t(lang, "year"))}</text>')
    # When the policies start (dashed, named to the right) and end (dotted, named to the left).
    for name, marked, dash, dx, anchor in (("policy_start", start_week, "3 3", 3, "start"),
                                           ("policy_end", end_week, "1 3", -3, "end")):
        if marked is not None and marked <= span:
            x = float(xpx(marked))
            parts.append(f'<g class="{name.replace("_", "-")}" data-week="{marked}"><line x1="{x:.1f}" '
                         f'y1="{PAD_T - 4}" x2="{x:.1f}" y2="{base}" stroke="currentColor" stroke-opacity="0.75" '
                         f'stroke-dasharray="{dash}"/><text x="{x + dx:.1f}" y="{PAD_T - 6}" font-size="{FONT - 1}" '
                         f'text-anchor="{anchor}">{escape(t(lang, name))}</text></g>')
    # The lines (value i is recorded after week i + 1), at most one point per unit of width.
    stride = max(1, math.ceil(span / w))
    for (_, _, colour, dashed, *source), v in zip(lines, values):
        if v.size:
            pts = _points(source[0] if source else None, v, stride, (lo, hi, span, height), xpx, ypx)
            dash = ' stroke-dasharray="6 3"' if dashed else ""
            parts.append(f'<polyline class="series" points="{pts}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"{dash}/>')
    parts.append("</svg>")
    return "".join(parts)


# Points of a line already written, per model and outcome: a frame writes only the weeks that are new,
# unless the axes changed (then the line is written anew).
_written: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()


def _points(source: tuple | None, v: np.ndarray, stride: int, axes: tuple, xpx, ypx) -> str:
    """The polyline points of ``v`` (every ``stride``-th week and the last one) as SVG text.

    ``source`` is (model, outcome name) when the values are that model's series so far, else None.
    """
    if source is None:
        cached = [(axes, stride), 0, []]
    else:
        per_model = _written.setdefault(source[0], {})
        cached = per_model.get(source[1])
        if cached is None or cached[0] != (axes, stride) or cached[1] > v.size:
            cached = per_model[source[1]] = [(axes, stride), 0, []]
    _, done, text = cached
    full = (v.size - 1) // stride * stride      # the last week on the stride grid
    if full >= done:
        index = np.arange(done, full + 1, stride)
        x, y = xpx(index + 1), ypx(np.nan_to_num(v[index], nan=0.0))
        text.extend(f"{a:.1f},{b:.1f}" for a, b in zip(x.tolist(), y.tolist()))
        cached[1] = int(index[-1]) + stride
    last = "" if full == v.size - 1 else (f" {float(xpx(v.size)):.1f},"
                                           f"{float(ypx(np.nan_to_num(v[-1:], nan=0.0))[0]):.1f}")
    return " ".join(text) + last


def chart_html(title: str, lines: list[tuple], plot: str) -> str:
    """A chart: its title and key (HTML, wrapping in the page's text colour) above its plot."""
    key: list[tuple[str, str, bool]] = []
    for label, _, colour, dashed, *_ in lines:
        if (label, colour, dashed) not in key:
            key.append((label, colour, dashed))
    dashes = {True: ' stroke-dasharray="6 3"', False: ""}
    entries = "".join(
        f'<span class="key-entry"><svg width="22" height="10" aria-hidden="true"><line x1="0" y1="5" x2="22" y2="5" '
        f'stroke="{colour}" stroke-width="2.5"{dashes[dashed]}/></svg> {escape(label)}</span>'
        for label, colour, dashed in key)
    return f'<div class="chart-title">{escape(title)}</div><div class="chart-key">{entries}</div>{plot}'


def run_label(model, lang: str) -> str:
    """The key of a run's line when it is the only run: with the policies or without any."""
    return t(lang, "with_policies") if reading.policies_on(model) else t(lang, "no_policy")


def charts_html(model, lang: str, span_weeks: int = reading.RUN_LENGTH_WEEKS, gap_dimension: int = 0) -> list[str]:
    """The charts of CHARTS for a model; with a twin, the policy run solid and the baseline dashed.

    In the side-by-side view the access-gap chart shows one dimension (``gap_dimension``) for both runs,
    two lines rather than six, and the charts are flatter (``FLAT_HEIGHT``).
    """
    base = reading.twin(model)
    start, end = reading.policy_start_week(model), reading.policy_end_week(model)
    out = []
    for chart in CHARTS:
        if base is None:
            label = run_label(model, lang)
            if len(chart.outcomes) == 1:
                name = chart.outcomes[0]
                lines = [(label, reading.series(model, name), chart.colours[0], False, (model, name))]
            else:
                lines = [(t(lang, key), reading.series(model, name), colour, False, (model, name))
                         for name, colour, key in zip(chart.outcomes, chart.colours, chart.line_keys)]
            title = t(lang, chart.title)
        else:
            i = gap_dimension if len(chart.outcomes) > 1 else 0
            name, colour = chart.outcomes[i], chart.colours[i]
            lines = [(t(lang, "with_policy"), reading.series(model, name), colour, False, (model, name)),
                     (t(lang, "baseline"), reading.series(base, name), colour, True, (base, name))]
            title = (t(lang, "chart_gap_one", dim=t(lang, chart.line_keys[i])) if len(chart.outcomes) > 1
                     else t(lang, chart.title))
        height = HEIGHT if base is None else FLAT_HEIGHT
        out.append(chart_html(title, lines, line_chart(lines, lang, chart.kind, span_weeks, start, end, height)))
    return out


def _at(values: np.ndarray, week: int) -> float:
    """The value recorded after ``week`` weeks (the last finite one up to then; value i is after week i + 1)."""
    upto = values[:week]
    finite = upto[np.isfinite(upto)]
    return float(finite[-1]) if finite.size else float("nan")


def _shown(lang: str, kind: str, v: float) -> str:
    """A value as the caption and the map's numbers write it (fees to the nearest hundred rupiah)."""
    if not np.isfinite(v):
        return "–"
    return f"Rp {number(lang, round(v, -2))}" if kind == "rupiah" else format_value(lang, kind, v)


def difference(lang: str, kind: str, v: float, baseline: float) -> str:
    """How a value differs from the baseline's: fees in percent of the baseline's, shares in percentage points,
    levels in their own units, with a sign; empty when there is no difference to show."""
    if not (np.isfinite(v) and np.isfinite(baseline)):
        return ""
    if kind == "rupiah":
        if baseline == 0:
            return ""
        d = round((v / baseline - 1) * 100)
        text = f"{number(lang, abs(d))}%"
    elif kind in ("share", "gap"):
        d = round((v - baseline) * 100, 1)
        text = t(lang, "difference_points", sign="", v=number(lang, abs(d), 1))
    else:
        d = round(v - baseline, 2)
        text = number(lang, abs(d), 2)
    if d == 0:
        return ""
    return ("+" if d > 0 else "−") + text


def numbers_html(model, lang: str, base=None) -> str:
    """A map's numbers: the outcomes of ``MAP_NUMBERS`` now, each with its difference to ``base`` (a baseline
    run) when given."""
    week = reading.week(model)
    items = []
    for name in MAP_NUMBERS:
        kind = KINDS.get(name, "share")
        v = _at(reading.series(model, name), week)
        diff = "" if base is None else difference(lang, kind, v, _at(reading.series(base, name), week))
        shown = f'<b>{escape(_shown(lang, kind, v))}</b>'
        if diff:
            shown += f' <span class="number-diff">({escape(diff)})</span>'
        items.append(f'<span class="number-item" data-outcome="{name}">{escape(number_label(lang, name))} '
                     f'{shown}</span>')
    return f'<div class="map-numbers">{"".join(items)}</div>'


def caption(model, lang: str) -> str:
    """A sentence on what happened since the policies started (with a twin: the numbers are under each map)."""
    start = reading.policy_start_week(model)
    week = reading.week(model)
    if start is None:
        return t(lang, "caption_none")
    if week < start:
        return t(lang, "caption_before", week=start, left=start - week)
    years = number(lang, (week - start) / reading.WEEKS_PER_YEAR, 1)
    base = reading.twin(model)
    if base is not None:
        return t(lang, "caption_compare_short", week=start, years=years)
    changes = []
    for name in CAPTION_OUTCOMES:
        kind = KINDS.get(name, "share")
        series = reading.series(model, name)
        # The value just before the policies act (the trailing year up to the week before) and now.
        changes.append(t(lang, "change", what=outcome_label(lang, name),
                         before=_shown(lang, kind, _at(series, start - 1)), now=_shown(lang, kind, _at(series, week))))
    return t(lang, "caption_since", week=start, years=years, changes="; ".join(changes))
