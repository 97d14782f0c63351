"""EMA Workbench interoperability: the model as an ``ema_workbench.Model``, built from the parameter registry.

Three lines run an exploratory ensemble::

    from ema_workbench import perform_experiments
    from sim.ema import model
    experiments, outcomes = perform_experiments(model(steps=52), scenarios=10, policies=2)

What :func:`model` declares (EMA Workbench's X, L, M and constants), all from ``sim.params.registry`` and
``sim.core.outcomes``:

* **uncertainties** — every registry parameter of role ``uncertainty``, over its plausible range
  (``Param.sweep_range``), as a ``RealParameter`` (floats), ``IntegerParameter`` (integers) or
  ``BooleanParameter`` (booleans); except the one-village distances in a scenario of several villages
  (``PER_VILLAGE_PARAMS`` in ``brebes``, where each village's come from the geography), those the scenario
  itself sets (held at the scenario's value, as a constant) and those given to :func:`model` as constants.
* **levers** — ``levers="registry"`` (the default): every registry lever, each policy's intensity over 0–1
  (``RealParameter``), its start week over the run, 0 to ``steps - 1`` (``IntegerParameter``; the registry
  allows up to 100,000, a week the run never reaches), how long it lasts and ``training_targeted``
  (``BooleanParameter``). A lever's end is exposed as its duration, ``<lever>_duration_weeks``, 1 to ``steps``
  weeks (``IntegerParameter``), and the run's ``<lever>_end_step`` is the week it starts acting plus that
  duration (:func:`end_step`): sampled independently, an end week would often come before its start week,
  which no run accepts; a duration always comes after it, and the experiments table holds what the run used.
  A duration that reaches past the run's last week means a lever that never ends within the run. A lever's
  end week given as a constant (``model(digital_training_end_step=208)``) is no lever.
  ``levers="presets"``: one ``CategoricalParameter``, ``policy_preset``, over the project's policy names
  (``none``, each policy, ``pemekaran+digital_training``), each switching its levers to the preset intensity
  from week 52 as ``python -m sim policy=...`` does.
* **constants** — ``steps``, the run length in weeks; ``seed`` with one replication; every registry parameter
  given as a keyword (``model(n_households=500, spinup_weeks=52)``), which is then neither sampled nor a lever.
* **outcomes** — every outcome of ``ALL_OUTCOME_NAMES`` by default, or the names given (also the per-quartile
  and per-service measures of ``docs/outcomes.md``): the value of the run's final week (the final year for
  flows) as a ``ScalarOutcome`` of the same name; with ``time_series=True`` the weekly series as a
  ``TimeSeriesOutcome`` ``<name>_weekly`` (:func:`outcome_name`).

**Seeds.** With one replication the model is an ``ema_workbench.Model`` and every experiment runs with the
constant ``seed`` (0 by default): common random numbers across scenarios and policies, so that differences
between experiments come from their inputs, never from noise, and ``run_scenario(..., seed=seed)`` with an
experiment's inputs reproduces its outcomes exactly. With ``replications=R > 1`` it is an
``ema_workbench.ReplicatorModel`` whose replication *r* runs with seed ``replicate_seeds(seed, R)[r]``, the
seed replicate *r* has in the project's own experiments with master seed ``seed``, again in every experiment.
EMA 3.0's ``ScalarOutcome`` holds one number, so each outcome is then an ``ArrayOutcome``
``<name>_replicates`` with one value per replication (experiments × R; ``ema_workbench.process_replications``
averages them). The seeds are in ``m.constants`` or ``m.replications``.

**Shares.** ``faction_current_share`` and ``faction_former_share`` cannot sum to more than 1
(``SHARE_GROUPS``). As in the project's designs (``sim.experiments.design.consistent_shares``), the second is
sampled over its plausible range and mapped linearly into what the first leaves, so every sampled experiment is
a valid run; the experiments table holds the sampled value, the run uses the mapped one (the same whenever the
first leaves room for the second's whole range, e.g. ``faction_current_share`` ≤ 0.55).

**Names.** EMA's experiments table has the columns ``scenario``, ``policy`` and ``model`` besides the
parameters, and a lever named like an attribute of the EMA model would be taken for that attribute. No
parameter, lever or constant is exposed under such a name: the policy preset, ``policy`` in ``run_scenario``,
is the lever ``policy_preset``; any other clash gets ``_value`` appended (:func:`ema_name`). ``m.function``, a
:class:`ScenarioRunner`, maps the names back, and its :meth:`ScenarioRunner.result` reruns one experiment
with its full ``RunResult``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Literal

import numpy as np

from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.core.outcomes import (
    ALL_OUTCOME_NAMES,
    GROUP_DIMENSIONS,
    GROUP_MEASURES,
    QUARTILES,
    SERVICE_MEASURES,
    group_name,
    service_name,
)
from sim.errors import ConfigError, UnknownNameError, close_names
from sim.experiments.design import consistent_shares, replicate_seeds
from sim.params.registry import PARAMS, SHARE_GROUPS, Param, check_seed, check_steps
from sim.params.scenarios import policy_names, resolve_params, scenario_values
from sim.simulation import RunResult, run_scenario

# Columns of EMA Workbench's experiments table besides the parameters: never a parameter's name there.
RESERVED_NAMES = frozenset({"scenario", "policy", "model"})
# Names given in the EMA model instead of the project's own; any other clash gets ``_value`` appended.
RENAMED = {"policy": "policy_preset"}

LeverSet = Literal["registry", "presets"]


def ema_name(name: str, taken: Iterable[str] = RESERVED_NAMES) -> str:
    """The name under which the EMA model exposes the project's parameter ``name``: its own, unless EMA reserves
    it (a column of the experiments table, or an attribute of the EMA model in ``taken``); then ``RENAMED``'s
    name for it (``policy`` → ``policy_preset``), else ``<name>_value``."""
    taken = set(taken) | RESERVED_NAMES
    if name not in taken:
        return name
    new = RENAMED.get(name, f"{name}_value")
    while new in taken:
        new += "_value"
    return new


def outcome_name(name: str, replications: int = 1, time_series: bool = False) -> str:
    """The name of the project's outcome ``name`` in EMA's results: its own for its final value in one
    replication (a ``ScalarOutcome``), ``<name>_replicates`` for its final value in each replication (an
    ``ArrayOutcome``), ``<name>_weekly`` for its weekly series (a ``TimeSeriesOutcome``).

    EMA Workbench 3.0 registers every outcome name with its class for the whole Python session (the register
    ``save_results`` and ``load_results`` use) and refuses the same name later with another class; distinct
    names let one session build models of every kind.
    """
    if time_series:
        return f"{name}_weekly"
    return f"{name}_replicates" if replications > 1 else name


def scalar_outcome_names() -> tuple[str, ...]:
    """Every outcome a run's final week gives as a number: the outcomes of ``ALL_OUTCOME_NAMES``, then the
    per-quartile and per-service measures (``docs/outcomes.md``)."""
    from sim.core.services import SERVICE_NAMES

    groups = [group_name(m, d, q) for m in GROUP_MEASURES for d in GROUP_DIMENSIONS for q in QUARTILES]
    services = [service_name(m, s) for m in SERVICE_MEASURES for s in SERVICE_NAMES]
    return (*ALL_OUTCOME_NAMES, *groups, *services)


class ScenarioRunner:
    """The function an EMA model built by :func:`model` wraps: one run of ``run_scenario`` per experiment
    (and replication), its chosen outcomes returned by name.

    Attributes:
        scenario: the scenario every run starts from.
        outcomes: the outcome names returned.
        time_series: return each outcome's weekly series rather than its final value.
        names: EMA name → the project's name, for every name the EMA model exposes under another one.
        mapped_shares: the sampled members of ``SHARE_GROUPS`` (mapped into what earlier shares leave).
        durations: the EMA names of the levers' durations, each with its lever (the run's ``<lever>_end_step``
            is the week the lever starts acting plus the duration).
    """

    def __init__(self, scenario: str, outcomes: tuple[str, ...], time_series: bool):
        self.scenario = scenario
        self.outcomes = outcomes
        self.time_series = time_series
        self.names: dict[str, str] = {}
        self.mapped_shares: frozenset[str] = frozenset()
        self.durations: dict[str, str] = {}

    def run_inputs(self, **inputs) -> dict[str, object]:
        """The keyword arguments of ``run_scenario`` for one experiment given as EMA passes it (uncertainties,
        levers and constants, ``seed`` and ``steps`` included, by their EMA names): the project's names, numpy
        scalars as Python numbers, the sampled shares mapped as every design maps them, each lever's duration as
        its end week, and the scenario."""
        values = {self.names.get(k, k): _plain(v) for k, v in inputs.items() if k not in self.durations}
        for name, lever in self.durations.items():
            if name in inputs:
                start = values.get(f"{lever}_start_step", PARAMS[f"{lever}_start_step"].default)
                values[f"{lever}_end_step"] = end_step(start, _plain(inputs[name]))
        sampled = {k: v for k, v in values.items() if k in self.mapped_shares}
        for name, value in sampled.items():
            lo, hi = PARAMS[name].sweep_range
            if not lo - 1e-12 <= value <= hi + 1e-12:
                group = next(g for g in SHARE_GROUPS if name in g)
                raise ConfigError(name, value, f"in an EMA experiment a number from {lo:g} to {hi:g}, its plausible "
                                  f"range, which is mapped into what the earlier shares of {' + '.join(group)} "
                                  "leave (sim.ema)")
        if sampled:
            fixed = resolve_params(self.scenario, str(values.get("policy", "none")),
                                   {k: v for k, v in values.items() if k in PARAMS and k not in sampled})
            values.update(consistent_shares(sampled, fixed))
        values["scenario"] = self.scenario
        return values

    def result(self, **inputs) -> RunResult:
        """The full ``RunResult`` of one experiment (inputs by their EMA names, seed and steps included): its
        time series, groups and services as well as its outcomes."""
        return run_scenario(area_tables=False, **self.run_inputs(**inputs))

    def __call__(self, **inputs) -> dict[str, float | np.ndarray]:
        """Run one experiment; return each chosen outcome, a number (or with ``time_series`` a weekly array)."""
        result = self.result(**inputs)
        if self.time_series:
            return {name: result.timeseries[name].to_numpy(dtype=float) for name in self.outcomes}
        values = {**result.outcomes, **result.groups, **result.services}
        return {name: float(values[name]) for name in self.outcomes}


def model(scenario: str = "bangbayang", outcomes: str | Iterable[str] | None = None, replications: int = 1,
          steps: int = 520, time_series: bool = False, name: str | None = None, seed: int = 0,
          levers: LeverSet = "registry", **constants):
    """The clientelism model as an EMA Workbench model, its uncertainties, levers, constants and outcomes from
    the registry (the module's docstring says which and how).

    Args:
        scenario: the scenario every experiment starts from (``bangbayang``, ``bangbayang_after_election``,
            ``brebes``).
        outcomes: an outcome name or names (``sim.ema.scalar_outcome_names()``); all of ``ALL_OUTCOME_NAMES``
            by default.
        replications: runs per experiment; more than one gives a ``ReplicatorModel``, replication r with seed
            ``replicate_seeds(seed, replications)[r]`` in every experiment.
        steps: weeks each run lasts after its spin-up (520 = ten years).
        time_series: each outcome's weekly series (``TimeSeriesOutcome``) rather than its final value.
        name: the EMA model's name, a Python identifier; ``clientelism_<scenario>`` by default.
        seed: the seed of every run with one replication, the master seed of the replications' seeds otherwise.
        levers: ``registry`` (every lever of the registry: intensities, start weeks, durations,
            ``training_targeted``) or ``presets`` (one categorical lever ``policy_preset`` over the project's
            policy names).
        **constants: registry parameters fixed for every experiment (e.g. ``n_households=500``,
            ``spinup_weeks=52``); a constant is neither sampled nor a lever.

    Returns:
        An ``ema_workbench.Model`` (``ReplicatorModel`` with ``replications > 1``), ready for
        ``perform_experiments`` and EMA's evaluators (``SequentialEvaluator``, ``MultiprocessingEvaluator``).

    Raises:
        ConfigError: an unknown scenario, outcome or parameter, or a bad value (UnknownNameError for names).
    """
    ema = _import_ema()
    scenario_set = scenario_values(scenario)
    if not isinstance(time_series, bool):
        raise ConfigError("time_series", time_series, "true or false")
    chosen = _outcome_names(outcomes, time_series)
    steps = check_steps(steps)
    replications = _check_count("replications", replications)
    seed = check_seed(seed)
    if levers not in ("registry", "presets"):
        raise ConfigError("levers", levers, "'registry' (every lever of the registry) or 'presets' (one lever "
                          "policy_preset over the project's policy names)")
    if "policy" in constants:
        raise ConfigError("policy", constants["policy"], "not as a constant: policies are EMA's levers "
                          "(levers='presets' gives the lever policy_preset, e.g. Sample('p', "
                          "policy_preset='pemekaran'); levers='registry' each lever's intensity)")
    name = f"clientelism_{scenario}" if name is None else name
    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigError("name", name, "a Python identifier (EMA Workbench 3.0 requires one): letters, digits "
                          "and _, not starting with a digit")
    fixed = resolve_params(scenario, "none", constants)     # validates the constants (names, types, geography)
    constants = {k: fixed[k] for k in constants}
    excluded = set(PER_VILLAGE_PARAMS) if scenario in GEOGRAPHIES else set()

    runner = ScenarioRunner(scenario, chosen, time_series)
    cls = ema.ReplicatorModel if replications > 1 else ema.Model
    m = cls(name, function=runner)
    taken = set(dir(m)) | RESERVED_NAMES
    as_constant = dict(constants)

    uncertainties = []
    for p in PARAMS.values():
        if p.role != "uncertainty" or p.name in excluded or p.name in constants:
            continue
        if p.name in scenario_set:
            as_constant[p.name] = fixed[p.name]      # the scenario's own value, e.g. brebes' hamlet_radius_km
            continue
        uncertainties.append((p.name, _parameter(ema, p, p.sweep_range, fixed[p.name])))

    lever_params = []
    durations: dict[str, str] = {}
    if levers == "presets":
        # run_scenario's ``policy``, a name EMA reserves: exposed as ``policy_preset`` (ema_name).
        lever_params.append(("policy", lambda n: ema.CategoricalParameter(n, list(policy_names()), default="none")))
    for p in PARAMS.values():
        if levers != "registry" or p.role != "lever" or p.name in constants:
            continue
        if p.name in scenario_set:
            as_constant[p.name] = fixed[p.name]
            continue
        if p.name.endswith("_end_step"):
            # An end week as a duration from the week the lever starts acting (module docstring).
            duration = Param(f"{p.lever}_duration_weeks", int, steps, 1, steps, "weeks", "", "", "lever")
            durations[duration.name] = p.lever
            lever_params.append((duration.name, _parameter(ema, duration, (1, steps), steps)))
            continue
        # A start week the run never reaches is no lever: start weeks range over the run.
        bounds = (0, max(steps - 1, 1)) if p.type is int else p.sweep_range
        lever_params.append((p.name, _parameter(ema, p, bounds, fixed[p.name])))

    names: dict[str, str] = {}

    def exposed(project_name: str) -> str:
        new = ema_name(project_name, taken)
        if new != project_name:
            names[new] = project_name
        return new

    m.uncertainties = [build(exposed(n)) for n, build in uncertainties]
    m.levers = [build(exposed(n)) for n, build in lever_params]
    run_constants = {"steps": steps} if replications > 1 else {"steps": steps, "seed": seed}
    m.constants = [ema.Constant(exposed(k), v) for k, v in {**run_constants, **as_constant}.items()]
    if replications > 1:
        m.replications = [{exposed("seed"): s} for s in replicate_seeds(seed, replications)]
    if time_series:
        m.outcomes = [ema.TimeSeriesOutcome(outcome_name(o, replications, True), variable_name=o) for o in chosen]
    elif replications > 1:
        m.outcomes = [ema.ArrayOutcome(outcome_name(o, replications, False), variable_name=o) for o in chosen]
    else:
        m.outcomes = [ema.ScalarOutcome(o) for o in chosen]

    runner.names = names
    runner.durations = {exposed(n): lever for n, lever in durations.items()}
    sampled = {n for n, _ in uncertainties} | {n for n, _ in lever_params}
    runner.mapped_shares = frozenset(n for group in SHARE_GROUPS for n in group if n in sampled)
    _check_share_corners(fixed, runner.mapped_shares)
    return m


def end_step(start_step: int, duration_weeks: int) -> int:
    """The end week of a lever that starts in ``start_step`` (acting from ``max(start_step, 1)``) and lasts
    ``duration_weeks`` weeks."""
    return max(int(start_step), 1) + int(duration_weeks)


def _parameter(ema, p: Param, bounds, default):
    """A factory ``name -> EMA parameter`` for a registry parameter over ``bounds``."""
    if p.type is bool:
        return lambda name: ema.BooleanParameter(name, default=bool(default))
    if p.type is int:
        return lambda name: ema.IntegerParameter(name, int(bounds[0]), int(bounds[1]), default=int(default))
    return lambda name: ema.RealParameter(name, float(bounds[0]), float(bounds[1]), default=float(default))


def _check_share_corners(fixed: dict, sampled: frozenset[str]) -> None:
    """Refuse a model whose samples could break a share group: a fixed share after a sampled one, which the
    mapping cannot make room for (the worst case is every sampled share at the top of its range)."""
    for group in SHARE_GROUPS:
        corner = {n: PARAMS[n].sweep_range[1] for n in group if n in sampled}
        values = {**{n: fixed[n] for n in group}, **consistent_shares(corner, fixed)}
        total = sum(float(values[n]) for n in group)
        if total > 1.0 + 1e-9:
            raise ConfigError(" + ".join(group), round(total, 6), "a sum of at most 1 in every sample: a sampled "
                              "share at the top of its plausible range leaves too little for the shares fixed after "
                              "it; fix that share too, or a smaller later one")


def _outcome_names(outcomes, time_series: bool) -> tuple[str, ...]:
    if outcomes is None:
        return tuple(ALL_OUTCOME_NAMES)
    chosen = (outcomes,) if isinstance(outcomes, str) else tuple(outcomes)
    available = ALL_OUTCOME_NAMES if time_series else scalar_outcome_names()
    for o in chosen:
        if not isinstance(o, str) or o not in available:
            if isinstance(o, str) and o in scalar_outcome_names():
                raise ConfigError("outcomes", o, "with time_series=True one of ALL_OUTCOME_NAMES: per-quartile and "
                                  "per-service measures have no weekly series")
            raise UnknownNameError("outcome", o, close_names(str(o), available, "docs/outcomes.md"))
    if not chosen:
        raise ConfigError("outcomes", outcomes, "at least one outcome name (docs/outcomes.md)")
    if len(set(chosen)) != len(chosen):
        raise ConfigError("outcomes", list(chosen), "each outcome once")
    return chosen


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ConfigError(name, value, "a whole number, at least 1")
    return int(value)


def _plain(value):
    """A numpy scalar as the Python number it holds (EMA's samplers give numpy integers and floats)."""
    return value.item() if isinstance(value, np.generic) else value


def _import_ema():
    try:
        with warnings.catch_warnings():
            # ema_workbench warns on import when ipyparallel (its IpyparallelEvaluator) is missing: harmless here.
            warnings.filterwarnings("ignore", message="ipyparallel not installed")
            import ema_workbench
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError("sim.ema needs EMA Workbench 3.0: pip install -e '.[ema]' in this environment "
                                  "(make setup installs it)") from exc
    return ema_workbench
