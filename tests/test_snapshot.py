"""Snapshots continue a run bit for bit; the arms of one seed share one spin-up with the same results as their own.

A model saved part way (to a file or to bytes) and restored must go on exactly as the model it was taken from,
its generators included; a snapshot of another version, or no snapshot at all, is refused with a clear error. A
run started from a village spun up for another lever setting must give exactly what it gives spinning up alone —
for every lever, at its preset value and at its extremes, in one village and in a regency.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.experiments import executors
from sim.experiments.executors import RunSettings
from sim.experiments.kinds import kind_of
from sim.experiments.runner import run_experiment
from sim.experiments.spec import parse
from sim.model import ClientelismModel
from sim.params.scenarios import resolve_params
from sim.simulation import run_scenario
from sim.snapshot import MAGIC, SnapshotError, spin_up_key, spin_up_params

SMALL = {"n_households": 300}
REGENCY = {"n_households": 3000}


def series(model: ClientelismModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def same_state(a: ClientelismModel, b: ClientelismModel) -> None:
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.election_rng.bit_generator.state == b.election_rng.bit_generator.state
    pd.testing.assert_frame_equal(series(a), series(b), check_exact=True)
    pd.testing.assert_frame_equal(a.village_table(), b.village_table(), check_exact=True)
    np.testing.assert_array_equal(a.current_ties(), b.current_ties())
    np.testing.assert_array_equal(a.world.documents.by_village, b.world.documents.by_village)
    assert a.group_outcomes() == pytest.approx(b.group_outcomes(), nan_ok=True, rel=0, abs=0)


@pytest.mark.parametrize("scenario,size", [("bangbayang", SMALL), ("brebes", REGENCY)])
def test_a_saved_model_continues_bit_for_bit(tmp_path, scenario, size):
    a = ClientelismModel(scenario, "pemekaran+digital_training", rng=11, **size)
    for _ in range(60):
        a.step()
    a.save(tmp_path / "week60.snapshot")
    from_file = ClientelismModel.load(tmp_path / "week60.snapshot")
    from_bytes = ClientelismModel.restore(a.snapshot())
    assert from_file.steps == from_bytes.steps == 60
    for _ in range(70):     # past an election (week 104 by default) and a fee review
        for m in (a, from_file, from_bytes):
            m.step()
    same_state(a, from_file)
    same_state(a, from_bytes)


def test_a_restored_model_does_not_share_state_with_the_original():
    a = ClientelismModel(rng=2, **SMALL)
    literacy, ties, fee_seeking = (a.world.residents.literacy.copy(), a.world.ties.log.copy(),
                                   a.world.officials.fee_seeking.copy())
    b = ClientelismModel.restore(a.snapshot())
    for _ in range(30):
        b.step()
    assert a.steps == 0 and b.steps == 30
    assert np.array_equal(a.world.residents.literacy, literacy) and np.array_equal(a.world.ties.log, ties)
    assert np.array_equal(a.world.officials.fee_seeking, fee_seeking)
    assert not np.array_equal(b.world.residents.literacy, literacy) and not np.array_equal(b.world.ties.log, ties)
    assert not np.array_equal(b.world.officials.fee_seeking, fee_seeking)


def test_snapshots_of_another_version_or_no_snapshot_are_refused(tmp_path):
    data = ClientelismModel(rng=1, **SMALL).snapshot()
    head_end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):head_end])
    for key, value in (("sim code", "0123456789abcdef"), ("numpy", "1.0.0"), ("format", 0)):
        other = MAGIC + json.dumps({**header, key: value}).encode() + data[head_end:]
        path = tmp_path / f"other-{key.replace(' ', '_')}.snapshot"
        path.write_bytes(other)
        with pytest.raises(SnapshotError, match=rf"snapshot=.*{path.name}.*taken with {key} {value}"):
            ClientelismModel.load(path)
    bad = {"not a snapshot": b"PAR1 something else", "truncated": data[: len(data) // 2],
           "a damaged header": MAGIC + b"{not json\n" + data[head_end + 1:], "empty": b""}
    for what, content in bad.items():
        path = tmp_path / "bad.snapshot"
        path.write_bytes(content)
        with pytest.raises(SnapshotError, match="snapshot=") as caught:
            ClientelismModel.load(path)
        assert "allowed" in str(caught.value), what
    with pytest.raises(SnapshotError, match="can be read .No such file"):
        ClientelismModel.load(tmp_path / "missing.snapshot")


# Every lever at its preset, and at extremes: full intensity from week 1, and a lever that ends part way.
ARMS = [
    ("pemekaran", {}),
    ("digital_training", {"digital_training_intensity": 1.0, "digital_training_start_step": 1}),
    ("simplification", {"simplification_intensity": 1.0, "simplification_end_step": 80}),
    ("enforcement", {"enforcement_start_step": 0}),
    ("mobile_service", {"mobile_service_intensity": 1.0}),
    ("pemekaran+digital_training", {}),
]


@pytest.mark.slow
@pytest.mark.parametrize("scenario,size", [("bangbayang", SMALL), ("brebes", REGENCY)])
def test_runs_from_a_shared_spin_up_equal_runs_that_spin_up_alone(scenario, size):
    base = resolve_params(scenario, "none", size)
    village = ClientelismModel(rng=5, resolved=spin_up_params(base))
    shared = village.snapshot()
    for policy, extra in ARMS:
        resolved = resolve_params(scenario, policy, {**size, **extra})
        assert spin_up_key(resolved, 5) == village.spin_up_key
        alone = run_scenario(seed=5, steps=120, resolved=resolved)
        started = run_scenario(seed=5, steps=120, resolved=resolved, spin_up=shared)
        assert started.policy == alone.policy == ClientelismModel(rng=5, resolved=resolved).policy_name
        assert started.params == alone.params
        pd.testing.assert_frame_equal(started.timeseries, alone.timeseries, check_exact=True)
        assert started.outcomes == pytest.approx(alone.outcomes, nan_ok=True, rel=0, abs=0), policy
        assert started.groups == pytest.approx(alone.groups, nan_ok=True, rel=0, abs=0), policy
        pd.testing.assert_frame_equal(started.villages, alone.villages, check_exact=True)
    # The spun-up model given itself is not changed by the runs started from it.
    assert village.steps == 0 and village.snapshot() == shared


def test_a_spin_up_of_another_village_is_refused():
    village = ClientelismModel(rng=5, **SMALL)
    for other in ({**SMALL, "fee_seeking_mean": 0.5}, {"n_households": 301}):
        with pytest.raises(SnapshotError, match="differs from them in more than the levers"):
            ClientelismModel.from_spin_up(village, resolve_params("bangbayang", "pemekaran", other))
    with pytest.raises(SnapshotError, match="seed"):
        run_scenario(seed=6, steps=2, resolved=resolve_params("bangbayang", "pemekaran", SMALL),
                     spin_up=village)
    village.step()
    with pytest.raises(SnapshotError, match="end of its spin-up"):
        ClientelismModel.from_spin_up(village, resolve_params("bangbayang", "pemekaran", SMALL))


def comparison_spec(**update):
    spec = parse({"name": "shared", "kind": "comparison", "steps": 60, "replicates": 3, "constants": SMALL,
                  "baseline": "none",
                  "policies": ["pemekaran", {"name": "training", "policy": "digital_training",
                                             "set": {"digital_training_start_step": 1}},
                               {"name": "targeted", "policy": "digital_training",
                                "set": {"training_targeted": True, "digital_training_start_step": 1}}],
                  **update})
    return spec


@pytest.mark.slow
def test_an_experiment_spins_each_village_up_once_with_the_same_tables(tmp_path, monkeypatch):
    calls = []
    real = executors.spin_up

    def counted(job):
        calls.append(job.key)
        return real(job)

    monkeypatch.setattr(executors, "spin_up", counted)
    spec = comparison_spec()
    folder = run_experiment(spec, 4, RunSettings("serial", results_dir=tmp_path, progress=False))
    # Three arms differ only in their levers' intensities and weeks: one spin-up per replicate for them; the arm
    # that sets another parameter (training's targeting) spins up its own village (a run of its own).
    assert len(calls) == len(set(calls)) == 3
    runs = pd.read_parquet(folder / "runs.parquet").sort_values("run_id")
    series = pd.read_parquet(folder / "timeseries.parquet")
    assert not (folder / ".spin-ups").exists()
    for row in runs.itertuples():
        overrides = {**SMALL, **({"digital_training_start_step": 1} if row.policy != "none" else {}),
                     **({"training_targeted": True} if row.policy == "targeted" else {})}
        levers = {"training": "digital_training", "targeted": "digital_training"}.get(row.policy, row.policy)
        alone = run_scenario("bangbayang", levers, seed=int(row.seed), steps=60, **overrides)
        for name, value in alone.outcomes.items():
            assert getattr(row, name) == value or (np.isnan(value) and np.isnan(getattr(row, name))), name
        mine = series[series["run_id"] == row.run_id].drop(columns="run_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.timeseries, check_exact=True, check_dtype=False)


@pytest.mark.slow
def test_every_executor_gives_the_tables_of_the_serial_one(tmp_path):
    spec = comparison_spec(replicates=2)
    folders = {name: run_experiment(spec, 8, RunSettings(name, workers=2, results_dir=tmp_path / name,
                                                         progress=False))
               for name in ("serial", "processes", "dask")}
    for name in ("processes", "dask"):
        for table in ("runs.parquet", "timeseries.parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(folders["serial"] / table),
                                          pd.read_parquet(folders[name] / table), check_exact=True)
        assert not (folders[name] / ".spin-ups").exists()


@pytest.mark.parametrize("name", ["policy_comparison", "hysteresis", "drivers", "exploration", "sensitivity",
                                  "brebes_pemekaran"])
def test_the_budget_counts_the_spin_ups_the_design_runs(name, tmp_path, monkeypatch):
    from sim.experiments import budget, jobs
    from sim.experiments.launch import prepare

    _, spec, _ = prepare([f"experiment={name}"])
    kind = kind_of(spec)
    design = kind.design(spec, 0)
    assert budget.count_runs(spec) >= len(design)     # a later stage adds runs of its own
    groups = list(jobs.groups(tmp_path, design.to_dict("records"), spec.model_dump(), 1))
    assert sum(len(g.jobs) for g in groups) == len(design)
    assert sorted(j.run_id for g in groups for j in g.jobs) == list(design["run_id"])
    later = budget.count_runs(spec) - len(design)
    assert budget.count_spin_ups(spec) == len(groups) + later
    shared = [g for g in groups if g.spin_up is not None]
    if name in ("policy_comparison", "hysteresis", "brebes_pemekaran", "exploration"):
        assert shared and len(groups) < len(design)    # arms (policies, chains) of a replicate or sample share
    if name in ("drivers", "sensitivity"):
        assert not shared                              # every run varies a parameter of the village itself
    for g in shared:
        assert len({kind.spin_up_of(spec, j.row)[1] for j in g.jobs}) == 1 and len(g.jobs) > 1


def test_the_budget_counts_the_weeks_a_hysteresis_experiment_simulates():
    # Its sweeps have 5 and 6 values: the chains of each simulate their own number of points (the estimate once
    # gave every chain the longest sweep's weeks).
    from sim.experiments import budget
    from sim.experiments.launch import prepare

    _, spec, _ = prepare(["experiment=hysteresis", "replicates=1", "steps=3", "n_households=150", "spinup_weeks=4"])
    kind = kind_of(spec)
    assert sorted(len(s.values) for s in spec.sweeps) == [5, 6]
    simulated = sum(len(kind.run(spec, row)[1]) for row in kind.design(spec, 0).to_dict("records"))
    assert budget.count_runs(spec) * budget.estimate(spec).weeks_per_run == simulated
