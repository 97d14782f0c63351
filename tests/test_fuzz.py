"""A property-based fuzz corpus (hypothesis): generated input to every way into the project — the Python API, the
command line, experiment files, tampered result folders and the classroom page's controls — ends in a result, the
documented error (``ConfigError``, ``UnknownNameError`` for names) or one ``error:`` line and a non-zero exit; never
a traceback, a hang or a half-written folder. The page has no errors to show: what it cannot use becomes a message.

Derandomized, without an example database: every run (CI's too) tries the same cases. Runs are tiny (50
households, no spin-up, a week or two) so that the corpus takes well under a minute; a value that would make a run
long (more households, a long spin-up or run) is generated only where it is invalid. The hand-written corpus of
malformed files and command lines is test_corpus.py.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from sim.errors import ConfigError
from sim.params.registry import PARAMS, POLICY_NAMES, STEPS
from sim.params.scenarios import SCENARIOS, policy_names

ROOT = Path(__file__).resolve().parents[1]

FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])


# SIM_FUZZ_EXPLORE=n: n times as many cases, different on every run (to look further than the fixed corpus).
EXPLORE = int(os.environ.get("SIM_FUZZ_EXPLORE", "0") or 0)


def fuzz(examples: int) -> settings:
    """The corpus's settings with ``examples`` cases (or, exploring, more and random ones)."""
    if EXPLORE > 0:
        return settings(FUZZ, max_examples=examples * EXPLORE, derandomize=False)
    return settings(FUZZ, max_examples=examples)

# The size of a run: the only valid values a case may give (anything else it gives is invalid).
TINY = {"n_households": 50, "spinup_weeks": 0}
SHORT_STEPS = (1, 2)

# ------------------------------------------------------------------ values
NASTY = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=2), st.dictionaries(st.sampled_from("ab"), st.integers(0, 2), max_size=1),
    st.sampled_from(["", " ", "nan", "inf", "-1", "1e9", "0.5", "true", "[1]", "0x10", "１", np.int64(3),
                     np.float64(0.25), np.nan, -0.0, 1e308, 2**63, float("-inf")]),
)

# Numbers a whole, non-negative argument (a seed, a count, a length) must refuse: negative, fractional, not finite.
NUMBERS = st.one_of(st.integers(-(2**70), -1), st.floats(), st.sampled_from([-1, -0.5, 0.0, 2.5, 1e20, -1e-300]))


def _rejected(check, value) -> bool:
    try:
        check(value)
    except ConfigError:
        return True
    except Exception:   # a crash is a finding of the test that uses the value, not of the strategy
        return True
    return False


def valid_value(name: str):
    """A valid value for registry parameter ``name``, its bounds included (the size of a run stays tiny)."""
    p = PARAMS[name]
    if name in TINY:
        return st.just(TINY[name])
    if p.type is bool:
        return st.booleans()
    if p.type is int:
        return st.one_of(st.integers(int(p.low), int(min(p.high, 10**9))), st.sampled_from([int(p.low), int(p.high)]))
    return st.one_of(st.floats(p.low, p.high), st.sampled_from([p.low, p.high]))


def bad_value(name: str):
    """A value for ``name`` that is likely not valid: past a bound, or of another kind altogether."""
    p = PARAMS[name]
    beyond = [p.low - 1, p.high + 1, p.low - 1e-9, p.high * 1.0001] if p.type is not bool else [0, 1, "yes", None]
    bad = st.one_of(st.sampled_from(beyond), NASTY)
    return bad.filter(lambda v: _rejected(p.check, v)) if name in TINY else bad


def param_value(name: str):
    """A value for registry parameter ``name``: valid, at or past a bound, or of another kind altogether."""
    return st.one_of(valid_value(name), bad_value(name))


names = st.sampled_from(sorted(set(PARAMS) - set(TINY)))
unknown_names = st.text(string.ascii_lowercase + "_", min_size=1, max_size=14).filter(lambda s: s not in PARAMS)
overrides = st.lists(names, max_size=4, unique=True).flatmap(
    lambda chosen: st.fixed_dictionaries({n: param_value(n) for n in chosen}))
valid_overrides = st.lists(names, max_size=4, unique=True).flatmap(
    lambda chosen: st.fixed_dictionaries({n: valid_value(n) for n in chosen}))
sizes = st.fixed_dictionaries({n: param_value(n) for n in TINY})
scenarios = st.one_of(st.sampled_from(sorted(SCENARIOS)), NASTY)
valid_policies = st.one_of(st.sampled_from(policy_names()),
                           st.lists(st.sampled_from(POLICY_NAMES), min_size=1, max_size=3).map("+".join))
policies = st.one_of(valid_policies, st.lists(st.sampled_from([*POLICY_NAMES, "none", "x", ""]), min_size=1,
                                              max_size=3).map("+".join), NASTY)
seeds = st.one_of(st.integers(0, 2**63 - 1), NASTY)
steps = st.one_of(st.sampled_from(SHORT_STEPS), NASTY.filter(
    lambda v: not (isinstance(v, int) and not isinstance(v, bool) and 2 < v <= STEPS.high)))


@st.composite
def calls(draw, bad: bool):
    """Keyword arguments of one run: every one valid (bounds included), or all but one (``bad``); and the name of
    the bad one (None when none is)."""
    kwargs = {"scenario": draw(st.sampled_from(["bangbayang", "bangbayang_after_election"])),
              "policy": draw(valid_policies), "seed": draw(st.integers(0, 2**63 - 1)),
              "steps": draw(st.sampled_from(SHORT_STEPS)), **TINY, **draw(valid_overrides)}
    if not bad:
        return kwargs, None
    key = draw(st.one_of(st.sampled_from(["scenario", "policy", "seed", "steps", *TINY]), names, unknown_names))
    if key in PARAMS:
        kwargs[key] = draw(bad_value(key))
    elif key == "steps":
        kwargs[key] = draw(steps.filter(lambda v: v not in SHORT_STEPS))
    else:
        kwargs[key] = draw(NASTY)
    return kwargs, key


def one_line(exc: BaseException) -> None:
    """A refusal: one sentence (the statistics count refusals by type)."""
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text, text
    event(f"refused: {type(exc).__name__}")


def names_it(exc: ConfigError, key: str | None) -> None:
    """A refusal of the one bad input names it (None: every input was valid, a combination was refused)."""
    one_line(exc)
    if key is not None:
        assert key in str(exc), (key, str(exc))


# ------------------------------------------------------------------ the Python API
@fuzz(25)
@given(call=st.one_of(calls(bad=False), calls(bad=True)))
def test_run_scenario_returns_a_result_or_a_config_error_naming_the_bad_input(call):
    from sim import RunResult, run_scenario

    kwargs, bad = call
    try:
        result = run_scenario(**kwargs)
    except ConfigError as exc:
        names_it(exc, bad)
        return
    assert isinstance(result, RunResult) and len(result.timeseries) == kwargs["steps"]
    assert all(isinstance(v, float) for v in result.outcomes.values())
    event("ran")


@fuzz(25)
@given(scenario=scenarios, policy=policies, seed=seeds, weeks=steps, size=sizes, params=overrides,
       extra=st.dictionaries(unknown_names, NASTY, max_size=1))
def test_run_scenario_with_many_bad_inputs_refuses_with_a_config_error(scenario, policy, seed, weeks, size, params,
                                                                        extra):
    from sim import RunResult, run_scenario

    try:
        result = run_scenario(scenario, policy, seed=seed, steps=weeks, **size, **params, **extra)
    except ConfigError as exc:
        one_line(exc)
        return
    assert isinstance(result, RunResult) and len(result.timeseries) == weeks
    event("ran")


CORE = ("scenario", "policy", "seed", "steps", *TINY)
# One of each kind of value a caller may pass by mistake, beside the generated ones.
KIND_EXAMPLES = [None, True, -1, 0.5, float("nan"), float("inf"), "", "x", [], {}, [1], (1,), np.int64(-1),
                 np.float64(2.0), 2**70, b"bytes", "none+none", "bangbayang "]
KINDS_OF_VALUE = st.sampled_from(KIND_EXAMPLES)


def every_kind_of_value(test):
    """Explicit cases beside the generated ones: every argument given each kind of value in turn (through
    run_scenario and the model alternately)."""
    for i, value in enumerate(KIND_EXAMPLES):
        test = example(values=dict.fromkeys(CORE, value), through=bool(i % 2))(test)
    return test


@fuzz(5)
@given(values=st.fixed_dictionaries({key: st.one_of(KINDS_OF_VALUE, NASTY, NUMBERS) for key in CORE}),
       through=st.booleans())
@every_kind_of_value
def test_each_argument_of_a_run_alone_bad_is_refused_naming_it(values, through):
    # Each of the run's own arguments in turn bad, the rest valid: run_scenario, or the model itself (``through``).
    from sim import run_scenario
    from sim.model import ClientelismModel

    for key, value in values.items():
        kwargs = {"scenario": "bangbayang", "policy": "none", "seed": 0, "steps": 1, **TINY, key: value}
        try:
            if through and key != "steps":
                weeks = kwargs.pop("steps")
                model = ClientelismModel(rng=kwargs.pop("seed"), **kwargs)
                for _ in range(weeks):
                    model.step()
            else:
                run_scenario(**kwargs)
        except ConfigError as exc:
            names_it(exc, key)
            continue
        event(f"ran with {key} given")


@fuzz(35)
@given(call=st.one_of(calls(bad=False), calls(bad=True)))
def test_the_model_is_built_or_refuses_with_a_config_error_naming_the_bad_input(call):
    from sim.model import ClientelismModel

    kwargs, bad = call
    weeks = kwargs.pop("steps")
    if bad == "steps":                      # the model has no run length: its seed is called rng
        return
    kwargs["rng"] = kwargs.pop("seed")
    try:
        model = ClientelismModel(**kwargs)
    except ConfigError as exc:
        names_it(exc, "seed" if bad == "seed" else bad)
        return
    for _ in range(weeks):
        model.step()
    # NaN means nothing measured yet (a gap with no completed need); never an infinity.
    assert model.steps == weeks and all(isinstance(v, float) and not math.isinf(v) for v in model.outcomes().values())
    event("ran")


VALID_OUTCOMES = ["paid_dependence_share", "unmet_share", "brokered_share_literacy_q1", "online_share"]


@st.composite
def ema_calls(draw):
    """Keyword arguments of ``sim.ema.model``: all valid, or all but one; and the name of the bad one (or None)."""
    time_series = draw(st.booleans())
    chosen = VALID_OUTCOMES[:2] if time_series else VALID_OUTCOMES   # per-quartile measures have no weekly series
    kwargs = {"scenario": draw(st.sampled_from(["bangbayang", "bangbayang_after_election"])),
              "outcomes": draw(st.one_of(st.none(), st.sampled_from(chosen),
                                         st.lists(st.sampled_from(chosen), min_size=1, max_size=2, unique=True))),
              "replications": draw(st.integers(1, 2)), "steps": draw(st.sampled_from(SHORT_STEPS)),
              "time_series": time_series, "name": draw(st.sampled_from([None, "m1"])),
              "seed": draw(st.integers(0, 2**32)), "levers": draw(st.sampled_from(["registry", "presets"])),
              **TINY, **draw(valid_overrides)}
    if not draw(st.booleans()):
        return kwargs, None
    key = draw(st.sampled_from(["scenario", "outcomes", "replications", "steps", "time_series", "name", "seed",
                                "levers", "policy", *TINY, *sorted(PARAMS)[:40:4]]))
    if key in PARAMS:
        kwargs[key] = draw(bad_value(key))
    elif key == "steps":
        kwargs[key] = draw(steps.filter(lambda v: v not in SHORT_STEPS))
    elif key == "outcomes":
        kwargs[key] = draw(st.one_of(st.sampled_from(["nope", [], ["unmet_share", "unmet_share"], ["x"]]), NASTY))
    else:
        kwargs[key] = draw(NASTY)
    return kwargs, key


@fuzz(10)
@given(call=ema_calls(), inputs=st.data())
def test_the_ema_model_is_built_and_runs_or_refuses_with_a_config_error(call, inputs):
    pytest.importorskip("ema_workbench")
    import sim.ema

    kwargs, bad = call
    try:
        m = sim.ema.model(**kwargs)
    except ConfigError as exc:
        names_it(exc, None if bad is None else bad.rstrip("s"))
        return
    # One experiment, as EMA would pass it: the constants, and a value (perhaps a bad one) for some of the
    # uncertainties and levers.
    sampled = [*m.uncertainties, *m.levers]
    given_inputs = {c.name: c.value for c in m.constants}
    chosen = inputs.draw(st.lists(st.sampled_from(sampled), max_size=3, unique_by=lambda p: p.name))
    for p in chosen:
        project = m.function.names.get(p.name, p.name)
        given_inputs[p.name] = inputs.draw(param_value(project) if project in PARAMS else policies)
    if kwargs["replications"] > 1:
        given_inputs.update(m.replications[0])
    try:
        out = m.function(**given_inputs)
    except ConfigError as exc:
        one_line(exc)
        return
    assert set(out) == set(m.function.outcomes)
    event("ran")


# ------------------------------------------------------------------ the command line
KNOWN_SAFE = sorted({"scenario", "policy", "seed", "steps", "verbose", "replicates", "samples", "burn_in_steps",
                     "executor", "workers", "dask_address", "images", "allow_code_change", *PARAMS} - set(TINY))


def cli_text(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


keys = st.one_of(st.sampled_from(KNOWN_SAFE), st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
                 st.sampled_from(["Seed", "tie gain", "+tie_gain", "~seed", "tie_gain.x", "", "=", "${x}"]))
cli_values = st.one_of(st.builds(cli_text, NASTY), st.text(max_size=8),
                       st.sampled_from(["", "[1,2]", "1,2", "a,b", "${oc.env:HOME}", "'quoted'", "{a: 1}", "1e400",
                                        "range(1,3)", "choice(1,2)", "\\", "'", "none+pemekaran", "0.5 0.6"]))
valid_tokens = st.one_of(names.flatmap(lambda n: valid_value(n).map(lambda v: f"{n}={cli_text(v)}")),
                         valid_policies.map("policy={}".format), st.integers(0, 99).map("seed={}".format))
tokens = st.one_of(valid_tokens, st.builds("{}={}".format, keys, cli_values), keys, st.text(max_size=10)).filter(
    lambda t: not t.lstrip().startswith(("-", "hydra")) and "hydra." not in t and "hydra/" not in t)


def in_process(argv: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """``python -m sim <argv>`` in this process: exit status, stdout, stderr."""
    from sim.__main__ import main

    monkeypatch.setattr(sys, "argv", ["sim", *argv])
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = 0 if stop.code is None else stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


def ends_well(code: int, out: str, err: str, results: Path) -> None:
    """A success, or one error line, exit status 2 (bad input) or 1 (a failure), and nothing written for bad input."""
    assert "Traceback" not in out + err, err
    event(f"exit {code}")
    if code == 0:
        return
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert code in (1, 2) and len(errors) == 1 and errors[0] == lines[-1], (code, err)
    if code == 2:
        assert not results.exists() or not [p for p in results.rglob("*") if p.is_file()], err


@fuzz(15)
@given(argv=st.lists(tokens, max_size=4))
def test_a_command_line_runs_or_ends_in_one_error_line(argv, tmp_path_factory, monkeypatch, capsys):
    results = tmp_path_factory.mktemp("cli")
    monkeypatch.chdir(results)
    full = [*argv, "steps=2", *(f"{k}={v}" for k, v in TINY.items()), f"results_dir={results / 'r'}"]
    code, out, err = in_process(full, monkeypatch, capsys)
    ends_well(code, out, err, results / "r")
    assert code != 1, err                       # bad input is refused (2), it never fails a run


@fuzz(1)
@given(argv=st.lists(tokens, min_size=1, max_size=3))
def test_a_command_line_in_a_fresh_process_runs_or_ends_in_one_error_line(argv, tmp_path_factory):
    # One of the same cases through `python -m sim` itself: the interpreter's own handling of what escapes.
    results = tmp_path_factory.mktemp("cli")
    full = [*argv, "steps=2", *(f"{k}={v}" for k, v in TINY.items()), f"results_dir={results / 'r'}"]
    done = subprocess.run([sys.executable, "-m", "sim", *full], cwd=results, capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    ends_well(done.returncode, done.stdout, done.stderr, results / "r")


# ------------------------------------------------------------------ experiment files
# Each case is a shipped experiment file (one replicate, short runs, tiny village) with up to two changes: a key
# or an element removed, replaced by something plausible or by junk, or a key added; or, now and then, any text.
SHIPPED = {path.stem: yaml.safe_load(path.read_text()) for path in sorted((ROOT / "configs" / "experiment").glob(
    "*.yaml"))}
KEYS = ["name", "kind", "description", "scenario", "replicates", "steps", "constants", "burn_in_steps", "policies",
        "baseline", "outcome", "uncertainties", "morris", "sobol", "policy", "sweeps", "regime_threshold", "control",
        "drivers", "samples", "defaults_replicates", "discovery", "prim", "robustness", "bogus"]
PLAUSIBLE = st.sampled_from([0, 1, 2, 53, -1, 0.5, 1.5, 1e9, float("nan"), "pemekaran", "none", "x", "tie_gain",
                             "dist_regency_km", "n_households", "paid_dependence_share", "all", "comparison",
                             "brebes", [], {}, None, True, "", [0.1, 0.2], [0.2, 0.2], ["pemekaran", "pemekaran"],
                             {"parameter": "tie_gain", "values": [0.1, 0.2]}, {"name": "a", "policy": "enforcement"},
                             {"tie_gain": 2}, {"outcome": "unmet_share", "threshold": 0.01}])
nested = st.recursive(st.one_of(NASTY, PLAUSIBLE),
                      lambda inner: st.one_of(st.lists(inner, max_size=3),
                                              st.dictionaries(st.sampled_from(["name", "policy", "set", "parameter",
                                                                               "values", "trajectories", "top",
                                                                               "base_samples", "tie_gain"]),
                                                              inner, max_size=3)), max_leaves=6)


def _paths(node, prefix=()):
    """Every place in a parsed file: its keys and list elements, nested."""
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


@st.composite
def experiment_files(draw):
    if draw(st.integers(0, 7)) == 0:
        return draw(st.text(max_size=30))                       # any text at all
    spec = json.loads(json.dumps(SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))]))
    spec.update(replicates=1, steps=53)
    spec["constants"] = {**(spec.get("constants") or {}), **TINY}
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["delete", "plausible", "junk", "add"]))
        if op == "add":
            spec[draw(st.sampled_from(KEYS))] = draw(st.one_of(PLAUSIBLE, nested))
            continue
        path = draw(st.sampled_from(list(_paths(spec))))
        parent = spec
        for step in path[:-1]:
            parent = parent[step]
        if op == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(PLAUSIBLE if op == "plausible" else nested)
    return spec


class WouldRun(Exception):
    """A valid experiment file: it would run (its design is checked instead)."""


@fuzz(10)
@given(spec=experiment_files())
@example(spec={"name": "fz", "kind": []})
@example(spec={"name": "fz", "kind": {"comparison": 1}, "policies": ["pemekaran"]})
@example(spec={"name": ["fz"], "kind": "comparison", "policies": ["pemekaran"]})
@example(spec={"name": "fz", "kind": "comparison", "policies": [["pemekaran"]], "constants": TINY})
@example(spec={"name": "fz", "kind": "hysteresis", "sweeps": [{"parameter": [], "values": [1, 2]}]})
def test_an_experiment_file_would_run_or_ends_in_one_error_line(spec, tmp_path_factory, monkeypatch, capsys):
    import sim.experiments.runner as runner
    from sim.experiments import budget
    from sim.experiments import design as designs

    folder = tmp_path_factory.mktemp("file")
    path = folder / "mine.yaml"
    path.write_text(spec if isinstance(spec, str) else yaml.safe_dump(
        json.loads(json.dumps(spec, default=str, allow_nan=True)), allow_unicode=True), encoding="utf-8")

    def would_run(spec, master_seed, *args, **kwargs):
        if budget.count_runs(spec) <= 300:        # a design of a valid file is generated and valid
            designs.validate(spec, designs.initial(spec, master_seed))
        raise WouldRun

    monkeypatch.setattr(runner, "run_experiment", would_run)
    try:
        code, out, err = in_process([f"experiment={path}", f"results_dir={folder / 'r'}"], monkeypatch, capsys)
    except WouldRun:
        event("valid: would run")
        return
    assert code == 2, err
    ends_well(code, out, err, folder / "r")


# ------------------------------------------------------------------ tampered result folders
@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished experiment folder (four tiny runs, its report without images): a hysteresis experiment, whose
    report is the quickest to write."""
    from sim.experiments.executors import RunSettings
    from sim.experiments.launch import prepare
    from sim.experiments.report import build
    from sim.experiments.runner import run_experiment

    _, spec, _ = prepare(["experiment=hysteresis", "replicates=1", "steps=1", "burn_in_steps=1",
                          *(f"{k}={v}" for k, v in TINY.items())])
    folder = run_experiment(spec, 0, RunSettings("serial", results_dir=tmp_path_factory.mktemp("done"), progress=False))
    build(folder, write_images=False, quiet=True)
    return folder


TARGETS = ["manifest.json", "experiment.json", "design.parquet", "runs/run_000001.parquet",
           "timeseries/run_000002.parquet", "runs.parquet", "timeseries.parquet", "summary.csv", "runs"]
ACTIONS = ["delete", "truncate", "garbage", "directory", "json"]


def _possible(target: str, action: str) -> bool:
    """What can be done to each: a folder is deleted; only the JSON files have keys to remove or change."""
    if "." not in target:
        return action == "delete"
    return action != "json" or target.endswith(".json")


TAMPERING = [(target, action) for target in TARGETS for action in ACTIONS if _possible(target, action)]


def tamper(folder: Path, target: str, action: str, keep: float, junk: bytes, change) -> None:
    """Damage ``target``: delete it, put a folder in its place, keep the first ``keep`` of its bytes (and append
    ``junk``), or in a JSON file remove a key or give it another value (``change``: (key number, value or None))."""
    path = folder / target
    if action == "delete":
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    elif action == "directory":
        path.unlink()
        path.mkdir()
    elif action in ("truncate", "garbage"):
        raw = path.read_bytes()
        raw = raw[:int(keep * (len(raw) - 1))]
        path.write_bytes(raw if action == "truncate" else raw + junk)
    else:
        record = json.loads(path.read_text())
        key, value = change
        key = key if isinstance(key, str) else sorted(record)[key % len(record)]
        if value is None:
            del record[key]
        else:
            record[key] = value
        path.write_text(json.dumps(record, default=str))


# The damage each part of the folder's reading must survive, explicitly; generated cases add the rest.
DAMAGE = [("manifest.json", "truncate", "resume", None), ("manifest.json", "json", "resume", ("sessions", "x")),
          ("manifest.json", "json", "resume", ("environment", [1])),
          ("manifest.json", "json", "report", ("master_seed", None)),
          ("experiment.json", "garbage", "report", None), ("experiment.json", "json", "resume", ("kind", "x")),
          ("design.parquet", "garbage", "resume", None), ("runs/run_000001.parquet", "truncate", "resume", None),
          ("timeseries/run_000002.parquet", "directory", "resume", None),
          ("timeseries/run_000002.parquet", "delete", "resume", None), ("runs.parquet", "truncate", "report", None),
          ("timeseries.parquet", "delete", "report", None)]


def every_damage(test):
    for target, action, command, change in DAMAGE:
        test = example(tampering=(target, action), command=command, keep=0.5, junk=b"\x00junk",
                       change=change or (3, [1, 2]))(test)
    return test


@fuzz(4)
@given(tampering=st.sampled_from(TAMPERING), command=st.sampled_from(["resume", "report"]), keep=st.floats(0, 1),
       junk=st.binary(max_size=40), change=st.tuples(st.integers(0, 30), st.one_of(st.none(), nested)))
@every_damage
def test_a_tampered_folder_resumes_reports_or_ends_in_one_error_line(finished, tampering, command, keep, junk, change,
                                                                      tmp_path_factory, monkeypatch, capsys):
    target, action = tampering
    folder = tmp_path_factory.mktemp("tampered") / "experiment"
    shutil.copytree(finished, folder)
    tamper(folder, target, action, keep, junk, change)
    if command == "resume":
        code, out, err = in_process([f"resume={folder}", "executor=serial", "images=false"], monkeypatch, capsys)
    else:
        from sim.experiments.report import main

        try:
            main([str(folder), "--no-images"])
            code = 0
        except SystemExit as stop:
            code = stop.code
        captured = capsys.readouterr()
        out, err = captured.out, captured.err
    assert "Traceback" not in out + err, err
    event(f"{command}: exit {code}")
    lines = [line for line in err.splitlines() if line.strip()]
    if code != 0:
        assert code in (1, 2) and lines and lines[-1].startswith("error: "), (code, err)
        assert len([line for line in lines if line.startswith("error: ")]) == 1, err
    assert not list(folder.rglob("*.tmp")), "a half-written file was left"
    if code == 0 and command == "resume":                 # resumed: whole again, and the same tables
        for name in ("runs.parquet", "timeseries.parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(folder / name), pd.read_parquet(finished / name))


# ------------------------------------------------------------------ the classroom page's controls
@fuzz(55)
@given(value=NASTY, integer=st.booleans())
@example(value=float("nan"), integer=True)
@example(value=float("inf"), integer=False)
@example(value="12.5", integer=True)
@example(value=[3], integer=False)
def test_a_slider_value_is_a_finite_number_or_ignored(value, integer):
    from sim.viz.controls import slider_value

    v = slider_value(value, integer)
    assert v is None or (type(v) is (int if integer else float) and math.isfinite(v))


page_keys = st.sampled_from(["rng", "scenario_name", "compare", *POLICY_NAMES,
                             *(f"{p}_intensity" for p in POLICY_NAMES), "n_households", "literacy_mean",
                             "dist_regency_km", "dist_new_seat_km", "fee_seeking_mean", "tie_gain",
                             "tie_decay_per_year", "moral_cost_entrust", "imitation_weight",
                             "official_capacity_per_week", "no_such_control"])


@fuzz(30)
@given(changes=st.dictionaries(page_keys, st.one_of(NASTY, st.sampled_from(["brebes", "bangbayang", "0", "7"])),
                               max_size=4))
@example(changes={"no_such_control": 1})
@example(changes={"tie_gain": "x", "no_such_control": None, "rng": "-3"})
@example(changes={"scenario_name": "brebes", "pemekaran": True, "dist_new_seat_km": 150.0})
def test_the_page_builds_a_village_from_any_controls_with_messages_not_errors(changes):
    from sim.viz.classroom import ClassroomModel
    from sim.viz.i18n import message
    from sim.viz.state import initial_controls

    controls = {**initial_controls(), **changes}
    if not _rejected(PARAMS["n_households"].check, controls["n_households"]):
        controls["n_households"] = TINY["n_households"]    # a valid village is a small one
    small = not _rejected(PARAMS["n_households"].check, changes.get("n_households", 50))
    model = ClassroomModel(**controls, spinup_weeks=0)
    model.step()
    if small:                                               # a control the model refuses drops that control only
        assert model.p.n_households == TINY["n_households"], model.messages
    event("with messages" if model.messages else "without a message")
    for key, values in model.messages:
        for lang in ("en", "id"):
            assert message(lang, key, values)
