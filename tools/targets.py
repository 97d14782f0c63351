"""The calibration targets measured: every target of ``sim/targets.py`` (``docs/calibration.md``) over seeds of
the whole regency, with the 95% interval of its mean and whether the mean lies in the target's band.

    python tools/targets.py [--seeds 4] [--workers 2] [--households N]

``--households`` runs a smaller regency (every village shrunk alike) for a quick look; the targets hold the
full one.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def one_seed(args: tuple[int, int | None]) -> dict[str, float]:
    from sim.targets import measure, world

    seed, households = args
    return measure(world(seed, households))


def measured(seeds: int, workers: int, households: int | None = None) -> dict[str, np.ndarray]:
    """Each target's quantity, one value per seed (seeds 0 to ``seeds - 1``)."""
    from sim.targets import TARGETS

    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(one_seed, [(s, households) for s in range(seeds)]))
    return {t.key: np.array([r[t.key] for r in rows]) for t in TARGETS}


def main(argv=None) -> int:
    from sim.targets import TARGETS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--households", type=int, default=None)
    args = ap.parse_args(argv)
    start = time.time()
    values = measured(args.seeds, args.workers, args.households)
    print(f"{'target':32s} {'band':28s} {'mean':>10s} {'95% interval':>24s}  holds")
    failed = 0
    for t in TARGETS:
        v = values[t.key]
        mean = float(v.mean())
        half = 1.96 * float(v.std(ddof=1)) / np.sqrt(v.size) if v.size > 1 else float("nan")
        ok = t.holds(mean)
        failed += not ok
        print(f"{t.key:32s} {t.band():28s} {t.shown(mean):>10s} {t.shown(mean - half):>11s} to "
              f"{t.shown(mean + half):>10s}  {'yes' if ok else 'NO'}")
    print(f"{args.seeds} seeds in {time.time() - start:.0f} s; {len(TARGETS) - failed} of {len(TARGETS)} targets hold")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
