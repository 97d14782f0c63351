"""The pinned baseline: exact results of a few runs, so that a change meant to keep the model's behaviour
(a restructuring, a speed-up) can be checked bit for bit, and a change meant to alter it is made deliberately.

    .venv/bin/python tools/baseline.py            # compare the model with tests/baseline.json (what the test does)
    .venv/bin/python tools/baseline.py --update   # after a deliberate model change: write tests/baseline.json anew

For each case (scenario, policy, seed, weeks, households) the file holds every final outcome and per-quartile
value exactly, and SHA-256 digests of the weekly time series, of the per-village table and of the final
household and official state. Say in the commit why the baseline changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE = ROOT / "tests" / "baseline.json"

EVERY_LEVER = "pemekaran+digital_training+simplification+enforcement+mobile_service"
CASES = [
    *({"scenario": "bangbayang", "policy": "none", "seed": s, "steps": 520, "n_households": 2200} for s in (0, 1, 2)),
    *({"scenario": "bangbayang", "policy": "pemekaran+digital_training", "seed": s, "steps": 520,
       "n_households": 2200} for s in (0, 1, 2)),
    *({"scenario": "bangbayang", "policy": EVERY_LEVER, "seed": s, "steps": 260, "n_households": 1500}
      for s in (3, 4, 5)),
    *({"scenario": "brebes", "policy": "pemekaran", "seed": s, "steps": 156, "n_households": 3000} for s in (0, 1, 2)),
]


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode())
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _frame_digest(df) -> str:
    """Digest of a table's column names and values (text columns as fixed-width unicode, never as pointers)."""
    columns = []
    for c in df.columns:
        values = df[c].to_numpy()
        columns.append(values if values.dtype.kind in "biuf" else np.array([str(v) for v in values], dtype=str))
    return _digest(np.array([str(c) for c in df.columns], dtype=str), *columns)


def run_case(case: dict) -> dict:
    """One case's exact record."""
    from sim.core.week import Diagnostics
    from sim.model import ClientelismModel

    sink = Diagnostics("official_fees")
    model = ClientelismModel(scenario=case["scenario"], policy=case["policy"], rng=case["seed"],
                             n_households=case["n_households"], diagnostics=sink)
    for _ in range(case["steps"]):
        model.step()
    r, ties = model.residents, model.ties
    series = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    officials = np.array([o.fee_seeking for o in model.officials])
    return {
        **case,
        "outcomes": {k: float(v) for k, v in {**model.outcomes(), **model.group_outcomes()}.items()},
        "timeseries": _frame_digest(series),
        "villages": _frame_digest(model.village_table()),
        "households": _digest(r.literacy, r.confidence, ties.log, ties.lock_until, r.last_channel, r.activated,
                              ties.last_official),
        "officials": _digest(officials, sink.values("official_fees")),
    }


def compute() -> list[dict]:
    return [run_case(case) for case in CASES]


def differences(expected: list[dict], actual: list[dict]) -> list[str]:
    """What differs between two baselines, one line per difference (empty when bit for bit equal)."""
    out = []
    for e, a in zip(expected, actual):
        name = f"{e['scenario']}/{e['policy']}/seed {e['seed']}"
        for key in ("timeseries", "villages", "households", "officials"):
            if e[key] != a[key]:
                out.append(f"{name}: {key} differ")
        for k, v in e["outcomes"].items():
            w = a["outcomes"].get(k)
            if not (v == w or (v != v and w != w)):   # NaN equals NaN here
                out.append(f"{name}: {k} {v!r} -> {w!r}")
    if len(expected) != len(actual):
        out.append(f"{len(expected)} cases pinned, {len(actual)} computed")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write tests/baseline.json from the current model")
    args = parser.parse_args()
    actual = compute()
    if args.update:
        BASELINE.write_text(json.dumps(actual, indent=1) + "\n")
        print(f"wrote {BASELINE.relative_to(ROOT)}: {len(actual)} cases")
        return
    diff = differences(json.loads(BASELINE.read_text()), actual)
    print("\n".join(diff) if diff else f"bit for bit equal to {BASELINE.relative_to(ROOT)} ({len(actual)} cases)")
    sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
