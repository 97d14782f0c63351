"""Shared helpers: running many seeds (on both cores) and paired statistics."""

from __future__ import annotations

import atexit
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np

SEEDS = tuple(range(20))


def final_state(args: tuple) -> dict:
    """Run one model; return outcomes, quartile values and fee percentiles (picklable)."""
    policy, seed, steps, overrides = args
    from sim.model import ClientelismModel

    overrides = dict(overrides)
    scenario = overrides.pop("scenario", "bangbayang")
    model = ClientelismModel(scenario=scenario, policy=policy, rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    fees = np.concatenate(model.fees_paid) if model.fees_paid else np.zeros(0)
    return {**model.outcomes(), **model.group_outcomes(), "fees": fees,
            "mean_confidence": float(model.residents.confidence.mean())}


_POOL: ProcessPoolExecutor | None = None


def pool() -> ProcessPoolExecutor:
    """One pool of two spawned workers for the whole test session (the machine has two cores)."""
    global _POOL
    if _POOL is None:
        _POOL = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_POOL.shutdown)
    return _POOL


def run_seeds(policy: str = "none", steps: int = 520, seeds=SEEDS, **overrides) -> list[dict]:
    jobs = [(policy, s, steps, overrides) for s in seeds]
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
