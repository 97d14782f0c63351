"""The week's schedule is written once (``sim.model.SCHEDULE``): ODD §3 lists the same phases in the same order,
the model runs exactly them in that order (the conditional ones in their weeks), and times each."""

import re
from pathlib import Path

import numpy as np
import pytest

from sim.model import SCHEDULE, ClientelismModel

ROOT = Path(__file__).resolve().parents[1]


def _odd_phases() -> list[str]:
    text = (ROOT / "docs" / "ODD.md").read_text()
    section = text.split("## 3. Process overview and scheduling", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\d+\. \*\*([a-z_]+)\*\*", section, flags=re.MULTILINE)


def test_odd_section_3_lists_the_schedule_s_phases_in_order():
    assert _odd_phases() == [phase.name for phase in SCHEDULE]


def test_every_phase_is_a_method_of_the_model_and_names_are_unique():
    assert len({phase.name for phase in SCHEDULE}) == len(SCHEDULE)
    for phase in SCHEDULE:
        assert callable(getattr(ClientelismModel, phase.run))
        assert phase.when is None or callable(getattr(ClientelismModel, phase.when))


def test_the_week_runs_the_phases_in_order_the_conditional_ones_in_their_weeks(monkeypatch):
    m = ClientelismModel(rng=1, n_households=100, spinup_weeks=0, online_launch_week=2, next_election_week=3,
                         weeks_per_adaptation=2)
    ran = []
    for phase in SCHEDULE:
        original = getattr(m, phase.run)
        monkeypatch.setattr(m, phase.run, lambda original=original, name=phase.name: ran.append(name) or original())
    weeks = {}
    for _ in range(4):
        ran.clear()
        m.step()
        weeks[m.steps] = list(ran)
    every = [p.name for p in SCHEDULE if p.when is None]
    assert weeks[1] == every
    assert weeks[2] == [p.name for p in SCHEDULE if p.name in (*every, "launch", "review")]
    assert weeks[3] == [p.name for p in SCHEDULE if p.name in (*every, "elections")]
    assert weeks[4] == [p.name for p in SCHEDULE if p.name in (*every, "review")]


def test_each_phase_is_timed():
    m = ClientelismModel(rng=2, n_households=200, spinup_weeks=10)
    assert set(m.phase_seconds) == {p.name for p in SCHEDULE}
    every = [p.name for p in SCHEDULE if p.when is None]
    assert all(m.phase_seconds[name] > 0 for name in every)
    before = dict(m.phase_seconds)
    m.step()
    assert all(m.phase_seconds[name] > before[name] for name in every)


@pytest.mark.parametrize("steps", [0, 5])
def test_a_rule_is_called_with_one_context_object(steps):
    from sim.core.choice import choose

    m = ClientelismModel(rng=3, n_households=150, spinup_weeks=4)
    for _ in range(steps):
        m.step()
    ctx = m.context()
    assert ctx.t == m.week and ctx.world is m.world and ctx.p is m.p
    free = np.nonzero(~m.world.needs.in_hand())[0]
    choice = choose(ctx, free)
    assert choice.channel.shape == free.shape and (choice.needs == free).all()
