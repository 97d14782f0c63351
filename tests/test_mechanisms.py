"""Each mechanism: its direction over 20 paired seeds (common random numbers), its size at the policies' preset
values, and the rules whose effect a whole run could hide, one by one on the mechanism itself.

A direction test compares two settings with the same seeds and requires the paired t statistic of the difference
to exceed 3 in the stated direction. It needs no village at rest, so it runs after a two-year spin-up; the preset
effects are measured on the default run (ten years after the full spin-up).
"""

import numpy as np
import pytest
from helpers import column, context, mean_ci, paired_t, run_seeds

from sim.core import entrusting, learning
from sim.core.accounting import Accounts, Resolution, quartile_outcomes
from sim.core.choice import Choice, choose
from sim.core.needs import Needs
from sim.core.policies import PolicyState
from sim.core.services import Channel, Office
from sim.core.travel import TravelCosts
from sim.model import ClientelismModel

SHORT = 156  # three years are enough for most mechanisms
FAST = dict(spinup_weeks=104)
T_MIN = 3.0


def effect(name, low, high):
    return paired_t(column(low, name), column(high, name))


@pytest.mark.slow
def test_more_distance_means_fewer_in_person_visits():
    near = run_seeds(steps=SHORT, **FAST, dist_regency_km=20.0)
    far = run_seeds(steps=SHORT, **FAST, dist_regency_km=120.0)
    assert effect("in_person_share", near, far) < -T_MIN
    assert effect("brokered_share", near, far) > T_MIN


def test_stronger_ties_mean_more_entrusting():
    # From the start (no spin-up): after two years of spin-up the initial ties have decayed and been remade by
    # exchanges, and the difference left is too small to tell (measured t = 1.6; from the start t = 14).
    weak = run_seeds(steps=52, spinup_weeks=0, init_tie_strength=0.2)
    strong = run_seeds(steps=52, spinup_weeks=0, init_tie_strength=0.9)
    assert effect("brokered_share", weak, strong) > T_MIN
    assert effect("patron_lockin_share", weak, strong) > T_MIN


@pytest.mark.slow
def test_ties_decay_without_exchanges():
    slow = run_seeds(steps=SHORT, **FAST, tie_decay_per_year=0.1)
    fast = run_seeds(steps=SHORT, **FAST, tie_decay_per_year=2.0)
    assert effect("patron_lockin_share", slow, fast) < -T_MIN


@pytest.mark.slow
def test_favours_to_loyal_clients_keep_them():
    none = run_seeds(steps=SHORT, **FAST, favour_value=0.0)
    big = run_seeds(steps=SHORT, **FAST, favour_value=2.0)
    assert effect("brokered_share", none, big) > T_MIN


@pytest.mark.slow
def test_training_raises_literacy_and_lowers_brokering(baseline_runs, policy_runs):
    trained = policy_runs["digital_training"]
    assert effect("mean_literacy", baseline_runs, trained) > T_MIN
    assert effect("paid_dependence_share", baseline_runs, trained) < -T_MIN
    assert effect("online_share", baseline_runs, trained) > T_MIN


def test_pemekaran_lowers_brokering_and_fees(baseline_runs, policy_runs):
    closer = policy_runs["pemekaran"]
    assert effect("brokered_share", baseline_runs, closer) < -T_MIN
    assert effect("in_person_share", baseline_runs, closer) > T_MIN
    # Price discrimination: officials ask less when the household's own trip is cheaper.
    assert effect("fees_per_household_rupiah", baseline_runs, closer) < -T_MIN


def test_simplification_raises_self_service(baseline_runs, policy_runs):
    simpler = policy_runs["simplification"]
    assert effect("in_person_share", baseline_runs, simpler) > T_MIN


def test_enforcement_cuts_fee_seeking_and_fees(baseline_runs, policy_runs):
    enforced = policy_runs["enforcement"]
    assert effect("mean_fee_seeking", baseline_runs, enforced) < -T_MIN
    assert effect("fees_per_household_rupiah", baseline_runs, enforced) < -T_MIN


@pytest.mark.slow
def test_mobile_service_raises_self_service(baseline_runs):
    # Visits about twice a month show the direction of the mechanism clearly (the preset's size is tested below).
    visits = run_seeds("mobile_service", mobile_service_intensity=0.5)
    assert effect("in_person_share", baseline_runs, visits) > T_MIN


@pytest.mark.slow
def test_social_learning_spreads_literacy():
    alone = run_seeds(steps=SHORT, **FAST, contact_rate_per_week=0.0)
    together = run_seeds(steps=SHORT, **FAST, contact_rate_per_week=0.3)
    assert effect("mean_literacy", alone, together) > T_MIN


@pytest.mark.slow
def test_dependence_loop_erodes_confidence():
    none = run_seeds(deskilling_rate=0.0, **FAST)          # ten years: the loop needs time to bite
    strong = run_seeds(deskilling_rate=0.2, **FAST)
    assert effect("mean_confidence", none, strong) < -T_MIN
    assert effect("brokered_share", none, strong) > T_MIN


@pytest.mark.slow
def test_online_channel_needs_literacy():
    # Nobody reaches a literacy of 1.0, so nobody can go online: exactly zero, in every seed.
    runs = run_seeds(steps=SHORT, **FAST, online_min_literacy=1.0, init_activated_share=0.0)
    assert np.all(column(runs, "online_share") == 0.0)


@pytest.mark.slow
def test_higher_literacy_means_less_brokering():
    low = run_seeds(steps=SHORT, **FAST, literacy_mean=0.2)
    high = run_seeds(steps=SHORT, **FAST, literacy_mean=0.6)
    assert effect("brokered_share", low, high) < -T_MIN


@pytest.mark.slow
def test_sanctions_need_complaints():
    # With no complaints there is never a sanction, so fee-seeking cannot be cut by enforcement.
    quiet = run_seeds("enforcement", steps=SHORT, **FAST, complaint_prob=0.0)
    loud = run_seeds("enforcement", steps=SHORT, **FAST, complaint_prob=0.02)
    assert effect("mean_fee_seeking", quiet, loud) < -T_MIN


# ------------------------------------------------------------------ the policies at their preset values
PRESET_MINIMUM = {          # paid dependence must fall by at least this much (CI upper bound below minus it):
    "digital_training": 0.01,   # about half of each effect, measured over seeds 20-79 (training -2.0 points, SE
    "enforcement": 0.0125,      # 0.1; enforcement -2.5, SE 0.2, through fee-seeking and the gate:
}                               # test_gatekeeping.py). Over these 20 seeds: -1.7 and -2.0 (CI -2.5 to -1.4).
# Simplification eases the procedure, not the village office's gate: it moves needs from officials and brokers to
# residents' own attempts (brokered -3.8 points, CI -4.5 to -3.0; in person +3.5), and paid dependence by -1.2
# (CI -2.0 to -0.4), as many of the cases that leave officials were done free.
SIMPLIFICATION_BROKERED_MINIMUM = 0.015
# Pemekaran moves the regency seat, and most registry visits are at the kecamatan desk (65%): in Bangbayang it
# cuts needs handled through officials or brokers by 1.5 points (CI -2.3 to -0.6), mostly cases officials did
# free, and paid dependence by -0.2 (CI -0.8 to +0.4): within noise.
PEMEKARAN_BROKERED_MINIMUM = 0.005


def test_each_policy_at_its_preset_reduces_paid_dependence_by_a_stated_amount(baseline_runs, policy_runs):
    for policy, minimum in PRESET_MINIMUM.items():
        d = column(policy_runs[policy], "paid_dependence_share") - column(baseline_runs, "paid_dependence_share")
        mean, low, high = mean_ci(d)
        assert high < -minimum, (policy, mean, low, high)
    for policy, minimum in (("simplification", SIMPLIFICATION_BROKERED_MINIMUM),
                            ("pemekaran", PEMEKARAN_BROKERED_MINIMUM)):
        d = column(policy_runs[policy], "brokered_share") - column(baseline_runs, "brokered_share")
        mean, low, high = mean_ci(d)
        assert high < -minimum, (policy, mean, low, high)
    d = column(policy_runs["simplification"], "paid_dependence_share") - column(baseline_runs,
                                                                                 "paid_dependence_share")
    assert mean_ci(d)[2] < 0, mean_ci(d)


def test_mobile_service_at_its_preset_saves_fees_and_leaves_village_letters_alone(baseline_runs, policy_runs):
    # A registry visit about once a month (the preset) brings the registry's share of the visits (35%: the rest are
    # at the kecamatan desk) to the village in that week: fees fall (measured Rp 1,100 a household-year, CI
    # Rp -2,100 to -150), while paid dependence moves within noise (+0.2 points, CI -0.5 to +0.9); the village
    # letter, issued at the village office anyway, moves by less than a point either way.
    visits = policy_runs["mobile_service"]
    mean, low, high = mean_ci(column(visits, "fees_per_household_rupiah")
                              - column(baseline_runs, "fees_per_household_rupiah"))
    assert high < 0, (mean, low, high)
    name = "paid_dependence_share_village_letter"
    mean, low, high = mean_ci(column(visits, name) - column(baseline_runs, name))
    assert abs(mean) < 0.01 and low > -0.015, (mean, low, high)


def test_enforcement_at_its_preset_cuts_fee_seeking_and_fees_by_a_stated_amount(baseline_runs, policy_runs):
    # Enforcement at 0.5: officials' fee-seeking falls by 0.015 at least (measured 0.045 of 0.26) and fees by
    # Rp 500 a household-year at least (measured Rp 2,700 of 22,500); officials who ask less often do more cases
    # free (unpaid facilitation +2.7 points). Its effect on paid dependence (above) also comes through the village
    # office's gate: residents' own attempts rise (test_gatekeeping.py).
    enforced = policy_runs["enforcement"]
    _, _, high = mean_ci(column(enforced, "mean_fee_seeking") - column(baseline_runs, "mean_fee_seeking"))
    assert high < -0.015, high
    _, _, high = mean_ci(column(enforced, "fees_per_household_rupiah")
                         - column(baseline_runs, "fees_per_household_rupiah"))
    assert high < -500, high


def test_pattern5_ties_outlast_their_cause(baseline_runs, policy_runs):
    # Pemekaran (from week 52) removes part of the cause of dependence. Needs handled through officials or
    # brokers answer within a year; lock-in, a stock of ties that only decay, does not: one year after the move it
    # has changed by less than 80% of its change over years 5-10 (measured: 15%; brokered needs 67%), with the
    # same seeds.
    def change(name):
        d = np.array([p[f"{name}_by_year"] - b[f"{name}_by_year"]
                      for p, b in zip(policy_runs["pemekaran"], baseline_runs)])
        return d[:, 2].mean(), d[:, 5:].mean()
    first, late = change("patron_lockin_share")
    assert late < -0.005 and first / late < 0.8, (first, late)
    handled_first, handled_late = change("brokered_share")
    assert handled_late < -0.005 and first / late < handled_first / handled_late, (first, late, handled_first,
                                                                                   handled_late)


# ------------------------------------------------------------------ single rules, on the mechanism itself
def _entrusted(model, households, slots, prices):
    """The needs of ``households`` entrusted this week to the official slots given, at these prices; done at once."""
    n = len(households)
    needs = Needs()
    needs.append(np.array(households, dtype=np.int32), np.ones(n, dtype=np.int8), model.week)
    z = np.zeros(n)
    choice = Choice(np.arange(n), np.full(n, Channel.ENTRUST, dtype=np.int8), np.array(slots, dtype=np.int64),
                    np.array(prices, dtype=float), z, z, z, z, z, z, z)
    week = Resolution.of(n, choice.needs, choice.channel, np.zeros(n, dtype=bool))
    entrusting.by_officials(context(model, needs), choice, week)
    return week


def test_at_capacity_an_official_serves_his_most_loyal_client_first():
    m = ClientelismModel(rng=1, n_households=60, spinup_weeks=0, official_capacity_per_week=1, faction_trust=0.0,
                         entrusted_weeks=1.0)
    strong, weak = 11, 12
    m.ties.log[[strong, weak], :] = -np.inf
    m.ties.log[strong, 0] = np.log(0.9)
    for order in ((strong, weak), (weak, strong)):          # whatever the order of the queue
        week = _entrusted(m, order, [0, 0], [5_000, 5_000])
        served = [h for h, done in zip(order, week.done) if done]
        assert served == [strong]


def test_a_dutiful_officials_case_is_free_facilitation_not_paid_dependence():
    # Official 0 fully dutiful, official 1 fully fee-seeking: the first does the case free, the second asks his
    # price; one of middle fee-seeking asks in about that share of cases.
    m = ClientelismModel(rng=2, n_households=600, spinup_weeks=0, entrusted_weeks=1.0, official_capacity_per_week=500)
    fs = m.officials_state.fee_seeking
    fs[0], fs[1] = 0.0, 1.0
    week = _entrusted(m, [5, 6], [0, 1], [10_000.0, 10_000.0])
    assert week.done.tolist() == [True, True] and week.paid.tolist() == [False, True]
    assert week.fee.tolist() == [0.0, 10_000.0]
    fs[2] = 0.4
    week = _entrusted(m, list(range(400)), [2] * 400, [10_000.0] * 400)
    assert abs(week.paid.mean() - 0.4) < 4 * np.sqrt(0.4 * 0.6 / 400), week.paid.mean()


def test_the_access_shortfall_counts_the_delay():
    m = ClientelismModel(rng=8, n_households=10, spinup_weeks=0)
    m.residents.literacy_quartile[:] = m.residents.distance_quartile[:] = m.residents.income_quartile[:] = 0
    accounts = Accounts(m.residents, 1, 7)
    needs = Needs()
    needs.append(np.array([0], dtype=np.int32), np.array([1], dtype=np.int8), -12)   # arose 12 weeks before week 0
    week = Resolution.of(1, np.array([0]), np.array([Channel.IN_PERSON], dtype=np.int8), np.zeros(1, dtype=bool))
    week.done[0] = True
    accounts.record_resolved(0, needs, week, np.array([1_000_000.0], dtype=np.float32), 26)
    accounts.close_week(0)
    out = quartile_outcomes(accounts.group_window, accounts.stock_window)
    # No money spent, 13 of the 26 weeks after which a need is abandoned: a shortfall of one half.
    assert out["shortfall_literacy_q1"] == 0.5 and out["delay_weeks_literacy_q1"] == 13.0
    assert out["cost_burden_literacy_q1"] == 0.0 and out["completion_rate_literacy_q1"] == 1.0


def test_a_mobile_registry_visit_saves_the_trip_to_the_regency_only():
    m = ClientelismModel(rng=3, n_households=60, spinup_weeks=0)
    households = np.arange(10)
    costs = {}
    for visit in (False, True):
        now = m.context().policy
        policy = PolicyState(now.regency_km, now.remote_km, 0.0, 1.0, 0.05, visit)
        travel = TravelCosts(m.residents, m.p, policy)
        costs[visit] = {office: travel.trip(households, np.full(10, office, dtype=np.int8)) for office in Office}
    assert (costs[True][Office.REGENCY] < costs[False][Office.REGENCY]).all()
    np.testing.assert_array_equal(costs[True][Office.KECAMATAN], costs[False][Office.KECAMATAN])
    np.testing.assert_array_equal(costs[True][Office.VILLAGE], costs[False][Office.VILLAGE])
    # At the visit the regency trip costs what a trip to the village office does, bar the longer wait.
    wait = (m.p.wait_hours_regency - m.p.wait_hours_village) * m.residents.income_rupiah[households] / \
        m.p.work_hours_per_month
    np.testing.assert_allclose(costs[True][Office.REGENCY] - costs[True][Office.VILLAGE], wait, rtol=1e-5)


def test_training_raises_each_trainees_literacy_and_confidence():
    m = ClientelismModel(rng=4, n_households=2000, spinup_weeks=0)
    r = m.residents
    before_lit, before_conf = r.literacy.copy(), r.confidence.copy()
    learning.train(context(m, rng=np.random.default_rng(9)), 52.0)      # about everybody once
    trained = r.literacy != before_lit
    assert trained.sum() > 300
    gain = m.p.training_literacy_gain
    np.testing.assert_allclose(r.literacy[trained], before_lit[trained] + gain * (1 - before_lit[trained]),
                               rtol=1e-5)
    np.testing.assert_allclose(r.confidence[trained], before_conf[trained] + gain * (1 - before_conf[trained]),
                               rtol=1e-5)


def test_a_loyal_client_of_his_own_camp_or_none_gets_the_discount():
    # The same need of the same households, priced twice with the same draws: once with weak ties to every
    # official, once with ties at lock-in strength. Neutral households (no camp) and households of the current
    # leadership's camp are loyal clients of an official they are tied to unless he is of the rival camp. Without
    # faction trust some households pick an official of the rival camp (their own hamlet head).
    m = ClientelismModel(rng=5, n_households=600, spinup_weeks=0, faction_trust=0.0)
    officials = m.officials_state
    officials.fee_seeking[:] = 1.0                       # every official asks a fee, large against the rounding
    households = np.arange(200, dtype=np.int32)
    needs = Needs()
    needs.append(households, np.full(200, 2, dtype=np.int8), m.week)     # a family card: a costly trip saved
    priced = {}
    for strength in (0.1, 0.9):
        m.ties.log[households, :] = np.log(strength)
        priced[strength] = choose(context(m, needs, np.random.default_rng(7)), np.arange(200))
    same = priced[0.1].official == priced[0.9].official
    assert same.all()                                    # equal ties to all: the same official either way
    pick = m.world.pick
    rival = pick.affinity[pick.key[households], priced[0.9].official] < 0
    assert 20 < rival.sum() < 180
    plain, loyal = priced[0.1].fee, priced[0.9].fee
    assert (plain > 0).all()
    rounding = m.p.fee_rounding_rupiah
    np.testing.assert_allclose(loyal[~rival], plain[~rival] * (1 - m.p.loyal_fee_discount), atol=rounding)
    assert loyal[~rival].sum() < (1 - m.p.loyal_fee_discount / 2) * plain[~rival].sum()
    np.testing.assert_array_equal(loyal[rival], plain[rival])     # no discount from an official of the rival camp


def test_a_client_complains_less_the_more_he_depends_on_the_official():
    # 300 fee-paying clients of slot 0 tied to him at 0.95, 300 of slot 1 with no tie; every payer complains
    # with chance complaint_prob times one minus the tie after the exchange.
    m = ClientelismModel(rng=6, n_households=900, spinup_weeks=0, official_capacity_per_week=1_000,
                         complaint_prob=1.0, faction_trust=0.0)
    m.officials_state.fee_seeking[:2] = 1.0              # both ask every client their fee
    tied, untied = np.arange(0, 300), np.arange(300, 600)
    m.ties.log[:600, :] = -np.inf
    m.ties.log[tied, 0] = np.log(0.95)
    _entrusted(m, np.r_[tied, untied], [0] * 300 + [1] * 300, [10_000.0] * 600)
    complaints = m.officials_state.complaints_month[:2]
    gain = m.p.tie_gain
    expected = 300 * (1 - np.array([0.95 + gain * 0.05, gain]))        # about 10 and 210
    assert abs(complaints - expected).max() < 4 * np.sqrt(expected * (1 - expected / 300)).max()
    assert complaints[0] * 5 < complaints[1]


def test_a_sanction_cuts_the_officials_fee_seeking_and_raises_the_risk_he_and_his_peers_perceive():
    import copy

    from sim.core.draws import Draws

    m = ClientelismModel(rng=7, n_households=300, spinup_weeks=0)
    state = m.officials_state
    state.fee_seeking[:] = 0.6
    state.complaints_month[:] = 0
    quiet, sanctioned = copy.deepcopy(state), copy.deepcopy(state)
    sanctioned.complaints_month[0] = 2
    quiet.adapt(m.p, Draws(1, 4), detection_prob=1.0)
    sanctioned.adapt(m.p, Draws(1, 4), detection_prob=1.0)
    d = m.p.sanction_deterrence
    assert sanctioned.sanctions[0] == 2 and sanctioned.perceived_risk[0] == 1.0
    assert sanctioned.fee_seeking[0] == np.float64(quiet.fee_seeking[0] * (1 - d) ** 2)
    np.testing.assert_array_equal(sanctioned.fee_seeking[1:], quiet.fee_seeking[1:])
    # His peers hear of it by their next review.
    for officials in (quiet, sanctioned):
        officials.adapt(m.p, Draws(1, 8), detection_prob=1.0)
    peers = np.arange(1, state.per_village)
    assert (sanctioned.perceived_risk[peers] >= d).all() and (quiet.perceived_risk[peers] < d).all()
