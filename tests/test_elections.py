"""Village-head elections (ODD 7.7, ``sim.core.elections``): the cycle, what a turnover does to camps, officials
and ties, and its effect on who is served and at what price over twenty paired seeds (a forced turnover against
the same election won by the incumbent)."""

import copy
from types import SimpleNamespace

import numpy as np
import pytest
from helpers import mean_ci, pool

from sim.core import elections
from sim.core.population import CURRENT, FORMER, NEUTRAL
from sim.model import ClientelismModel
from sim.params.scenarios import resolve_params

SEEDS = range(20)


def test_elections_follow_the_term_from_the_next_one_backwards_and_forwards():
    p = resolve_params("bangbayang", "none", {})
    term = 52 * p["election_term_years"]
    first = p["next_election_week"]
    weeks = [w for w in range(-3 * term, 3 * term) if elections.is_election_week(w, SimpleNamespace(**p))]
    assert weeks == list(range(first - 3 * term, 3 * term, term)) and first in weeks
    m = ClientelismModel(rng=1, n_households=100)          # the default spin-up holds one election
    assert m.world.politics.elections == len([w for w in weeks if -p["spinup_weeks"] < w <= 0])


def test_a_turnover_swaps_camps_dismisses_only_losers_and_ends_their_ties():
    m = ClientelismModel(rng=5, n_households=800, spinup_weeks=52, perangkat_replacement_share=0.5)
    assert m.world.politics.elections == 0
    won, lost = copy.deepcopy(m), copy.deepcopy(m)
    won.set_parameter("turnover_prob", 0.0)
    lost.set_parameter("turnover_prob", 1.0)
    for x in (won, lost):
        elections.hold(x.context(), x.election_rng)
    assert won.election_rng.random() == lost.election_rng.random()   # paired: the same draws whoever wins
    r0, r1 = m.residents, lost.residents
    swapped = {CURRENT: FORMER, FORMER: CURRENT, NEUTRAL: NEUTRAL}
    assert [swapped[f] for f in r0.faction.tolist()] == r1.faction.tolist()
    np.testing.assert_array_equal(won.residents.faction, r0.faction)
    np.testing.assert_array_equal(won.ties.log, m.ties.log)
    o0, o1 = m.officials_state, lost.officials_state
    replaced = o1.fee_seeking != o0.fee_seeking
    assert 0 < replaced.sum() < (o0.faction == CURRENT).sum()
    assert (o0.faction[replaced] == CURRENT).all()           # the old head's men lose their seats ...
    assert (o1.faction[replaced] == CURRENT).all()           # ... to the new head's
    assert (o1.faction[~replaced] == [swapped[f] for f in o0.faction[~replaced].tolist()]).all()
    np.testing.assert_array_equal(won.officials_state.fee_seeking, o0.fee_seeking)
    assert (lost.world.politics.salience == 1.0).all() and (won.world.politics.salience == 0.0).all()
    slots = o1.slot[replaced]
    t0, t1 = m.ties, lost.ties
    assert np.isneginf(t1.log[:, slots]).all() and (t0.log[:, slots] > -np.inf).any()
    kept = np.setdiff1d(np.arange(o1.per_village), slots)
    np.testing.assert_array_equal(t1.log[:, kept], t0.log[:, kept])
    # Lock-in now rests on the remaining ties only.
    strongest = lost.current_ties().max(axis=1)
    np.testing.assert_array_equal(t1.locked_in(lost.week), strongest >= lost.p.lockin_tie_threshold)
    assert t1.locked_in(lost.week).sum() < t0.locked_in(m.week).sum()


def test_the_contest_fades():
    m = ClientelismModel(scenario="bangbayang_after_election", rng=2, n_households=100, spinup_weeks=4)
    assert m.world.politics.salience[0] == np.exp(-m.p.contest_salience_decay_per_year / 52)   # week 0 faded once
    for _ in range(52):
        m.step()
    np.testing.assert_allclose(m.world.politics.salience[0], np.exp(-m.p.contest_salience_decay_per_year * 53 / 52))


def _year_after(args):
    turnover, seed = args
    from sim.model import ClientelismModel

    m = ClientelismModel(rng=seed, next_election_week=0, election_term_years=20, turnover_prob=0.0,
                         next_election_turnover=turnover)
    for _ in range(52):
        m.step()
    c = m.camp_outcomes()
    return {"fee_gap": c["opposition"]["fee_per_paid_case_rupiah"] - c["head"]["fee_per_paid_case_rupiah"],
            "self_gap": c["opposition"]["self_service_share"] - c["head"]["self_service_share"],
            "lockin": m.patron_lockin_share}


@pytest.mark.slow
def test_a_turnover_makes_the_new_opposition_pay_more_and_breaks_patronage():
    # The year after a contested election the challenger won (scenario bangbayang_after_election), against the
    # same seeds' election won by the incumbent: the opposition's fee per paid case rises relative to the head's
    # camp (a harder gate makes its own attempt dearer, so officials can ask more), and lock-in falls (the
    # dismissed officials' clients lose their patron).
    runs = {t: list(pool().map(_year_after, [(t, s) for s in SEEDS])) for t in (False, True)}
    fee = np.array([b["fee_gap"] - a["fee_gap"] for a, b in zip(runs[False], runs[True])])
    lockin = np.array([b["lockin"] - a["lockin"] for a, b in zip(runs[False], runs[True])])
    mean, lo, _ = mean_ci(fee)
    assert lo > 0 and mean > 3_000
    mean, _, hi = mean_ci(lockin)
    assert hi < 0 and mean < -0.02


def test_runs_with_the_same_seed_hold_the_same_elections_whatever_their_policy():
    # The election stream is the seed's, not the policy's: the same turnovers in every arm of a comparison.
    turnovers = []
    for policy in ("none", "pemekaran+digital_training"):
        m = ClientelismModel(policy=policy, rng=8, n_households=200, spinup_weeks=52, next_election_week=60,
                             election_term_years=1)
        for _ in range(200):
            m.step()
        turnovers.append((m.world.politics.elections, m.world.politics.last_turnover_week.tolist(),
                          m.officials_state.faction.tolist()))
    assert turnovers[0] == turnovers[1] and turnovers[0][0] == 5      # weeks -44, 8, 60, 112, 164


def test_per_camp_outcomes_are_columns_of_a_run():
    from sim.core.outcomes import CAMP_NAMES, camp_name
    from sim.simulation import run_scenario

    result = run_scenario("bangbayang_after_election", seed=2, steps=52, n_households=600)
    assert set(result.camps) == set(CAMP_NAMES)
    model = ClientelismModel("bangbayang_after_election", rng=2, n_households=600)
    for _ in range(52):
        model.step()
    nested = model.camp_outcomes()
    for camp in ("head", "opposition", "neutral"):
        assert result.camps[camp_name("paid_dependence_share", camp)] == nested[camp]["paid_share"]
        assert result.camps[camp_name("self_service_share", camp)] == nested[camp]["self_service_share"]
