"""Every outcome on a hand-built case whose value is known exactly.

Each test builds a few households and needs by hand, feeds them through the real bookkeeping (``Accounts``,
``Resolution``, ``Documents``, ``Needs``, ``Residents``, ``CampLedger``, or a tiny real model with its state set
by hand) and compares what comes out with the value worked out here, exactly or to 1e-12 where floating
arithmetic makes it inexact. A wrong definition (a share over the wrong denominator, a gap's sign, a quartile
off by one, a village counted twice, a stock summed instead of averaged, a window not cleared) fails at once.
The mutants of ``tools/mutants.py`` that break a definition name the test here that catches them.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import elections, entrusting, gatekeeping
from sim.core.accounting import (
    AREA_OUTCOMES,
    COUNTS,
    N_HELD,
    REGISTRY_SERVICES,
    Accounts,
    Flow,
    Group,
    Held,
    Resolution,
    ServiceStat,
    access_gaps,
    channel_outcomes,
    kecamatan_table,
    margins,
    quartile_code,
    ratio_outcomes,
    service_outcomes,
)
from sim.core.choice import Choice, OfficialPick
from sim.core.documents import MAX_MEMBERS, Documents, Events, Issues, Stock
from sim.core.elections import CampLedger
from sim.core.geography import Geography
from sim.core.needs import Needs
from sim.core.outcomes import (
    _DISADVANTAGED,
    ALL_OUTCOME_NAMES,
    GROUP_DIMENSIONS,
    GROUP_MEASURES,
    QUARTILE_LABELS,
    QUARTILES,
    SERVICE_GROUPS,
    SERVICE_MEASURES,
    WINDOW_WEEKS,
    group_name,
    outcome,
    service_name,
)
from sim.core.population import CURRENT, FORMER, NEUTRAL
from sim.core.services import SERVICE_ISSUES, SERVICE_NAMES, Channel
from sim.core.ties import Ties
from sim.model import ClientelismModel

NAN = float("nan")
SERVICE = {name: i for i, name in enumerate(SERVICE_NAMES)}
IN_PERSON, ONLINE, ENTRUST, BROKER, DEFER = (Channel.IN_PERSON, Channel.ONLINE, Channel.ENTRUST, Channel.BROKER,
                                             Channel.DEFER)
ABANDONED, EXCLUDED, PENDING = "abandoned", "excluded", "pending"   # what else can happen to a need in a week


# The life events, one kind at a time, through ``Documents.live``.
NONE = np.zeros(0, dtype=np.int64)


def birth(d, households):
    d.live(Events(np.asarray(households), NONE, NONE.astype(bool), NONE, NONE.astype(bool), NONE))


def come_of_age(d, households, had_certificate):
    d.live(Events(NONE, np.asarray(households), np.asarray(had_certificate), NONE, NONE.astype(bool), NONE))


def death(d, households, had_ktp):
    d.live(Events(NONE, NONE, NONE.astype(bool), np.asarray(households), np.asarray(had_ktp), NONE))


def outdate_family_card(d, households):
    d.live(Events(NONE, NONE, NONE.astype(bool), NONE, NONE.astype(bool), np.asarray(households)))


def assert_values(actual: dict, expected: dict) -> None:
    """``actual`` has every name of ``expected`` at its value (NaN where nothing was measured), to 1e-12."""
    wrong = {}
    for name, want in expected.items():
        got = actual[name]
        if math.isnan(want):
            if not math.isnan(got):
                wrong[name] = (got, want)
        elif got != pytest.approx(want, rel=1e-12, abs=1e-12):
            wrong[name] = (got, want)
    assert not wrong, wrong


def households(village, literacy=None, distance=None, income=None):
    """What ``Accounts`` reads of the households: their villages and quartiles (index 0..3)."""
    def q(values):
        return np.zeros(len(village), dtype=np.int8) if values is None else np.array(values, dtype=np.int8)

    return SimpleNamespace(village=np.array(village, dtype=np.int16), literacy_quartile=q(literacy),
                           distance_quartile=q(distance), income_quartile=q(income))


def week_of(rows, week: int):
    """Pending needs and what happened to them this ``week``: rows of (household, service, weeks waited, rupiah
    spent, outcome, fee), the outcome a channel (completed through it), ``ABANDONED``, ``EXCLUDED`` (abandoned
    while a required document was missing) or ``PENDING``."""
    needs = Needs()
    for household, service, waited, _, _, _ in rows:
        needs.append(np.array([household], dtype=np.int32), np.array([SERVICE[service]], dtype=np.int8),
                     week - waited + 1)
    n = len(rows)
    needs.spend(np.arange(n), np.array([row[3] for row in rows], dtype=float))
    outcome_of = [row[4] for row in rows]
    blocked = np.array([o == EXCLUDED for o in outcome_of])
    res = Resolution.of(n, np.arange(n), np.full(n, DEFER, dtype=np.int8), blocked)
    for i, (o, fee) in enumerate(zip(outcome_of, (row[5] for row in rows))):
        if isinstance(o, Channel):
            res.complete(np.array([i]), o, np.array([float(fee)]))
    res.abandon(np.array([o in (ABANDONED, EXCLUDED) for o in outcome_of]))
    return needs, res


# ---------------------------------------------------------------------------------------------------------------
# The ratio outcomes over additive counts.

COUNTS_BY_HAND = dict(
    households=10, officials=13, resolved=20, completed=16, abandoned=4, entrusted=6, paid_entrusted=4, broker=2,
    online=3, in_person=5, repeat=3, repeat_eligible=4, fees_rupiah=130_000.0, official_fees_rupiah=65_000.0,
    excluded=1, adults=24.0, children=8.0, ktp_holders=18.0, birth_certificate_holders=6.0, kk_current=7.0,
    assistance_eligible=4.0, assistance_enrolled=3.0, assistance_excluded=1.0, locked_in=2.5, activated=4.0,
    literacy_sum=5.5, fee_seeking_sum=2.0, independent=3, active=6)
# The same counts' outcomes over a window of 13 weeks (flows times 4 to make a year).
RATIOS_BY_HAND = dict(
    paid_dependence_share=(4 + 2) / 16, unpaid_facilitation_share=(6 - 4) / 16, brokered_share=(6 + 2) / 16,
    patron_lockin_share=2.5 / 10, repeat_patron_rate=3 / 4, unmet_share=4 / 20,
    fees_per_household_rupiah=130_000 * 4 / 10, official_earnings_rupiah=65_000 * 4 / 13, online_share=3 / 16,
    in_person_share=5 / 16, mean_literacy=5.5 / 10, online_activated_share=4 / 10, mean_fee_seeking=2 / 13,
    broker_share_of_paid=2 / (4 + 2),          # over the paid cases (6), not the completed ones (16)
    birth_certificate_coverage=6 / 8, ktp_coverage=18 / 24, kk_coverage=7 / 10, document_coverage=(6 + 18) / 32,
    exclusion_share=1 / 20,                    # over the resolved needs (20), not the abandoned ones (4)
    assistance_enrolment=3 / 4, assistance_exclusion_share=1 / 4,
    independence_share=3 / 6)                  # over the households active in the year (6), not all (10)


def test_every_ratio_outcome_on_counts_by_hand():
    assert set(RATIOS_BY_HAND) == set(AREA_OUTCOMES)
    assert_values(ratio_outcomes(COUNTS_BY_HAND, 13), RATIOS_BY_HAND)


def test_ratio_outcomes_per_area_are_those_of_each_areas_counts_and_nan_where_nothing_was_counted():
    empty = {name: 0.0 for name in COUNTS}
    per_area = ratio_outcomes({name: np.array([COUNTS_BY_HAND[name], empty[name]], dtype=float)
                               for name in COUNTS}, 13)
    assert_values({name: v[0] for name, v in per_area.items()}, RATIOS_BY_HAND)
    assert all(math.isnan(v[1]) for v in per_area.values())
    assert all(math.isnan(v) for v in ratio_outcomes(empty, 13).values())


# ---------------------------------------------------------------------------------------------------------------
# One week of one village, through the real model's accounting (``_held``, ``_counts``, ``measure``).

# Ten households; three have needs this week. Quartiles (literacy, distance, income), index 0..3:
# household 0 the least literate, nearest and poorest; 1 the most literate, farthest and richest; 2 in literacy
# quartile 1 and in the farthest and richest quarters with 1; the others in quartiles that no gap compares.
QUARTERS = [(0, 0, 0), (3, 3, 3), (1, 3, 3)] + [(2, 1, 2)] * 7
INCOME = [1_000_000, 4_000_000, 2_000_000] + [1_500_000] * 7
# household, service, weeks waited, rupiah spent, outcome, fee (week 0; abandon_after_weeks = 8)
WEEK = [
    (0, "ktp", 2, 250_000, IN_PERSON, 0),                 # A: burden 0.25, shortfall 0.25 + 2/8
    (0, "village_letter", 4, 50_000, ENTRUST, 50_000),    # B: paid, burden 0.05, shortfall 0.05 + 4/8
    (0, "birth_certificate", 8, 100_000, EXCLUDED, 0),    # C: burden 0.1, shortfall 1
    (1, "ktp", 1, 400_000, ONLINE, 0),                    # D: burden 0.1, shortfall 0.1 + 1/8
    (1, "kk", 1, 800_000, BROKER, 800_000),               # E: burden 0.2, shortfall 0.2 + 1/8
    (2, "moving_letter", 2, 0, ENTRUST, 0),               # F: free, shortfall 2/8
    (2, "village_letter", 3, 0, ABANDONED, 0),            # G: shortfall 1
    (3, "land_papers", 1, 0, PENDING, 0),                 # H: still pending: counts nowhere
]
# Members and documents: adults, children, e-KTPs, birth certificates, current family card, eligible, enrolled.
DOCUMENTS = [(2, 2, 1, 0, False, True, False),   # eligible, not enrolled, no family card: excluded
             (2, 1, 2, 1, True, False, False),
             (1, 1, 1, 0, True, True, True),
             (1, 0, 1, 0, True, True, True),
             (1, 0, 1, 0, True, True, False)]    # eligible, not enrolled, but holds both: not excluded
DOCUMENTS += [(1, 0, 1, 0, True, False, False)] * 5


def documents_by_hand(residents, rows, n_villages=1):
    """A household stock built from ``rows`` through ``Documents``' own methods (what completed needs issue)."""
    adults, children, ktp, bc, kk, eligible, enrolled = (np.array(c) for c in zip(*rows))
    d = Documents(residents.village, quartile_code(residents), n_villages, adults, children, eligible)
    issued = ([(h, "ktp") for h in range(len(rows)) for _ in range(ktp[h])]
              + [(h, "birth_certificate") for h in range(len(rows)) for _ in range(bc[h])]
              + [(h, "kk") for h in np.nonzero(kk)[0]] + [(h, "social_assistance") for h in np.nonzero(enrolled)[0]])
    d.issue(np.array([h for h, _ in issued]), np.array([SERVICE[s] for _, s in issued]), SERVICE_ISSUES)
    return d


def one_village_week():
    """A ten-household village at week 0 with the state above set by hand and the week's needs resolved."""
    m = ClientelismModel(rng=0, n_households=10, spinup_weeks=0, abandon_after_weeks=8, lockin_tie_threshold=0.5)
    r, w = m.residents, m.world
    r.literacy_quartile[:], r.distance_quartile[:], r.income_quartile[:] = (np.array(q) for q in zip(*QUARTERS))
    r.income_rupiah[:] = INCOME
    w.accounts = Accounts(r, 1, len(SERVICE_NAMES))
    w.documents = documents_by_hand(r, DOCUMENTS)
    w.ties = Ties(r.n, w.officials.per_village, 0.0, m.p.lockin_tie_threshold)
    w.ties.start(np.array([0, 1]), np.array([0, 0]), np.array([0.6, 0.4], dtype=np.float32), 0)   # 0 locked in
    r.literacy[:] = 0.5
    r.literacy[[0, 1]] = [0.25, 1.0]                     # sum 5.25
    assert r.activated_by_village.tolist() == [0]
    r.activate(np.array([2, 2, 3]))                      # two households, one of them twice
    w.officials.fee_seeking[:] = 0.25
    w.officials.fee_seeking[0] = 0.5                     # sum 3.5 over 13 officials
    # Household 0 did its own need this week; 1 its own 51 weeks ago and had help 52 weeks ago (out of the
    # year); 2 had help this week; 3 did its own 52 weeks ago (out of the year): 2 independent of 3 active.
    r.last_own_week[[0, 1, 3]] = [0, -51, -52]
    r.last_helped_week[[1, 2]] = [-52, 0]
    needs, res = week_of(WEEK, 0)
    w.accounts.record_resolved(0, needs, res, r.income_rupiah, m.p.abandon_after_weeks)
    # What the entrusting and broker rules tally as the cases are taken.
    for column, hh, weights in ((Flow.FEES, [0, 1], [50_000, 800_000]), (Flow.OFFICIAL_FEES, [0], [50_000]),
                                (Flow.REPEAT, [0], None), (Flow.REPEAT_ELIGIBLE, [0, 2], None)):
        w.accounts.tally(0, column, np.array(hh), None if weights is None else np.array(weights, dtype=float))
    m.weeks_simulated = 1                                # the model's first week
    m.measure()
    return m


SHORTFALL = {"q_least_literate": (0.5 + 0.55 + 1) / 3, "q_most_literate": (0.225 + 0.325) / 2,
             "q_far_rich": (0.225 + 0.325 + 0.25 + 1) / 4}
BURDEN = {"q_least_literate": (0.25 + 0.05 + 0.1) / 3, "q_most_literate": (0.1 + 0.2) / 2,
          "q_far_rich": (0.1 + 0.2 + 0 + 0) / 4}
COMPLETION = {"q_least_literate": 2 / 3, "q_most_literate": 2 / 2, "q_far_rich": 3 / 4}
DELAY = {"q_least_literate": (2 + 4) / 2, "q_most_literate": (1 + 1) / 2, "q_far_rich": (1 + 1 + 2) / 3}
COVERAGE = {"q_least_literate": 1 / 4, "q_most_literate": 3 / 3, "q_far_rich": (3 + 1) / (3 + 2)}

ONE_VILLAGE_OUTCOMES = dict(
    paid_dependence_share=2 / 5, unpaid_facilitation_share=1 / 5, brokered_share=3 / 5, broker_share_of_paid=1 / 2,
    patron_lockin_share=1 / 10, repeat_patron_rate=1 / 2, unmet_share=2 / 7, exclusion_share=1 / 7,
    fees_per_household_rupiah=850_000 * 52 / 10, official_earnings_rupiah=50_000 * 52 / 13,
    online_share=1 / 5, in_person_share=1 / 5, mean_literacy=5.25 / 10, online_activated_share=2 / 10,
    mean_fee_seeking=3.5 / 13, ktp_coverage=11 / 12, birth_certificate_coverage=1 / 4,
    document_coverage=(11 + 1) / (12 + 4), kk_coverage=9 / 10, assistance_enrolment=2 / 4,
    assistance_exclusion_share=1 / 4, independence_share=2 / 3,
    # Disadvantaged minus advantaged; completion and coverage advantaged minus disadvantaged. Literacy compares
    # household 0 with 1; distance the farthest (1 and 2) with the nearest (0); income the poorest (0) with the
    # richest (1 and 2).
    access_gap_literacy=SHORTFALL["q_least_literate"] - SHORTFALL["q_most_literate"],
    access_gap_distance=SHORTFALL["q_far_rich"] - SHORTFALL["q_least_literate"],
    access_gap_income=SHORTFALL["q_least_literate"] - SHORTFALL["q_far_rich"],
    completion_gap_literacy=COMPLETION["q_most_literate"] - COMPLETION["q_least_literate"],
    completion_gap_distance=COMPLETION["q_least_literate"] - COMPLETION["q_far_rich"],
    completion_gap_income=COMPLETION["q_far_rich"] - COMPLETION["q_least_literate"],
    delay_gap_literacy=DELAY["q_least_literate"] - DELAY["q_most_literate"],
    delay_gap_distance=DELAY["q_far_rich"] - DELAY["q_least_literate"],
    delay_gap_income=DELAY["q_least_literate"] - DELAY["q_far_rich"],
    burden_gap_literacy=BURDEN["q_least_literate"] - BURDEN["q_most_literate"],
    burden_gap_distance=BURDEN["q_far_rich"] - BURDEN["q_least_literate"],
    burden_gap_income=BURDEN["q_least_literate"] - BURDEN["q_far_rich"],
    coverage_gap_literacy=COVERAGE["q_most_literate"] - COVERAGE["q_least_literate"],
    coverage_gap_distance=COVERAGE["q_least_literate"] - COVERAGE["q_far_rich"],
    coverage_gap_income=COVERAGE["q_far_rich"] - COVERAGE["q_least_literate"],
    delay_weeks_in_person=2.0, delay_weeks_online=1.0, delay_weeks_entrusted=(4 + 2) / 2, delay_weeks_broker=1.0,
)


def test_every_outcome_of_one_village_week_by_hand():
    assert set(ONE_VILLAGE_OUTCOMES) == set(ALL_OUTCOME_NAMES)
    m = one_village_week()
    assert_values(m.outcomes(), ONE_VILLAGE_OUTCOMES)
    assert m.access_gap_literacy == pytest.approx((0.5 + 0.55 + 1) / 3 - (0.225 + 0.325) / 2, abs=1e-12)


def test_the_counts_of_one_village_week_by_hand():
    a = one_village_week().accounts
    f = a.village_window[0]
    assert {name: f[column] for name, column in
            (("resolved", Flow.RESOLVED), ("completed", Flow.COMPLETED), ("abandoned", Flow.ABANDONED),
             ("excluded", Flow.EXCLUDED), ("in_person", Flow.IN_PERSON), ("online", Flow.ONLINE),
             ("entrusted", Flow.ENTRUSTED), ("paid_entrusted", Flow.PAID_ENTRUSTED), ("broker", Flow.BROKER),
             ("fees", Flow.FEES), ("official_fees", Flow.OFFICIAL_FEES), ("repeat", Flow.REPEAT),
             ("repeat_eligible", Flow.REPEAT_ELIGIBLE))} == dict(
        resolved=7, completed=5, abandoned=2, excluded=1, in_person=1, online=1, entrusted=2, paid_entrusted=1,
        broker=1, fees=850_000, official_fees=50_000, repeat=1, repeat_eligible=2)
    h = a.held_window[0]
    assert h[:Held.LOCKED_IN].tolist() == [10, 12, 4, 11, 1, 9, 4, 2, 1]      # Stock order: households, adults, ...
    assert (h[Held.LOCKED_IN], h[Held.ACTIVATED], h[Held.LITERACY]) == (1, 2, 5.25)
    assert h[Held.FEE_SEEKING] == pytest.approx(3.5, abs=1e-12)
    assert a.channel_window.tolist() == [[1, 2], [1, 1], [2, 6], [1, 1]]      # (completed, weeks) per channel


def test_every_quartile_measure_of_one_village_week_by_hand():
    out = one_village_week().group_outcomes()
    # Quartile index 0..3 is named q1..q4; per dimension, which households each quarter holds.
    holds = {"literacy": ({0}, {2}, set(range(3, 10)), {1}), "distance": ({0}, set(range(3, 10)), set(), {1, 2}),
             "income": ({0}, set(), set(range(3, 10)), {1, 2})}
    needs = {0: "ABC", 1: "DE", 2: "FG"}
    by_need = {  # resolved, completed, brokered, paid, shortfall, delay, burden, excluded
        "A": (1, 1, 0, 0, 0.5, 2, 0.25, 0), "B": (1, 1, 1, 1, 0.55, 4, 0.05, 0), "C": (1, 0, 0, 0, 1.0, 0, 0.1, 1),
        "D": (1, 1, 0, 0, 0.225, 1, 0.1, 0), "E": (1, 1, 1, 1, 0.325, 1, 0.2, 0), "F": (1, 1, 1, 0, 0.25, 2, 0, 0),
        "G": (1, 0, 0, 0, 1.0, 0, 0, 0)}
    # persons, holders, children, certificates of each household
    members = {0: (4, 1, 2, 0), 1: (3, 3, 1, 1), 2: (2, 1, 1, 0), **{h: (1, 1, 0, 0) for h in range(3, 10)}}

    def ratio(a, b):
        return a / b if b else NAN

    expected = {}
    for dim, quarters in holds.items():
        for q, quarter in enumerate(quarters):
            s = np.sum([by_need[n] for h in quarter for n in needs.get(h, "")] or [[0] * 8], axis=0)
            p = np.sum([members[h] for h in quarter] or [[0] * 4], axis=0)
            for measure, value in (("brokered_share", ratio(s[2], s[1])), ("paid_dependence_share", ratio(s[3], s[1])),
                                   ("shortfall", ratio(s[4], s[0])), ("completion_rate", ratio(s[1], s[0])),
                                   ("delay_weeks", ratio(s[5], s[1])), ("cost_burden", ratio(s[6], s[0])),
                                   ("exclusion_share", ratio(s[7], s[0])), ("document_coverage", ratio(p[1], p[0])),
                                   ("birth_certificate_coverage", ratio(p[3], p[2]))):
                expected[group_name(measure, dim, q + 1)] = value
    assert set(expected) == {group_name(m, d, q) for m in GROUP_MEASURES for d in GROUP_DIMENSIONS for q in QUARTILES}
    assert set(out) == set(expected)
    assert_values(out, expected)
    # Spot checks: the least literate quarter (q1) is household 0 alone, the most literate (q4) household 1.
    assert out["shortfall_literacy_q1"] == pytest.approx(2.05 / 3, abs=1e-12)
    assert out["exclusion_share_literacy_q1"] == 1 / 3 and out["paid_dependence_share_literacy_q4"] == 1 / 2
    assert out["document_coverage_distance_q4"] == 4 / 5 and math.isnan(out["shortfall_distance_q3"])


def test_every_service_measure_and_the_pooled_civil_registry_of_one_village_week_by_hand():
    out = one_village_week().service_outcomes()
    # resolved, completed, paid, unpaid, self-service, fees, broker, weeks of each service's needs
    by_service = {"village_letter": (2, 1, 1, 0, 0, 50_000, 0, 4), "ktp": (2, 2, 0, 0, 2, 0, 0, 3),
                  "kk": (1, 1, 1, 0, 0, 800_000, 1, 1), "birth_certificate": (1, 0, 0, 0, 0, 0, 0, 0),
                  "moving_letter": (1, 1, 0, 1, 0, 0, 0, 2), "land_papers": (0,) * 8, "social_assistance": (0,) * 8}
    assert set(by_service) == set(SERVICE_NAMES) and SERVICE_GROUPS == ("civil_registry",)
    by_service["civil_registry"] = tuple(np.sum([by_service[s] for s in ("ktp", "kk", "birth_certificate",
                                                                        "moving_letter")], axis=0))
    assert by_service["civil_registry"] == (5, 4, 1, 1, 2, 800_000, 1, 6)

    def ratio(a, b):
        return a / b if b else NAN

    expected = {}
    for svc, (resolved, completed, paid, unpaid, own, fees, broker, weeks) in by_service.items():
        expected.update({service_name("paid_dependence_share", svc): ratio(paid, completed),
                         service_name("unpaid_facilitation_share", svc): ratio(unpaid, completed),
                         service_name("self_service_share", svc): ratio(own, completed),
                         service_name("completion_rate", svc): ratio(completed, resolved),
                         service_name("fee_per_paid_case_rupiah", svc): ratio(fees, paid),
                         service_name("broker_share_of_paid", svc): ratio(broker, paid),
                         service_name("delay_weeks", svc): ratio(weeks, completed)})
    assert set(expected) == {service_name(m, s) for m in SERVICE_MEASURES for s in (*SERVICE_NAMES, *SERVICE_GROUPS)}
    assert set(out) == set(expected)
    assert_values(out, expected)
    assert out["completion_rate_civil_registry"] == 4 / 5 and out["paid_dependence_share_civil_registry"] == 1 / 4


def test_the_civil_registry_pools_the_four_registry_documents():
    assert REGISTRY_SERVICES == ("ktp", "kk", "birth_certificate", "moving_letter")
    window = np.zeros((len(SERVICE_NAMES), len(ServiceStat)))
    for i in range(len(SERVICE_NAMES)):    # one resolved need of each service, completed by a broker for 10**i
        window[i] = (1, 1, 1, 0, 0, 10 ** i, 1, i + 1)
    out = service_outcomes(window)
    registry = [SERVICE[s] for s in REGISTRY_SERVICES]
    assert out["fee_per_paid_case_rupiah_civil_registry"] == sum(10 ** i for i in registry) / 4
    assert out["delay_weeks_civil_registry"] == sum(i + 1 for i in registry) / 4


def test_a_service_share_is_over_the_services_paid_cases():
    window = np.zeros((len(SERVICE_NAMES), len(ServiceStat)))
    # The e-KTP: 10 resolved, 8 completed, 4 paid (1 to a broker, 3 to officials), 2 free, 2 self-service.
    window[SERVICE["ktp"]] = (10, 8, 4, 2, 2, 60_000, 1, 24)
    out = service_outcomes(window)
    assert_values(out, {"broker_share_of_paid_ktp": 1 / 4, "paid_dependence_share_ktp": 4 / 8,
                        "unpaid_facilitation_share_ktp": 2 / 8, "self_service_share_ktp": 2 / 8,
                        "completion_rate_ktp": 8 / 10, "fee_per_paid_case_rupiah_ktp": 15_000,
                        "delay_weeks_ktp": 3.0, "broker_share_of_paid_kk": NAN})


def test_each_channels_delay_is_over_the_needs_that_channel_completed():
    # (completed, weeks) per timed channel: in person, online, official, broker
    out = channel_outcomes(np.array([[2, 6], [1, 1], [4, 10], [0, 0]]))
    assert_values(out, {"delay_weeks_in_person": 3.0, "delay_weeks_online": 1.0, "delay_weeks_entrusted": 2.5,
                        "delay_weeks_broker": NAN})


# ---------------------------------------------------------------------------------------------------------------
# Quartiles and the gaps' signs.

def test_a_households_cell_is_its_three_quartiles_and_its_margins_each_dimensions_quarter():
    r = households([0], literacy=[2], distance=[1], income=[3])
    assert quartile_code(r).tolist() == [2 * 16 + 1 * 4 + 3]
    cells = np.zeros(64)
    cells[quartile_code(r)] = 1.0
    assert margins(cells).tolist() == [[0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]


def test_gaps_are_the_disadvantaged_minus_the_advantaged_except_completion_and_coverage():
    # Quartile index 0..3 (q1..q4): 0 the least literate, nearest, poorest; 3 the most literate, farthest, richest.
    # In quartile q of literacy and income every mean (shortfall, delay, burden) is v = 10 + q, the completion
    # rate v / 100 and the document coverage (q + 1) / 10; in distance all twice as large.
    g = np.zeros((3, 4, len(Group)))
    s = np.zeros((3, 4, len(Stock)))
    for d in range(3):
        scale = 2 if GROUP_DIMENSIONS[d] == "distance" else 1
        for q in range(4):
            v = (10 + q) * scale
            g[d, q, [Group.RESOLVED, Group.COMPLETED]] = (100, v)
            g[d, q, [Group.SHORTFALL, Group.BURDEN]] = 100 * v
            g[d, q, Group.DELAY] = v * v
            s[d, q, [Stock.ADULTS, Stock.KTP]] = (10, (q + 1) * scale)
    # literacy and income: q1 - q4 = 10 - 13; distance: q4 - q1 = 26 - 20; completion and coverage reversed.
    expected = {}
    for dim, worse_minus_better, coverage in (("literacy", -3, 0.3), ("distance", 6, -0.6), ("income", -3, 0.3)):
        expected.update({f"access_gap_{dim}": worse_minus_better, f"delay_gap_{dim}": worse_minus_better,
                         f"burden_gap_{dim}": worse_minus_better, f"completion_gap_{dim}": -worse_minus_better / 100,
                         f"coverage_gap_{dim}": coverage})
    out = access_gaps(g, s)
    assert set(out) == set(expected)
    assert_values(out, expected)


def test_the_declared_gap_texts_say_which_quarter_is_subtracted_as_the_code_does():
    for dim, (worse, better) in _DISADVANTAGED.items():
        # Quartile 1 is the least literate, nearest, poorest (the labels say so): the disadvantaged end is 1 for
        # literacy and income, 4 for distance.
        assert (worse if dim != "distance" else better) in QUARTILE_LABELS[dim].split("1 = ")[1]
        for gap in ("access_gap", "delay_gap", "burden_gap", "completion_gap", "coverage_gap"):
            text = outcome(f"{gap}_{dim}").definition
            first, second = (better, worse) if gap in ("completion_gap", "coverage_gap") else (worse, better)
            assert first in text and second in text and text.index(first) < text.index(" minus ") < \
                text.index(second, text.index(" minus ")), (gap, dim, text)


# ---------------------------------------------------------------------------------------------------------------
# The window: flows summed over the trailing 52 weeks, stocks averaged over the weeks recorded (at most 52).

def test_flows_are_summed_over_the_trailing_year_and_the_row_a_year_back_is_cleared():
    a = Accounts(households([0]), 1, len(SERVICE_NAMES))
    held = np.zeros((1, N_HELD))
    cells = np.zeros((64, len(Stock)))
    fees = {0: 1.0, 51: 10.0, 52: 100.0}
    seen = {}
    for week in range(54):
        if week in fees:
            a.tally(week, Flow.FEES, np.array([0]), np.array([fees[week]]))
            needs, res = week_of([(0, "kk", 3, 0, BROKER, 5)], week)
            a.record_resolved(week, needs, res, np.array([1e6], dtype=np.float32), 8)
        a.record_stocks(week, held, cells)
        seen[week] = (a.close_week(week)[Flow.FEES], a.group_window[0, 0, Group.RESOLVED],
                      a.service_window[SERVICE["kk"], ServiceStat.FEES], a.channel_window[3, 0])
    assert seen[0] == (1, 1, 5, 1) and seen[50] == (1, 1, 5, 1)
    assert seen[51] == (11, 2, 10, 2)      # weeks 0 to 51: a full year
    assert seen[52] == (110, 2, 10, 2)     # week 0 has left the window, week 52 came in
    assert seen[53] == (110, 2, 10, 2)


def test_stocks_are_averaged_over_the_weeks_recorded_at_most_a_year():
    a = Accounts(households([0, 1], literacy=[0, 3]), 2, 1)
    for week in range(60):
        held = np.zeros((2, N_HELD))
        held[:, Held.LOCKED_IN] = (week, 2 * week)
        cells = np.zeros((64, len(Stock)), dtype=np.int64)
        cells[0, Stock.KTP] = week
        a.record_stocks(week, held, cells)
        a.close_week(week)
        if week == 2:
            assert a.held_window[:, Held.LOCKED_IN].tolist() == [1.0, 2.0]          # (0 + 1 + 2) / 3
            assert a.stock_window[0, 0, Stock.KTP] == 1.0
    assert a.held_window[:, Held.LOCKED_IN].tolist() == [33.5, 67.0]                # weeks 8 to 59
    assert a.stock_window[0, 0, Stock.KTP] == 33.5 and a.stock_window[0, 3, Stock.KTP] == 0.0


def test_a_models_flows_are_scaled_to_a_year_over_the_weeks_it_has_run():
    c = dict(COUNTS_BY_HAND)
    assert ratio_outcomes(c, 1)["fees_per_household_rupiah"] == 130_000 * 52 / 10
    assert ratio_outcomes(c, 52)["fees_per_household_rupiah"] == 130_000 / 10
    assert WINDOW_WEEKS == 52


# ---------------------------------------------------------------------------------------------------------------
# Bookkeeping: flows in their columns and villages, what completed needs issue and show.

def test_tallies_go_to_each_households_village():
    a = Accounts(households([0, 0, 1, 2]), 3, 1)
    a.tally(0, Flow.FEES, np.array([3, 0, 1]), np.array([5.0, 10.0, 20.0]))
    a.tally(0, Flow.COMPLETED, np.array([3, 3, 2]))
    totals = a.close_week(0)
    assert a.village_window[:, Flow.FEES].tolist() == [30, 0, 5]
    assert a.village_window[:, Flow.COMPLETED].tolist() == [0, 1, 2]
    assert (totals[Flow.FEES], totals[Flow.COMPLETED]) == (35, 3)


def test_a_week_through_the_models_own_resolution_is_counted_issued_and_shown():
    m = ClientelismModel(rng=0, n_households=10, spinup_weeks=0, entrusted_weeks=1.0, broker_weeks=1.0,
                         abandon_after_weeks=8)
    w, r = m.world, m.residents
    # An adult with an e-KTP and a child without a certificate in each household; the family cards of
    # households 0, 4 and 5 are out of date.
    w.documents = d = documents_by_hand(r, [(1, 1, 1, 0, True, False, False)] * 10)
    outdate_family_card(d, np.array([0, 4, 5]))
    w.ties = Ties(r.n, w.officials.per_village, 0.0, m.p.lockin_tie_threshold)
    w.ties.start(np.array([1, 2]), np.array([0, 0]), np.array([0.2, 0.2], dtype=np.float32), -10)   # past exchanges
    w.officials.fee_seeking[:] = 0.0
    w.officials.fee_seeking[0] = 1.0                          # the official in slot 0 asks a fee; slot 1 never
    r.faction[:6] = [CURRENT, CURRENT, FORMER, NEUTRAL, NEUTRAL, NEUTRAL]
    w.pick = OfficialPick(r, w.officials, m.p)
    w.camps = CampLedger()
    w.accounts = Accounts(r, 1, len(SERVICE_NAMES))
    w.needs = Needs()
    for household, service, arrival in ((0, "kk", 0), (1, "village_letter", -2), (2, "village_letter", 0),
                                        (3, "birth_certificate", -1), (4, "kk", 0), (5, "ktp", -7)):
        w.needs.append(np.array([household], dtype=np.int32), np.array([SERVICE[service]], dtype=np.int8), arrival)
    free = np.arange(5)            # need 5 (an e-KTP) waits for its family card: blocked, abandoned after 8 weeks
    k = free.size
    m.blocked = np.array([False] * 5 + [True])
    m.choice = Choice(needs=free, channel=np.array([IN_PERSON, ENTRUST, ENTRUST, BROKER, IN_PERSON], dtype=np.int8),
                      official=np.array([0, 0, 1, 0, 0]), price=np.full(k, 15_000.0), fee=np.zeros(k),
                      broker_fee=np.full(k, 40_000.0), broker_trip=np.full(k, 10_000.0),
                      attempt_cost=np.full(k, 20_000.0), presence_trip=np.zeros(k),
                      p_self=np.array([1.0, 0, 0, 0, 0.0]), p_online=np.zeros(k))
    m.resolve_needs()
    # Counted: resolved needs 0-3 and 5; completed 0 (in person), 1 (official, paid), 2 (official, free), 3 (broker).
    f = w.accounts.flow[0, 0]
    assert {c.name: f[c] for c in Flow} == dict(
        RESOLVED=5, COMPLETED=4, ABANDONED=1, ENTRUSTED=2, BROKER=1, ONLINE=0, REPEAT=1, REPEAT_ELIGIBLE=2,
        FEES=15_000 + 40_000, OFFICIAL_FEES=15_000, IN_PERSON=1, PAID_ENTRUSTED=1, EXCLUDED=1)
    # Issued: the family card of household 0 (in person) and the birth certificate of household 3 (broker);
    # household 4's own attempt failed.
    assert d.kk.tolist() == [True, True, True, True, False, False, True, True, True, True]
    np.testing.assert_array_equal(d.by_village, recount(d, d.village, 1))
    assert d.birth_certificates.tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    # By camp: the head's (0 own, 1 paid 15,000), the opposition's (2 free), the neutral (3 paid 40,000).
    camps = w.camps.outcomes()
    assert_values(camps["head"], {"completed": 2, "self_service_share": 1 / 2, "paid_share": 1 / 2,
                                  "fee_per_paid_case_rupiah": 15_000})
    assert_values(camps["opposition"], {"completed": 1, "self_service_share": 0.0, "paid_share": 0.0,
                                        "fee_per_paid_case_rupiah": NAN})
    assert_values(camps["neutral"], {"completed": 1, "self_service_share": 0.0, "paid_share": 1.0,
                                     "fee_per_paid_case_rupiah": 40_000})
    # Shown to the neighbours, and the households' standing: 0 on its own, 1-3 helped.
    assert r.last_channel[:6].tolist() == [IN_PERSON, ENTRUST, ENTRUST, BROKER, IN_PERSON, DEFER]
    independent, active = r.standing(0)
    assert np.nonzero(independent)[0].tolist() == [0] and np.nonzero(active)[0].tolist() == [0, 1, 2, 3]
    # Kept: only the failed attempt of household 4, with its cost.
    assert w.needs.household.tolist() == [4] and w.needs.cost.tolist() == [20_000.0]


def test_a_household_with_several_needs_shows_the_highest_numbered_channel():
    m = ClientelismModel(rng=0, n_households=10, spinup_weeks=0)
    r = m.residents
    r.last_channel[:4] = [BROKER, BROKER, BROKER, BROKER]
    r.note_channels(np.array([0, 0, 1, 1, 2, 2, 3]),
                    np.array([ENTRUST, IN_PERSON, DEFER, ONLINE, IN_PERSON, -1, -1], dtype=np.int8))
    assert r.last_channel[:4].tolist() == [ENTRUST, DEFER, IN_PERSON, BROKER]   # 3 showed nothing: unchanged


def test_an_account_activated_twice_counts_once_in_its_village():
    m = ClientelismModel("brebes", rng=0, n_households=2970, spinup_weeks=0)
    r = m.residents
    r.activate(np.array([5, 5, 25, 5]))             # village 0 and village 2 (ten households each)
    r.activate(np.array([25, 26]))
    assert r.activated_by_village[:4].tolist() == [1, 0, 2, 0] and r.activated_by_village.sum() == 3


def test_independence_is_over_the_households_active_in_the_trailing_52_weeks():
    m = ClientelismModel(rng=0, n_households=10, spinup_weeks=0)
    r = m.residents
    week = 100
    r.note_completions(np.array([0, 1, 2, 2]), np.array([True, True, True, False]), week - 51)   # in the year
    r.note_completions(np.array([3, 1]), np.array([True, False]), week - 52)                    # a year back
    independent, active = r.standing(week)
    assert np.nonzero(active)[0].tolist() == [0, 1, 2] and np.nonzero(independent)[0].tolist() == [0, 1]


def test_a_camps_shares_are_over_its_completed_needs_and_its_fee_over_its_paid_ones():
    ledger = CampLedger()
    camp = np.array([CURRENT, CURRENT, FORMER, NEUTRAL, FORMER, CURRENT])
    done = np.array([True, True, True, True, False, True])
    own = np.array([True, False, False, False, True, False])
    paid = np.array([False, True, False, True, False, True])
    ledger.record(camp, done, own, paid, np.array([0, 15_000, 0, 40_000, 0, 25_000.0]))
    ledger.record(camp[:1], np.array([True]), np.array([True]), np.array([False]), np.zeros(1))   # another week
    out = ledger.outcomes()
    assert out["head"] == {"completed": 4, "self_service_share": 2 / 4, "paid_share": 2 / 4,
                           "fee_per_paid_case_rupiah": 20_000}
    assert_values(out["opposition"], {"completed": 1, "self_service_share": 0, "paid_share": 0,
                                      "fee_per_paid_case_rupiah": NAN})   # its own attempt (4) was not completed
    assert out["neutral"] == {"completed": 1, "self_service_share": 0, "paid_share": 1,
                              "fee_per_paid_case_rupiah": 40_000}
    ledger.reset()
    assert all(math.isnan(out_c["paid_share"]) for out_c in ledger.outcomes().values())


# ---------------------------------------------------------------------------------------------------------------
# Documents: what each method does to a household, and the running sums always a recount of the arrays.

def recount(d: Documents, key: np.ndarray, size: int) -> np.ndarray:
    """The stock's sums per ``key`` (village or cell) counted afresh from the arrays, as ``Stock`` defines them."""
    kk, ktp, eligible, enrolled = d.kk, d.ktp.astype(int), d.eligible, d.enrolled
    columns = {Stock.HOUSEHOLDS: np.ones(d.n), Stock.ADULTS: d.adults, Stock.CHILDREN: d.children, Stock.KTP: ktp,
               Stock.BIRTH_CERTIFICATE: d.birth_certificates, Stock.KK: kk, Stock.ELIGIBLE: eligible,
               Stock.ENROLLED: eligible & enrolled, Stock.EXCLUDED: eligible & ~enrolled & (~kk | (ktp == 0))}
    return np.stack([np.bincount(key, weights=columns[s].astype(float), minlength=size) for s in Stock], axis=1)


def assert_sums_are_a_recount(d: Documents) -> None:
    np.testing.assert_array_equal(d.by_village, recount(d, d.village, d.by_village.shape[0]))
    np.testing.assert_array_equal(d.by_cell, recount(d, d.cell, 64))
    assert ((0 <= d.ktp) & (d.ktp <= d.adults)).all() and (d.adults >= 1).all()
    assert ((0 <= d.birth_certificates) & (d.birth_certificates <= d.children)).all()
    assert not (d.enrolled & ~d.eligible).any()


def three_households() -> Documents:
    """Three households in two villages and three cells: (adults, children) (2, 1), (1, 2), (3, 0); the first
    two eligible for social assistance; nothing held yet."""
    return Documents(np.array([0, 0, 1]), np.array([5, 40, 63]), 2, np.array([2, 1, 3]), np.array([1, 2, 0]),
                     np.array([True, True, False]))


def test_what_completed_needs_issue_capped_at_the_members():
    d = three_households()
    assert SERVICE_ISSUES[SERVICE["ktp"]] == Issues.KTP and SERVICE_ISSUES[SERVICE["kk"]] == Issues.KK
    assert SERVICE_ISSUES[SERVICE["birth_certificate"]] == Issues.BIRTH_CERTIFICATE
    assert SERVICE_ISSUES[SERVICE["social_assistance"]] == Issues.ENROLMENT
    assert {SERVICE_NAMES[s] for s in np.nonzero(SERVICE_ISSUES == Issues.NOTHING)[0]} == {
        "village_letter", "moving_letter", "land_papers"}
    issued = [(0, "ktp"), (0, "ktp"), (0, "ktp"), (1, "birth_certificate"), (1, "kk"), (1, "social_assistance"),
              (2, "social_assistance"), (2, "village_letter"), (2, "land_papers")]
    d.issue(np.array([h for h, _ in issued]), np.array([SERVICE[s] for _, s in issued]), SERVICE_ISSUES)
    assert d.ktp.tolist() == [2, 0, 0]                          # three e-KTPs for two adults: two
    assert d.birth_certificates.tolist() == [0, 1, 0] and d.kk.tolist() == [False, True, False]
    assert d.enrolled.tolist() == [False, True, False]          # household 2 is not eligible
    # households, adults, children, e-KTPs, certificates, family cards, eligible, enrolled, excluded
    assert d.by_village.tolist() == [[2, 3, 3, 2, 1, 1, 2, 1, 1], [1, 3, 0, 0, 0, 0, 0, 0, 0]]
    assert d.by_cell[40].tolist() == [1, 1, 2, 0, 1, 1, 1, 1, 0]
    assert_sums_are_a_recount(d)


def test_life_events_change_the_members_documents_and_sums():
    d = three_households()
    d.issue(np.array([0, 0, 1, 2, 0, 1]), np.array([SERVICE[s] for s in ("ktp", "ktp", "kk", "kk", "kk",
                                                                          "birth_certificate")]), SERVICE_ISSUES)
    birth(d, np.array([2, 2]))                                   # twins in household 2
    assert d.children.tolist() == [1, 2, 2] and d.kk.tolist() == [True, True, False]
    come_of_age(d, np.array([1]), np.array([True]))              # household 1's child with a certificate turns 17
    assert (d.adults.tolist(), d.children.tolist(), d.birth_certificates.tolist()) == ([2, 2, 3], [1, 1, 2],
                                                                                      [0, 0, 0])
    death(d, np.array([0]), np.array([True]))                    # an adult of household 0 with his e-KTP
    assert (d.adults[0], d.ktp[0], d.kk[0]) == (1, 1, False)
    outdate_family_card(d, np.array([1]))
    assert d.kk.tolist() == [False, False, False]
    # Household 0: eligible, not enrolled, no current card: excluded; household 1 the same, without an e-KTP.
    assert d.by_village[0].tolist() == [2, 3, 2, 1, 0, 0, 2, 0, 2]
    assert d.by_village[1].tolist() == [1, 3, 2, 0, 0, 0, 0, 0, 0]
    assert_sums_are_a_recount(d)


_EVENT = st.sampled_from(("birth", "come_of_age", "death", "outdate", "issue", "start"))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 2), min_size=n, max_size=n), st.lists(st.integers(0, 63), min_size=n, max_size=n),
    st.lists(st.integers(1, 3), min_size=n, max_size=n), st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.lists(st.tuples(_EVENT, st.lists(st.integers(0, n - 1), max_size=4),
                       st.lists(st.integers(0, len(SERVICE_NAMES) - 1), min_size=4, max_size=4),
                       st.integers(0, 2 ** 16)), max_size=8))))
def test_the_running_sums_are_a_recount_after_any_sequence_of_events(case):
    village, cell, adults, children, eligible, events = case
    d = Documents(np.array(village), np.array(cell), 3, np.array(adults), np.array(children), np.array(eligible))
    for event, hh, services, seed in events:
        rng = np.random.default_rng(seed)
        hh = np.array(hh, dtype=np.int64)
        once = np.unique(hh)
        if event == "birth":
            birth(d, hh)
        elif event == "come_of_age":            # a child of each, with a certificate at the rate the model draws
            once = once[d.children[once] > 0]
            come_of_age(d, once, rng.random(once.size) * d.children[once] < d.birth_certificates[once])
        elif event == "death":                  # never a household's last adult
            once = once[d.adults[once] > 1]
            death(d, once, rng.random(once.size) * d.adults[once] < d.ktp[once])
        elif event == "outdate":
            outdate_family_card(d, hh)
        elif event == "issue":
            d.issue(hh, np.array(services[:hh.size], dtype=np.int64), SERVICE_ISSUES)
        else:
            d.start(rng, SimpleNamespace(init_birth_certificate_share=rng.random(), init_ktp_share=rng.random(),
                                         init_kk_share=rng.random(), init_assistance_share=rng.random()))
        assert (d.children <= MAX_MEMBERS).all()
        assert_sums_are_a_recount(d)


# ---------------------------------------------------------------------------------------------------------------
# Per village: every rule that must act in each village separately, and the village and kecamatan tables.

def regency(**params):
    """The Brebes regency's 297 villages with ten households each (fast enough for a hand-set state)."""
    return ClientelismModel("brebes", rng=0, n_households=2970, spinup_weeks=0, **params)


def regency_stocks():
    """The regency at week 0, its stocks set by hand: households 30 and 31 (village 3) and 75 (village 7) locked
    in, village 3's households of literacy 0.5 and the others' 0, two accounts activated in village 7, and
    village 7's officials of fee-seeking 0.25, the others' 0."""
    m = regency(lockin_tie_threshold=0.5)
    w, r = m.world, m.residents
    assert (m.geography.households == 10).all()
    w.ties = Ties(r.n, w.officials.per_village, 0.0, 0.5)
    w.ties.start(np.array([30, 31, 75]), np.array([0, 3, 12]), np.array([0.9, 0.5, 0.7], dtype=np.float32), 0)
    r.literacy[:] = 0.0
    r.literacy[30:40] = 0.5
    r.activate(np.array([70, 71, 71]))
    per = w.officials.per_village
    w.officials.fee_seeking[:] = 0.0
    w.officials.fee_seeking[7 * per:8 * per] = 0.25
    return m


def test_each_villages_stocks_are_its_own_households_and_officials():
    m = regency_stocks()
    w, per = m.world, m.world.officials.per_village
    held = m._held()
    expected = np.zeros_like(held)
    expected[:, :Held.LOCKED_IN] = w.documents.by_village
    expected[3, Held.LOCKED_IN], expected[7, Held.LOCKED_IN] = 2, 1
    expected[3, Held.LITERACY] = 5.0
    expected[7, Held.ACTIVATED] = 2
    expected[7, Held.FEE_SEEKING] = 0.25 * per
    np.testing.assert_array_equal(held, expected)
    np.testing.assert_array_equal(w.documents.by_village[:, Stock.HOUSEHOLDS], 10)


def regency_week():
    """The regency of ``regency_stocks`` with a week's needs in three villages (3 and 7 in Salem, 200 elsewhere)."""
    m = regency_stocks()
    w, r = m.world, m.residents
    r.last_own_week[[30, 31, 2000]] = 0                # 30 on its own; 31 and 2000 helped as well
    r.last_helped_week[[31, 2000, 2001]] = 0
    w.accounts = Accounts(r, m.n_villages, len(SERVICE_NAMES))
    rows = [(30, "ktp", 1, 0, IN_PERSON, 0), (31, "kk", 1, 0, ENTRUST, 20_000), (32, "kk", 1, 0, ABANDONED, 0),
            (70, "ktp", 3, 0, EXCLUDED, 0), (2000, "kk", 1, 0, BROKER, 60_000), (2001, "kk", 1, 0, ENTRUST, 0)]
    needs, res = week_of(rows, 0)
    w.accounts.record_resolved(0, needs, res, r.income_rupiah, m.p.abandon_after_weeks)
    for column, hh, weights in ((Flow.FEES, [31, 2000], [20_000, 60_000]), (Flow.OFFICIAL_FEES, [31], [20_000])):
        w.accounts.tally(0, column, np.array(hh), np.array(weights, dtype=float))
    m.weeks_simulated = 1
    m.measure()
    return m


def test_village_counts_are_the_villages_own_and_add_up_to_the_regencys_outcomes():
    m = regency_week()
    v = m.village_table()
    per = m.officials_state.per_village
    assert m.geography.kecamatan[[3, 7]].tolist() == [0, 0] and m.geography.kecamatan[200] != 0
    v3 = v.loc[3]
    assert (v3["households"], v3["officials"], v3["resolved"], v3["completed"], v3["abandoned"], v3["entrusted"],
            v3["paid_entrusted"], v3["in_person"], v3["fees_rupiah"], v3["official_fees_rupiah"], v3["locked_in"],
            v3["literacy_sum"], v3["independent"], v3["active"]) == (10, per, 3, 2, 1, 1, 1, 1, 20_000, 20_000, 2,
                                                                     5.0, 1, 2)
    assert (v3["paid_dependence_share"], v3["unmet_share"], v3["independence_share"], v3["mean_literacy"],
            v3["patron_lockin_share"]) == (1 / 2, 1 / 3, 1 / 2, 0.5, 0.2)
    assert v3["fees_per_household_rupiah"] == 20_000 * 52 / 10 and v3["official_earnings_rupiah"] == 20_000 * 52 / per
    v7 = v.loc[7]
    assert (v7["resolved"], v7["excluded"], v7["exclusion_share"], v7["locked_in"]) == (1, 1, 1.0, 1)
    assert math.isnan(v7["paid_dependence_share"])
    v200 = v.loc[200]
    assert (v200["completed"], v200["broker"], v200["entrusted"], v200["paid_entrusted"]) == (2, 1, 1, 0)
    assert (v200["brokered_share"], v200["unpaid_facilitation_share"], v200["broker_share_of_paid"],
            v200["fees_per_household_rupiah"], v200["independence_share"]) == (1.0, 1 / 2, 1.0, 60_000 * 52 / 10, 0.0)
    # Counts are additive: the villages summed give the regency's totals, and their ratios its outcomes.
    totals = v[list(COUNTS)].sum()
    assert (totals["households"], totals["officials"], totals["resolved"], totals["completed"], totals["broker"],
            totals["fees_rupiah"], totals["independent"], totals["active"]) == (2970, 297 * per, 6, 4, 1, 80_000, 1,
                                                                                 4)
    assert_values(m.outcomes(), ratio_outcomes(totals.to_dict(), 1))
    assert_values(m.outcomes(), {"paid_dependence_share": 2 / 4, "independence_share": 1 / 4,
                                 "official_earnings_rupiah": 20_000 * 52 / (297 * per),
                                 "mean_fee_seeking": 0.25 / 297, "mean_literacy": 5 / 2970,
                                 "online_activated_share": 2 / 2970,
                                 "patron_lockin_share": 3 / 2970, "exclusion_share": 1 / 6})


def test_kecamatan_counts_are_their_villages_summed():
    m = regency_week()
    v = m.village_table()
    k = m.kecamatan_table(v)
    salem = k.set_index("kecamatan").loc["Salem"]
    in_salem = v[v["kecamatan"] == "Salem"]
    assert salem["villages"] == len(in_salem) == 21
    assert (salem["households"], salem["resolved"], salem["completed"], salem["locked_in"], salem["active"]) == (
        210, 4, 2, 3, 2)
    assert (salem["paid_dependence_share"], salem["exclusion_share"], salem["patron_lockin_share"]) == (
        1 / 2, 1 / 4, 3 / 210)
    np.testing.assert_allclose(k[list(COUNTS)].sum().to_numpy(dtype=float),
                               v[list(COUNTS)].sum().to_numpy(dtype=float), rtol=1e-12)


def test_a_kecamatan_table_by_hand():
    g = Geography(kecamatan_names=("A", "B", "C"), kecamatan=np.array([0, 2, 0], dtype=np.int16),
                  village_names=("a1", "c1", "a2"), kelurahan=np.zeros(3, dtype=bool), x_km=np.zeros(3),
                  y_km=np.zeros(3), households=np.array([10, 20, 30]), hamlet_radius_km=np.ones(3),
                  dist_kecamatan_km=np.ones(3), dist_regency_km=np.ones(3), dist_new_seat_km=np.ones(3))
    villages = pd.DataFrame({name: [1.0, 2.0, 3.0] for name in COUNTS})
    villages["households"] = [10, 20, 30]
    villages["officials"] = [13, 13, 13]
    villages["completed"] = [4.0, 10.0, 6.0]
    villages["broker"] = [1.0, 5.0, 0.0]
    villages["paid_entrusted"] = [1.0, 0.0, 2.0]
    villages["fees_rupiah"] = [100.0, 0.0, 300.0]
    k = kecamatan_table(g, villages, 52)
    assert k["kecamatan"].tolist() == ["A", "C"] and k["villages"].tolist() == [2, 1]   # B has no village
    assert k["households"].tolist() == [40, 20] and k["officials"].tolist() == [26, 13]
    assert k["completed"].tolist() == [10.0, 10.0]
    assert k["paid_dependence_share"].tolist() == [(1 + 1 + 2 + 0) / 10, (0 + 5) / 10]
    assert k["broker_share_of_paid"].tolist() == [1 / 4, 1.0]
    assert k["fees_per_household_rupiah"].tolist() == [400 / 40, 0.0]


def test_officials_adapt_to_their_own_villages_norm():
    # With no pull of inclination, demand or earnings (adapt rate 0) and the whole pull of the peers, each
    # official's fee-seeking becomes his village's mean.
    m = regency(official_adapt_rate=0.0, peer_influence=1.0)
    o = m.officials_state
    per = o.per_village
    o.fee_seeking[:] = np.repeat(np.linspace(0.0, 1.0, m.n_villages), per)
    o.fee_seeking[3 * per:4 * per] = np.linspace(0.1, 0.5, per)       # village 3: mean 0.3
    o.adapt(m.p, m.context().draws, 0.0)
    np.testing.assert_allclose(o.fee_seeking[3 * per:4 * per], 0.3, rtol=0, atol=1e-12)
    np.testing.assert_allclose(o.fee_seeking[10 * per:11 * per], 10 / 296, rtol=0, atol=1e-12)


def test_the_gate_a_need_meets_is_its_own_villages_office():
    m = regency()
    o = m.officials_state
    per, hamlets = o.per_village, m.p.n_hamlets
    fs = o.by_village(o.fee_seeking)
    fs[:, :hamlets] = 1.0                                        # the hamlet heads are not the office
    fs[:, hamlets:] = (np.arange(m.n_villages) / 1000)[:, None]  # village v's staff: v / 1000
    fs[5, hamlets:] = np.linspace(0.2, 0.4, per - hamlets)       # village 5's: mean 0.3
    np.testing.assert_allclose(gatekeeping.office_deviation(o, hamlets)[[0, 5, 296]], [0.0, 0.3, 0.296])
    households = np.array([55, 2969, 0, 52])                     # villages 5, 296, 0, 5
    g = gatekeeping.gate(households, np.full(4, SERVICE["village_letter"]), m.residents, o,
                         np.zeros(m.n_villages), m.p)
    np.testing.assert_allclose(g.deviation, [0.3, 0.296, 0.0, 0.3], rtol=0, atol=1e-12)


def test_a_household_entrusts_to_an_official_of_its_own_village():
    m = regency(entrusted_weeks=1.0)
    o = m.officials_state
    per = o.per_village
    o.fee_seeking[:] = 0.0
    o.fee_seeking[5 * per + 2] = 1.0                  # only village 5's official in slot 2 asks fees
    needs = Needs()
    needs.append(np.array([50, 20], dtype=np.int32), np.full(2, SERVICE["village_letter"], dtype=np.int8), 0)
    m.world.needs = needs
    k = 2
    choice = Choice(needs=np.arange(k), channel=np.full(k, ENTRUST, dtype=np.int8), official=np.array([2, 2]),
                    price=np.full(k, 15_000.0), fee=np.zeros(k), broker_fee=np.zeros(k), broker_trip=np.zeros(k),
                    attempt_cost=np.zeros(k), presence_trip=np.zeros(k), p_self=np.zeros(k), p_online=np.zeros(k))
    res = Resolution.of(k, choice.needs, choice.channel, np.zeros(k, dtype=bool))
    entrusting.by_officials(m.context(), choice, res)
    assert res.done.tolist() == [True, True] and res.fee.tolist() == [15_000.0, 0.0]   # village 5's, village 2's
    assert np.nonzero(o.cases_month)[0].tolist() == [2 * per + 2, 5 * per + 2]
    assert o.earnings_month[5 * per + 2] == 15_000.0


def test_a_household_weighs_the_camps_of_its_own_villages_officials():
    m = regency()
    o, r = m.officials_state, m.residents
    per = o.per_village
    o.faction[:] = CURRENT
    o.faction[1 * per:2 * per] = FORMER               # village 1's officials are all of the opposition's camp
    r.faction[0:20] = CURRENT                         # the households of villages 0 and 1 all of the head's
    pick = OfficialPick(r, o, m.p)
    np.testing.assert_array_equal(pick.affinity[pick.key[0:10]], 1.0)
    np.testing.assert_array_equal(pick.affinity[pick.key[10:20]], -m.p.rival_camp_aversion)


def test_a_dismissal_ends_ties_to_that_official_only_in_his_village():
    m = regency(turnover_prob=0.5, perangkat_replacement_share=0.5)
    w = m.world
    w.ties.log[:] = 0.0 + w.ties.decay * m.week       # every tie at strength 1
    o = w.officials
    o.earnings_total[:] = 1.0                         # a successor starts from 0
    elections.hold(m.context(), m.election_rng)
    dismissed = o.by_village(o.earnings_total == 0.0)   # villages × slots
    assert 0 < dismissed.any(axis=1).sum() < m.n_villages
    ended = np.isneginf(w.ties.log)
    np.testing.assert_array_equal(ended, dismissed[m.residents.village])
