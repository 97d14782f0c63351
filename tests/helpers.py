"""Shared helpers: running many seeds (on both cores), paired statistics, and small experiments compared table by
table."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import select
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

SEEDS = tuple(range(20))


def context(model, needs=None, rng=None):
    """The model's context of this week, as a rule reads it, with other pending ``needs`` and other draws where
    given (``rng``: a generator whose first draw keys them; the model's own state otherwise)."""
    from dataclasses import replace

    from sim.core.draws import Draws

    week = model.context()
    world = week.world if needs is None else replace(week.world, needs=needs)
    if rng is None:
        return replace(week, world=world)
    return replace(week, world=world, rng=rng, draws=Draws(int(rng.integers(0, 2 ** 63)), week.t))


YEARLY = ("paid_dependence_share", "brokered_share", "patron_lockin_share", "online_activated_share",
          "mean_literacy", "repeat_patron_rate")


def spun_up(args: tuple) -> bytes:
    """A village spun up for ``(scenario, policy, overrides, seed)`` with the diagnostics ``final_state`` keeps, as
    a snapshot: the runs of that seed that differ from it only in their levers start from it (picklable)."""
    scenario, policy, overrides, seed = args
    from sim.core.week import Diagnostics
    from sim.model import ClientelismModel
    from sim.params.scenarios import resolve_params
    from sim.snapshot import spin_up_params

    resolved = spin_up_params(resolve_params(scenario, policy, overrides))
    return ClientelismModel(rng=seed, resolved=resolved, diagnostics=Diagnostics("official_fees")).snapshot()


def final_state(args: tuple) -> dict:
    """Run one model; return outcomes, quartile and service values, the fees asked, and a few outcomes at the end
    of every year (``<name>_by_year``: index 0 is week 0, after the spin-up) (picklable). With a village spun up
    for it (``spun_up``), the run starts from it: bit for bit the same run (``tests/test_snapshot.py``)."""
    policy, seed, steps, overrides, *village = args
    from sim.core.week import Diagnostics
    from sim.model import ClientelismModel
    from sim.params.scenarios import resolve_params

    overrides = dict(overrides)
    scenario = overrides.pop("scenario", "bangbayang")
    if village and village[0] is not None:
        model = ClientelismModel.from_spin_up(village[0], resolve_params(scenario, policy, overrides))
        sink = model.sink
    else:
        sink = Diagnostics("official_fees")
        model = ClientelismModel(scenario=scenario, policy=policy, rng=seed, diagnostics=sink, **overrides)
    yearly = {name: [getattr(model, name)] for name in YEARLY}
    for week in range(1, steps + 1):
        model.step()
        if week % 52 == 0:
            for name in YEARLY:
                yearly[name].append(getattr(model, name))
    fees = sink.values("official_fees")
    return {**model.outcomes(), **model.group_outcomes(), **model.service_outcomes(), "fees": fees,
            "mean_confidence": float(model.residents.confidence.mean()),
            **{f"{name}_by_year": np.array(values) for name, values in yearly.items()}}


_POOL: ProcessPoolExecutor | None = None


def pool() -> ProcessPoolExecutor:
    """One pool of two spawned workers for the whole test session (the machine has two cores)."""
    global _POOL
    if _POOL is None:
        _POOL = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_POOL.shutdown)
    return _POOL


# Spun-up villages of this session, by spin-up key (``sim.snapshot``), the most recent kept up to a size: runs of
# a seed under other levers (the policies of the session's fixtures) start from them instead of spinning up again.
_VILLAGES: dict[str, bytes] = {}
VILLAGES_MAX_BYTES = 300_000_000


def run_seeds(policy: str = "none", steps: int = 520, seeds=SEEDS, **overrides) -> list[dict]:
    from sim.params.scenarios import resolve_params
    from sim.snapshot import spin_up_key

    rest = {k: v for k, v in overrides.items() if k != "scenario"}
    scenario = overrides.get("scenario", "bangbayang")
    resolved = resolve_params(scenario, policy, rest)
    keys = [spin_up_key(resolved, s) for s in seeds]
    missing = [(s, k) for s, k in zip(seeds, keys) if k not in _VILLAGES]
    made = pool().map(spun_up, [(scenario, policy, rest, s) for s, _ in missing])
    for (_, key), data in zip(missing, made):
        _VILLAGES[key] = data
    villages = [_VILLAGES[k] for k in keys]
    while sum(map(len, _VILLAGES.values())) > VILLAGES_MAX_BYTES and len(_VILLAGES) > len(keys):
        del _VILLAGES[next(iter(_VILLAGES))]       # the oldest first
    jobs = [(policy, s, steps, overrides, village) for s, village in zip(seeds, villages)]
    return list(pool().map(final_state, jobs))


def column(runs: list[dict], name: str) -> np.ndarray:
    return np.array([r[name] for r in runs], dtype=float)


def paired_t(a: np.ndarray, b: np.ndarray) -> float:
    """t statistic of the paired differences b - a (common random numbers: same seeds)."""
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    sd = d.std(ddof=1)
    if sd == 0:
        return np.inf * np.sign(d.mean()) if d.mean() != 0 else 0.0
    return float(d.mean() / (sd / np.sqrt(d.size)))


def slope_per_decade(runs: list[dict], name: str, first_year: int = 1) -> np.ndarray:
    """Per run: the least-squares slope of an outcome's yearly values from ``first_year`` on (year 0 is week 0,
    where the reported run starts), in its units per ten years."""
    out = []
    for r in runs:
        y = np.asarray(r[f"{name}_by_year"], dtype=float)[first_year:]
        out.append(np.polyfit(np.arange(y.size), y, 1)[0] * 10)
    return np.array(out)


def mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% confidence interval (t) over runs."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def small_experiment(args: list[str], results, **kw):
    """An experiment from command-line style ``args``, master seed 4, quiet; its folder."""
    from sim.experiments.executors import RunSettings
    from sim.experiments.launch import prepare
    from sim.experiments.runner import run_experiment

    _, spec, _ = prepare(args)
    return run_experiment(spec, 4, RunSettings(results_dir=results, progress=False, **kw))


def same_tables(a, b) -> None:
    """Two experiment folders hold identical design, run and time-series tables."""
    import pandas as pd

    for name in ("runs.parquet", "timeseries.parquet", "design.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name), check_exact=True)


def weekly_run(args: tuple) -> dict:
    """Run one model for ``steps`` weeks; return the weekly series of some outcomes and, at the weeks asked for,
    the trailing year's self-service and completed counts of the regency's documents (picklable)."""
    policy, seed, steps, overrides, series, at_weeks = args
    from sim.core.accounting import ServiceStat
    from sim.core.services import SERVICE_OFFICE, Office
    from sim.model import ClientelismModel

    regency = SERVICE_OFFICE == Office.REGENCY
    model = ClientelismModel(policy=policy, rng=seed, **overrides)
    counts = {}
    for week in range(1, steps + 1):
        model.step()
        if week in at_weeks:
            window = model.accounts.service_window
            counts[week] = (float(window[regency, ServiceStat.SELF].sum()),
                            float(window[regency, ServiceStat.COMPLETED].sum()))
    values = model.datacollector.model_vars
    return {**{name: np.asarray(values[name], dtype=float) for name in series}, "regency": counts}


def read_terminal(fd: int, seconds: float, done=None) -> bytes:
    """What a program writes to a terminal (the master side ``fd`` of a pty) within ``seconds``: until it closes the
    terminal, or, when nothing comes, ``done()`` says it has ended."""
    out = bytearray()
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out.extend(data)
        elif done is not None and done():
            break
    return bytes(out)
