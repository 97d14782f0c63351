"""The per-agent Mesa reference (benchmarks/reference_agents.py) and the array model agree.

Both decide for the same households in the same state: the array model by a
Gumbel-max over all pending needs, the reference agent by agent with a softmax
draw. Over repeated draws from that state the channel shares, the officials
picked and the needs arriving must be the same distribution.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2_contingency

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from helpers import context  # noqa: E402
from reference_agents import ReferenceModel  # noqa: E402

from sim.core import needs  # noqa: E402
from sim.core.choice import choose  # noqa: E402
from sim.core.services import N_CHANNELS, SERVICES  # noqa: E402
from sim.model import ClientelismModel  # noqa: E402

REPEATS = 60
P_MIN = 1e-3          # chi-square homogeneity: fail below this p-value
SHARE_TOL = 0.04      # and on any channel share differing by more than this


def state(seed: int, n: int = 600, weeks: int = 40, **params) -> ClientelismModel:
    model = ClientelismModel(rng=seed, n_households=n, **params)
    for _ in range(weeks):
        model.step()
    for k in range(4):   # fresh needs pending, on top of the deferred ones (other draws each time)
        needs.arrive(context(model, rng=np.random.default_rng(1000 * seed + k)))
    return model


def array_counts(model: ClientelismModel) -> tuple[np.ndarray, np.ndarray]:
    """The channels and officials chosen for the pending needs, each time with other draws (the week's draws of
    a need are fixed: ``sim.core.draws``)."""
    channels = np.zeros(N_CHANNELS, dtype=np.int64)
    slots = np.zeros(model.officials_state.per_village, dtype=np.int64)
    week = model.context()
    free = np.nonzero(~(needs.blocked(week) | week.world.needs.in_hand()))[0]
    for r in range(REPEATS):
        choice = choose(context(model, rng=np.random.default_rng(r)), free)
        channels += np.bincount(choice.channel, minlength=N_CHANNELS)
        slots += np.bincount(choice.official, minlength=model.officials_state.per_village)
    return channels, slots


def reference_counts(model: ClientelismModel, seed: int) -> tuple[np.ndarray, np.ndarray]:
    ref = ReferenceModel.from_array_model(model, rng=seed)
    channels = np.zeros(N_CHANNELS, dtype=np.int64)
    slots = np.zeros(model.officials_state.per_village, dtype=np.int64)
    for _ in range(REPEATS):
        ref.decide()
        for agent in ref.agents:
            for _, channel, slot in agent.choices:
                channels[channel] += 1
                slots[slot] += 1
    return channels, slots


def homogeneous(a: np.ndarray, b: np.ndarray) -> float:
    table = np.vstack([a, b])
    table = table[:, table.sum(axis=0) > 0]
    return chi2_contingency(table).pvalue


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_channel_choice_agrees(seed):
    model = state(seed)
    assert len(model.world.needs) > 50
    a_channels, a_slots = array_counts(model)
    r_channels, r_slots = reference_counts(model, seed + 100)
    assert a_channels.sum() == r_channels.sum()   # the same needs were decided
    assert homogeneous(a_channels, r_channels) > P_MIN, (a_channels, r_channels)
    assert np.abs(a_channels / a_channels.sum() - r_channels / r_channels.sum()).max() < SHARE_TOL
    assert homogeneous(a_slots, r_slots) > P_MIN, (a_slots, r_slots)


def test_choice_shares_are_not_trivial():
    """The comparison has power: several channels are chosen, and a changed rule is detected."""
    model = state(4)
    a_channels, _ = array_counts(model)
    assert (a_channels / a_channels.sum() > 0.02).sum() >= 3
    altered = ClientelismModel(rng=4, n_households=10, moral_cost_entrust=1.5)
    # Same households, decided by the reference under a higher moral cost of entrusting.
    ref = ReferenceModel.from_array_model(model, rng=5)
    ref.p = altered.p
    r_channels = np.zeros(N_CHANNELS, dtype=np.int64)
    for _ in range(REPEATS):
        ref.decide()
        for agent in ref.agents:
            for _, channel, _ in agent.choices:
                r_channels[channel] += 1
    assert homogeneous(a_channels, r_channels) < P_MIN


def test_needs_arrive_at_the_same_rate():
    # The services that arise at random occasions (village letters, land papers); the others come from life
    # events, which the reference does not model.
    model = ClientelismModel(rng=7, n_households=2000)
    ref = ReferenceModel.from_array_model(model, rng=7)
    weeks = 20
    for agent in ref.agents:
        agent.needs = []
    for _ in range(weeks):   # the arrival half of the reference's step (its step then drops handled needs)
        ref.agents.shuffle_do("arrive_needs")
    arrived_ref = sum(len(agent.needs) for agent in ref.agents)
    occasions = [i for i, s in enumerate(SERVICES) if s.rate_per_year > 0]
    assert len(occasions) >= 2
    expected = 2000 * weeks * sum(s.rate_per_year for s in SERVICES) / 52
    arrived_array = 0
    for k in range(weeks):
        model.world.needs.keep(np.zeros(len(model.world.needs), dtype=bool))
        needs.arrive(context(model, rng=np.random.default_rng(k)))        # other draws each time
        arrived_array += int(np.isin(model.world.needs.service, occasions).sum())
    sd = np.sqrt(expected)
    assert abs(arrived_ref - expected) < 4 * sd
    assert abs(arrived_array - expected) < 4 * sd
