"""Experiment kinds, one module each behind one interface (``Kind``, in ``base``), registered in ``KINDS``.

In the EMA Workbench vocabulary of uncertainties (X), levers (L) and outcomes (M):

* ``comparison`` — policies (lever settings) against a baseline, replicated with common random numbers;
* ``sensitivity`` — Morris screening over uncertainties, then Sobol indices for the most influential;
* ``hysteresis`` — a lever swept up and then down, each point starting from the end state of the previous one;
* ``drivers`` — each driver of clientelism (a parameter of the setting, not a lever) moved over its plausible
  range, everything else at the scenario's values, replicated with common random numbers against one baseline;
* ``exploration`` — open exploration: a Latin hypercube over the plausible ranges of the uncertainties, every
  policy (and the baseline) at every sampled point with common random numbers, then scenario discovery (PRIM and
  CART from EMA Workbench) and robustness (minimax regret, satisficing).

A new kind is a module here (its specification model, a subclass of ``Experiment``, and its ``Kind``) and one
line of ``KINDS``; the specification's schema, its checks and messages, the runner, the size estimate, the
report and ``docs/experiment_keys.md`` then know it.
"""

from __future__ import annotations

from sim.experiments.kinds.base import Experiment, Kind
from sim.experiments.kinds.comparison import Comparison
from sim.experiments.kinds.drivers import Drivers
from sim.experiments.kinds.exploration import Exploration
from sim.experiments.kinds.hysteresis import Hysteresis
from sim.experiments.kinds.sensitivity import Sensitivity

# The registry: a kind's name (its specification's ``kind``) -> the kind. The order is that of messages and docs.
KINDS: dict[str, Kind] = {k.name: k for k in (Comparison(), Sensitivity(), Hysteresis(), Drivers(), Exploration())}


def kind_of(spec: Experiment) -> Kind:
    """The kind of a specification."""
    return KINDS[spec.kind]
