"""``kind: drivers``: each driver of clientelism (a parameter of the setting, not a lever) moved over its plausible
range, everything else at the scenario's values, replicated with common random numbers against one baseline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from sim.core.outcomes import outcome
from sim.errors import ConfigError, UnknownNameError, close_names, one_village_only
from sim.experiments import analysis
from sim.experiments.design import numbered, replicate_seeds
from sim.experiments.kinds.base import Experiment, Kind, Section, Strict
from sim.experiments.kinds.shared import UNITS_CAPTION, fixed_by_geography
from sim.params.registry import PARAMS, lever_of
from sim.params.scenarios import resolve_params

BASELINE = "baseline"   # the driver column of the runs at the scenario's values (a driver's key cannot be this)


class Driver(Strict):
    """One driver of a drivers experiment: a parameter of the setting moved over ``values``, the others held at
    the scenario's values. ``key`` (letters, digits, ``_ . -``) names it in tables; without one it is derived
    from ``name``."""

    noun: ClassVar[str] = "a driver"

    name: str = Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$",
                      description="the driver's name in the report")
    parameter: str = Field(description="the parameter it moves (of the setting: not a lever)")
    values: list[float | int | bool] = Field(min_length=2, description="values of `parameter`: at least two, "
                                             "each once")
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                            description="its name in tables and file names (default: from `name`)")

    @property
    def id(self) -> str:
        """The driver's short, file-safe name: its ``key``, else its name in lower case, ``_`` between words."""
        return self.key if self.key is not None else driver_id(self.name)


def driver_id(name: str) -> str:
    """A file-safe id from a driver's name: ``deviation from duties (tupoksi)`` -> ``deviation_from_duties_tupoksi``
    (ASCII letters and digits joined by ``_``, at most 40 characters; empty when the name has none)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "_".join(re.findall(r"[a-z0-9]+", ascii_name))[:40].strip("_")


class DriversExperiment(Experiment):
    """How far each driver of clientelism moves the outcomes over its plausible range, each value paired by seed
    with the baseline."""

    kind: Literal["drivers"]
    drivers: list[Driver] = Field(default_factory=list, description="the drivers: each moved over its values, the "
                                  "others at the scenario's values and the experiment's constants")

    required = "drivers"
    called = "a drivers experiment"


class Drivers(Kind):
    """Each driver's outcomes over its values and its paired effect from its lowest to its highest value."""

    spec = DriversExperiment

    def check(self, spec: DriversExperiment) -> None:
        """Each driver once, a numeric parameter of the setting (not a lever, not fixed by a geography), at least
        two values, each once, each within bounds and a valid run with the scenario and the experiment's
        constants."""
        for key, value in spec.constants.items():
            if lever_of(key) is not None:
                raise ConfigError(key, value, f"a parameter of the setting: the runs of a drivers experiment switch "
                                  f"no policy on, so a setting of {lever_of(key)} would run mislabelled (levers "
                                  "belong to comparisons)")
        by_name: dict[str, Driver] = {}
        by_parameter: dict[str, Driver] = {}
        by_id: dict[str, Driver] = {}
        fixed = fixed_by_geography(spec)
        settable = [n for n in PARAMS if lever_of(n) is None and n not in fixed]
        base = resolve_params(spec.scenario, "none", spec.shared_constants())
        for d in spec.drivers:
            where = f"drivers: {d.name}"
            if d.name in by_name:
                raise ConfigError("drivers: name", d.name, "each driver once, under its own name (it is listed "
                                  "twice)")
            by_name[d.name] = d
            if not d.id:
                raise ConfigError("drivers: name", d.name, "a name with letters or digits, or a key: (letters, "
                                  "digits, _ . -) that names the driver in tables")
            if d.id == BASELINE:
                raise ConfigError(f"{where}: key", d.id, f"a key other than '{BASELINE}' (the runs at the "
                                  "scenario's values carry that name)")
            if d.id in by_id:
                raise ConfigError(f"{where}: key", d.id, f"a key of its own (driver '{by_id[d.id].name}' has it "
                                  "too): give one of them a key:")
            by_id[d.id] = d
            if d.parameter not in PARAMS:
                raise UnknownNameError("parameter", d.parameter,
                                       close_names(d.parameter, settable, "docs/parameters.md"))
            if d.parameter in by_parameter:
                raise ConfigError(f"{where}: parameter", d.parameter, f"a parameter no other driver moves (driver "
                                  f"'{by_parameter[d.parameter].name}' moves it already): each driver once, with "
                                  "all its values")
            by_parameter[d.parameter] = d
            param = PARAMS[d.parameter]
            if param.type is bool:
                raise ConfigError(f"{where}: parameter", d.parameter, "a numeric parameter (this one is true or "
                                  "false)")
            if lever_of(d.parameter) is not None:
                raise ConfigError(f"{where}: parameter", d.parameter, f"a parameter of the setting, not a lever "
                                  f"({d.parameter} sets the {lever_of(d.parameter)} policy; levers belong to "
                                  "comparisons)")
            if d.parameter in fixed:
                raise one_village_only(f"{where}: parameter", d.parameter, spec.scenario)
            _check_values(spec, d, base)

    def notes(self, spec: DriversExperiment) -> list[str]:
        """The driver values that equal the baseline's: their runs are the baseline runs."""
        shared = [f"{d.parameter}={value:g}" for d, points in driver_points(spec) for value, is_base in points
                  if is_base]
        if shared:
            return [f"the baseline runs (the scenario's values) also stand for {', '.join(shared)}: those points "
                    "are not run twice"]
        return []

    def design(self, spec: DriversExperiment, master_seed: int) -> pd.DataFrame:
        """The baseline (the scenario's values and the experiment's constants) in every replicate, then each
        driver's values other than the baseline's, each in every replicate; replicate r has the same seed in every
        run (common random numbers), so each value is compared with the baseline run of the same seed.

        ``driver`` is the driver's id, ``parameter`` and ``value`` what it moves; the value is also in the
        parameter's own column, which the run reads. The baseline runs have ``driver`` ``baseline``, an empty
        ``parameter`` and no ``value`` (NaN). A value equal to the baseline's has no rows: its runs are the
        baseline runs.
        """
        seeds = replicate_seeds(master_seed, spec.replicates)
        rows = [{"policy": "none", "levers": "none", "driver": BASELINE, "parameter": "", "value": np.nan,
                 "replicate": r, "seed": seeds[r]} for r in range(spec.replicates)]
        for d, points in driver_points(spec):
            for value, is_baseline in points:
                if not is_baseline:
                    rows += [{"policy": "none", "levers": "none", "driver": d.id, "parameter": d.parameter,
                              "value": float(value), "replicate": r, "seed": seeds[r], d.parameter: value}
                             for r in range(spec.replicates)]
        return numbered(rows)

    def count_runs(self, spec: DriversExperiment) -> int:
        """The baseline, and each value that is not the baseline's, in every replicate."""
        moved = sum(not is_baseline for _, points in driver_points(spec) for _, is_baseline in points)
        return (1 + moved) * spec.replicates

    def design_columns(self, spec: DriversExperiment) -> int:
        """Ids, driver, parameter, value, seed and each driver's parameter."""
        return 8 + len(spec.drivers)

    def report(self, folder: Path, spec: DriversExperiment, runs: pd.DataFrame, master_seed: int) -> Section:
        """Each driver's outcomes over its values; the table: each driver's range effect on the headline
        outcomes."""
        from sim.experiments import report as figures

        summary = analysis.driver_effects(spec, runs)
        ranges = analysis.driver_ranges(spec, runs)
        replicates = int(ranges["replicates"].min()) if len(ranges) else 0
        title = f"Each driver's effect (lowest → highest value, paired over {replicates} seeds, 95% CI)"
        return Section({"drivers_range": ranges, "summary": summary}, ranges_table(ranges), title,
                       {"drivers": figures.drivers_figure(summary)}, caption=UNITS_CAPTION)


def _check_values(spec: DriversExperiment, d: Driver, base: dict) -> None:
    """A driver's values: numbers, each once, within the parameter's bounds and valid with the scenario's values
    and the experiment's constants."""
    where = f"drivers: {d.name}"
    param = PARAMS[d.parameter]
    seen: list = []
    for v in d.values:
        if isinstance(v, bool):
            raise ConfigError(f"{where}: values", v, f"numbers (values of {d.parameter}), not true or false")
        try:
            value = param.check(v)
        except ConfigError as exc:
            raise ConfigError(f"{where}: values", v, f"{exc.allowed} for {d.parameter}") from None
        if value in seen:
            raise ConfigError(f"{where}: values", v, "each value once (it is listed twice)")
        seen.append(value)
        if value != base[d.parameter]:
            try:
                resolve_params(spec.scenario, "none", {**spec.shared_constants(), d.parameter: value})
            except ConfigError as exc:
                raise ConfigError(f"{where}: values", v, f"{exc.allowed} for {exc.name}, with the scenario's "
                                  "values and the experiment's constants") from None


def driver_points(spec: DriversExperiment) -> list[tuple[Driver, list[tuple[float | int, bool]]]]:
    """Each driver with its values (as the registry types them) and whether each is the baseline's own value
    (the scenario's, or a constant's): such a value is not run again, its runs are the baseline runs."""
    base = resolve_params(spec.scenario, "none", spec.shared_constants())
    out = []
    for d in spec.drivers:
        values = [PARAMS[d.parameter].check(v) for v in d.values]
        out.append((d, [(v, v == base[d.parameter]) for v in values]))
    return out


def _effect_ci(declared, mean: float, low: float, high: float) -> str:
    """A paired effect with its 95% CI in the outcome's effect unit: ``+3.1 (2.4 … 3.8)``; ``+3.1 (no CI)``
    from one replicate, ``–`` when nothing was measured."""
    if mean != mean:
        return "–"

    def number(x: float, signed: bool = False) -> str:
        x = round(x * declared.scale, declared.digits)
        x = 0.0 if x == 0 else x
        return f"{x:{'+' if signed and x else ''},.{declared.digits}f}"

    if low != low or high != high:
        return f"{number(mean, signed=True)} (no CI)"
    return f"{number(mean, signed=True)} ({number(low)} … {number(high)})"


def ranges_table(ranges: pd.DataFrame, shown=analysis.DRIVER_OUTCOMES) -> pd.DataFrame:
    """One row per driver (what it moves, lowest to highest value), one column per headline outcome: the range
    effect with its 95% CI in the outcome's effect unit."""
    cells = ranges.set_index(["driver", "outcome"])
    rows = []
    for d in ranges.drop_duplicates("driver").itertuples(index=False):
        unit = PARAMS[d.parameter].unit if d.parameter in PARAMS else ""
        moved = f"{d.parameter}: {d.low:g} → {d.high:g}" + (f" ({unit})" if unit else "")
        row = {"driver": d.name, "moved (lowest → highest)": moved}
        for name in shown:
            e = cells.loc[(d.driver, name)]
            row[outcome(name).header] = _effect_ci(outcome(name), e["effect"], e["ci95_low"], e["ci95_high"])
        rows.append(row)
    return pd.DataFrame(rows)
