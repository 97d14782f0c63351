"""What every mechanism of a week reads: the state structures (``World``) and the week's frozen context (``Week``).

The model keeps one ``World``: the villages, the households and their ties, the officials, the pending needs,
the villages' politics and the accounts; each structure is changed only by its own methods. Each week it
builds one ``Week``: the week's number, the parameters, the generator, the week's draws, the policy state and
trip costs of the week, whether the digital ID exists yet, and the diagnostics sink; mechanisms take it as their first
argument, so a test calls a rule with one object (``model.context()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.core.accounting import Accounts
    from sim.core.choice import OfficialPick
    from sim.core.documents import Documents
    from sim.core.draws import Draws
    from sim.core.elections import CampLedger, Politics
    from sim.core.geography import Geography
    from sim.core.needs import Needs
    from sim.core.officials import Officials
    from sim.core.policies import PolicyState
    from sim.core.population import Residents
    from sim.core.ties import Ties
    from sim.core.travel import TravelCosts
    from sim.params.values import TrackedParams


@dataclass
class World:
    """The model's state structures, one of each (the model's ``world``)."""

    geography: Geography
    residents: Residents
    documents: Documents
    ties: Ties
    officials: Officials
    pick: OfficialPick       # rebuilt when elections change the camps
    politics: Politics
    camps: CampLedger
    needs: Needs
    accounts: Accounts


class Diagnostics:
    """A sink for values a test or a calibration check asks for and the model does not otherwise keep.

    ``Diagnostics("official_fees")`` keeps every array recorded under that name; names not asked for are
    dropped at once. Names recorded by the model: ``official_fees`` (every fee an official was paid, rupiah, in
    the order of the cases), ``broker_fees`` (the same for outside brokers).
    """

    NAMES = ("official_fees", "broker_fees")

    def __init__(self, *watch: str):
        unknown = [name for name in watch if name not in self.NAMES]
        if unknown:
            raise ValueError(f"unknown diagnostics {unknown}: the model records {', '.join(self.NAMES)}")
        self._kept: dict[str, list[np.ndarray]] = {name: [] for name in watch}

    def record(self, name: str, values: np.ndarray) -> None:
        """Keep ``values`` under ``name`` if it is watched."""
        kept = self._kept.get(name)
        if kept is not None:
            kept.append(np.array(values, copy=True))

    def values(self, name: str) -> np.ndarray:
        """Everything recorded under a watched ``name``, concatenated in order."""
        if name not in self._kept:
            raise KeyError(f"{name!r} is not watched: build the model with diagnostics=Diagnostics({name!r})")
        kept = self._kept[name]
        return np.concatenate(kept) if kept else np.zeros(0)


@dataclass(frozen=True)
class Week:
    """The frozen context of one week."""

    t: int                       # the week: negative during the spin-up, then 1, 2, ...
    p: TrackedParams
    rng: np.random.Generator     # the model's generator (the weekly rules draw from ``draws``)
    draws: Draws                 # the week's draws, village by village (``sim.core.draws``)
    policy: PolicyState
    travel: TravelCosts
    online_open: bool            # the digital ID and the online channel exist this week
    world: World
    sink: Diagnostics = field(default_factory=Diagnostics)
