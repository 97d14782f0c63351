"""No artefact of the week outcomes are read in: an event scheduled for the last week of a run (a village-head
election, here in week 520 of a ten-year run, won by the challenger) moves the end-of-run outcomes by no more than
a week's share of the trailing year, while the stock it changes, read at that week alone, jumps."""

import numpy as np
import pytest

from sim.core.outcomes import ALL_OUTCOME_NAMES, OUTCOMES, outcome
from sim.model import ClientelismModel

SEEDS = range(4)
# A contested election in the last week: every election a turnover, many of the losers' officials replaced.
ELECTION = dict(n_households=600, turnover_prob=1.0, perangkat_replacement_share=0.6)


def _around_the_election(seed: int):
    m = ClientelismModel(rng=seed, **ELECTION)
    for _ in range(519):
        m.step()
    assert not m.is_election_week() and (m.week + 1 - m.p.next_election_week) % (52 * m.p.election_term_years) == 0
    before = m.outcomes()
    locked_before = float(m.ties.locked_in(m.week).mean())
    m.step()                                   # week 520: the villages elect their heads
    assert m.world.politics.last_turnover_week[0] == 520
    return before, m.outcomes(), locked_before, float(m.ties.locked_in(m.week).mean())


@pytest.fixture(scope="module")
def weeks():
    return [_around_the_election(seed) for seed in SEEDS]


def test_the_stock_an_election_changes_jumps_in_its_week(weeks):
    # The counterfactual reading: lock-in at the week itself falls at once when officials are dismissed.
    jumps = [after - before for _, _, before, after in weeks]
    assert max(jumps) < -0.01, jumps


def test_end_of_run_outcomes_do_not_jump_in_the_reading_week(weeks):
    # Every outcome that is a share of households or persons moves by at most 1.5 points from week 519 to 520:
    # stocks are means over the trailing year (the jump above, diluted 52-fold) and flows are its sums; the
    # lock-in jump of more than a point at the week itself moves the outcome by its 52nd part, and by no more
    # than a tenth of a point beyond that (the trailing year's own week-to-week change).
    for before, after, locked_before, locked_after in weeks:
        for name in ALL_OUTCOME_NAMES:
            if outcome(name).kind != "share" or not (np.isfinite(before[name]) and np.isfinite(after[name])):
                continue
            assert abs(after[name] - before[name]) < 0.015, (name, before[name], after[name])
        moved = abs(after["patron_lockin_share"] - before["patron_lockin_share"])
        assert moved < abs(locked_after - locked_before) / 52 + 0.001, (moved, locked_after - locked_before)
    assert "patron_lockin_share" in OUTCOMES
