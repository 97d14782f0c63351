"""Running one scenario: ``run_scenario`` returns its outcomes and time series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from sim.model import ClientelismModel
from sim.params.registry import STEPS, check_steps
from sim.params.scenarios import Resolved, resolve_params
from sim.snapshot import SnapshotError


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        outcomes: every outcome at the end of the run (the final year for flows).
        groups: brokered share and access shortfall per quartile (see ``sim.core.outcomes``).
        services: per service type: paid, unpaid and self-service shares, completion, fee, delay.
        camps: per political camp (head, opposition, neutral) since the last election: self-service and paid
            shares, fee per paid case (``paid_dependence_share_camp_opposition``, …).
        timeseries: one row per step, one column per outcome.
        params: every parameter value the run used.
        villages: outcomes per village, with the counts they are ratios of (one row for one village).
        kecamatan: the same per kecamatan.
        scenario, policy, seed, steps: what was run; ``policy`` names the levers that were on (so
            ``policy="none", digital_training_intensity=0.3`` is labelled ``digital_training``).
    """

    outcomes: dict[str, float]
    timeseries: pd.DataFrame = field(repr=False)
    params: dict[str, object] = field(repr=False)
    groups: dict[str, float] = field(default_factory=dict, repr=False)
    services: dict[str, float] = field(default_factory=dict, repr=False)
    camps: dict[str, float] = field(default_factory=dict, repr=False)
    villages: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    kecamatan: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    scenario: str = "bangbayang"
    policy: str = "none"
    seed: int = 0
    steps: int = 0

    def row(self) -> dict[str, object]:
        """One flat record: ids, seed, parameters and outcomes."""
        return {"scenario": self.scenario, "policy": self.policy, "seed": self.seed, "steps": self.steps,
                **self.params, **self.outcomes}


def run_scenario(scenario: str = "bangbayang", policy: str = "none", seed: int = 0, steps: int | None = None,
                 area_tables: bool = True, on_step: Callable[[], None] | None = None, *,
                 resolved: Resolved | None = None, spin_up: bytes | ClientelismModel | None = None,
                 **overrides: object) -> RunResult:
    """Run one scenario under one policy and return its outcomes.

    Args:
        scenario: scenario name.
        policy: ``none``, a lever name, or levers joined by ``+``.
        seed: the model's seed (every draw comes from it).
        steps: weeks to run; ``None`` runs the default 10 years (520 weeks).
        area_tables: also tabulate outcomes per village and per kecamatan (``villages``, ``kecamatan``).
        on_step: called after every step (progress reporting).
        resolved: the run's parameters already resolved and validated (``resolve_params``), instead of
            ``scenario``, ``policy`` and ``overrides``.
        spin_up: a spun-up village this run shares with runs of the same seed that differ from it only in their
            levers (a model just spun up, or its snapshot; ``ClientelismModel.from_spin_up``): the run starts
            from it instead of spinning up its own, with the same result bit for bit.
        **overrides: registry parameters.
    """
    steps = check_steps(STEPS.default if steps is None else steps)
    if resolved is None:
        resolved = resolve_params(scenario, policy, overrides)
    elif overrides or (scenario, policy) != ("bangbayang", "none"):
        raise TypeError("give either resolved= or scenario, policy and parameters, not both")
    if spin_up is None:
        model = ClientelismModel(rng=seed, resolved=resolved)
    else:
        model = ClientelismModel.from_spin_up(spin_up, resolved)
        if model.seed != seed:
            raise SnapshotError("spin_up", f"the spin-up of this run's seed ({seed}; it is of seed {model.seed})")
    for _ in range(steps):
        model.step()
        if on_step is not None:
            on_step()
    ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    villages = model.village_table() if area_tables else pd.DataFrame()
    kecamatan = model.kecamatan_table(villages) if area_tables else pd.DataFrame()
    return RunResult(outcomes=model.outcomes(), timeseries=ts, params=model.parameters(),
                     groups=model.group_outcomes(), services=model.service_outcomes(),
                     camps=model.camp_values(), villages=villages,
                     kecamatan=kecamatan, scenario=resolved.scenario,
                     policy=model.policy_name, seed=seed, steps=steps)
