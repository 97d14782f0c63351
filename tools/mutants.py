"""Mutation check: reverse or remove each rule of the model, one at a time, and see the model-level tests fail.

Each mutant is one textual change to one source file of ``sim/core`` (or ``sim/model.py``), named after the ODD
rule it breaks. For each mutant the project is copied to a temporary folder, the change applied there (never
in this checkout), and the model-level tests run against the copy with ``pytest -x``; the mutant is *caught*
when some test fails. A mutant that survives names a rule no test holds the model to.

    python tools/mutants.py                 # every mutant, two at a time
    python tools/mutants.py --list          # the mutants and the rules they break
    python tools/mutants.py reversed_priority no_deskilling --jobs 1

It prints one line per mutant and a summary of how many were caught, survived, timed out and no longer apply
(and errors: a pytest run that failed without a failing test). Only a failing test is a catch: a mutant whose tests
do not finish within ``--timeout`` seconds is TIMEOUT, never caught (on a slow machine a surviving mutant can time
out), and the score counts it as not caught. The exit status is 0 only when every mutant was caught. It takes a
while (each surviving mutant runs the whole model-level suite), so it is not part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The tests that hold the model's behaviour (not the bit-for-bit baseline, which any change breaks, and not the
# experiment machinery, command line or page).
MODEL_TESTS = ["tests/test_definitions.py", "tests/test_documents.py", "tests/test_reading_week.py",
               "tests/test_mechanisms.py", "tests/test_gatekeeping.py",
               "tests/test_elections.py", "tests/test_calibration.py", "tests/test_stationarity.py",
               "tests/test_run.py", "tests/test_properties.py", "tests/test_reference.py", "tests/test_regency.py",
               "tests/test_lever_end.py", "tests/test_snapshot.py"]


@dataclass(frozen=True)
class Mutant:
    """One change to one rule: replace ``old`` (which must occur exactly once) by ``new`` in ``path``."""

    name: str
    rule: str
    path: str
    old: str
    new: str


MUTANTS = [
    Mutant("reversed_priority", "7.4 an official at capacity serves his most loyal clients first",
           "sim/core/entrusting.py",
           "priority = tie + p.faction_trust * affinity + PRIORITY_TIEBREAK",
           "priority = -(tie + p.faction_trust * affinity) + PRIORITY_TIEBREAK"),
    Mutant("shortfall_without_delay", "outcomes: the access shortfall counts the delay",
           "sim/core/accounting.py",
           "np.minimum(burden + waited / abandon_after_weeks, 1.0)",
           "np.minimum(burden, 1.0)"),
    Mutant("training_without_confidence", "7.5 training raises confidence as well as literacy",
           "sim/core/learning.py",
           "r.gain_confidence(trainee, gain)",
           "pass"),
    Mutant("mobile_visit_removes_every_trip", "7.1 a mobile registry visit saves the trip to the regency only",
           "sim/core/travel.py",
           "remote = np.where(office == Office.REGENCY, 0.0, remote)",
           "remote = np.zeros_like(remote)"),
    Mutant("exchanges_do_not_tie", "7.4 each exchange strengthens the tie to the official",
           "sim/core/ties.py",
           "return tie + gain * (1 - tie)",
           "return tie + 0 * gain"),
    Mutant("ties_do_not_decay", "7.4 unused ties decay",
           "sim/model.py",
           "p.tie_decay_per_year / WEEKS_PER_YEAR, start_week=-p.spinup_weeks",
           "0.0 * p.tie_decay_per_year, start_week=-p.spinup_weeks"),
    Mutant("no_deskilling", "7.4 the dependence loop: entrusting erodes confidence",
           "sim/core/entrusting.py",
           "r.lose_confidence(t_hh, p.deskilling_rate)",
           "pass  #"),
    Mutant("success_teaches_nothing", "7.4 a successful own attempt raises confidence",
           "sim/core/selfservice.py",
           "r.gain_confidence(succeeded, week.p.confidence_gain)",
           "pass"),
    Mutant("learning_from_the_less_literate", "7.5 households learn from more literate contacts",
           "sim/core/learning.py",
           "r.add_literacy(learner, p.peer_learning_rate * np.maximum(gap, 0))",
           "r.add_literacy(learner, p.peer_learning_rate * np.minimum(gap, 0))"),
    Mutant("fee_ignores_fee_seeking", "7.3 a dutiful official asks no fee; the fee scales with fee-seeking",
           "sim/core/officials.py",
           "return u < self.fee_seeking.take(officials)",
           "return u < 1.0 + 0 * self.fee_seeking.take(officials)"),
    Mutant("loyal_clients_pay_more", "7.3 loyal clients get a discount",
           "sim/core/officials.py",
           "np.where(is_loyal, 1 - p.loyal_fee_discount, 1.0)",
           "np.where(is_loyal, 1 + p.loyal_fee_discount, 1.0)"),
    Mutant("pemekaran_moves_nothing", "7.1 pemekaran moves the regency offices to the new seat",
           "sim/core/policies.py",
           "regency_km = g.dist_regency_km - move * (g.dist_regency_km - g.dist_new_seat_km)",
           "regency_km = g.dist_regency_km + 0 * move"),
    Mutant("levers_never_end", "7.1 a lever acts from its start week up to the week before its end week",
           "sim/core/policies.py",
           "return intensity if max(start, 1) <= step < end else 0.0",
           "return intensity if max(start, 1) <= step else 0.0"),
    Mutant("simplification_simplifies_nothing", "7.1 simplification cuts complexity and extra visits",
           "sim/core/policies.py",
           "complexity_reduction=lever(p, \"simplification\", step) * p.simplification_max_reduction",
           "complexity_reduction=0.0 * lever(p, \"simplification\", step)"),
    Mutant("sanctions_do_not_deter", "7.6 a sanction cuts the official's fee-seeking and raises perceived risk",
           "sim/core/officials.py",
           "fs[i] *= (1.0 - p.sanction_deterrence) ** int(sanctioned[i])",
           "fs[i] *= 1.0"),
    Mutant("dependent_clients_complain_most", "7.4 the more a client depends on the official, the less he complains",
           "sim/core/entrusting.py",
           "policy.complaint_multiplier * (1 - new_tie)",
           "policy.complaint_multiplier * new_tie"),
    Mutant("draws_by_place_in_the_queue", "4 the random numbers are common village by village: a need draws by its key",
           "sim/core/choice.py",
           "    keys = needs.key.take(free)",
           "    keys = free"),
    Mutant("pick_ignores_ties", "7.3 a household entrusts to the official it is most tied to",
           "sim/core/choice.py",
           "score = ties + pick.table(p.faction_trust)[key]",
           "score = 0 * ties + pick.table(p.faction_trust)[key]"),
    Mutant("online_without_literacy", "7.3 the online channel needs a minimum of digital literacy",
           "sim/core/choice.py",
           "can_go_online = SERVICE_ONLINE[s] & (literacy >= p.online_min_literacy) & week.online_open",
           "can_go_online = SERVICE_ONLINE[s] & week.online_open"),
    Mutant("imitation_reversed", "7.3 households imitate the channels their contacts used",
           "sim/core/choice.py",
           "u[:, c] += weight * ((packed",
           "u[:, c] -= weight * ((packed"),
    Mutant("distance_is_free", "7.3 a trip costs fares and time by distance",
           "sim/core/travel.py",
           "local_fares[:, None] + p.travel_cost_per_km_rupiah * remote",
           "local_fares[:, None] + 0.0 * remote"),
    Mutant("cost_ignores_income", "7.3 costs weigh against the household's income",
           "sim/core/choice.py",
           "u[:, Channel.IN_PERSON] = (value - cs * cost_self / income",
           "u[:, Channel.IN_PERSON] = (value - cs * cost_self / income.mean()"),
    Mutant("deferred_needs_never_lapse", "7.4 a deferred need may lapse, and counts as unmet",
           "sim/core/needs.py",
           "needs.key.take(deferring), week.p.lapse_prob_per_week)",
           "needs.key.take(deferring), 0.0)"),
    Mutant("favours_to_the_rival_camp", "7.3 an official favours his own camp's loyal clients",
           "sim/core/choice.py",
           "is_loyal = (tie_o >= p.lockin_tie_threshold) & (affinity_o >= 0)",
           "is_loyal = (tie_o >= p.lockin_tie_threshold) & (affinity_o < 0)"),
    Mutant("fee_seekers_coach", "7.3 the gate: a dutiful office coaches (the more dutiful, the more)",
           "sim/core/gatekeeping.py",
           "p.coaching_gain * g.exposure * (1.0 - g.deviation)",
           "p.coaching_gain * g.exposure * g.deviation"),
    Mutant("gate_never_withholds", "7.3 the gate: a fee-seeking office withholds its letter",
           "sim/core/gatekeeping.py",
           "return 1.0 - p.gate_refusal_prob * g.exposure * g.deviation",
           "return 1.0 + 0.0 * g.deviation"),
    Mutant("gate_never_slow_walks", "7.3 the gate: a fee-seeking office slow-walks its letter",
           "sim/core/gatekeeping.py",
           "return p.gate_delay_visits * g.exposure * g.deviation",
           "return 0.0 * g.deviation"),
    Mutant("registry_bypasses_the_gate", "7.3 the gate: registry documents pass the village office in a share",
           "sim/core/gatekeeping.py",
           "Office.REGENCY, p.adminduk_gate_share, 1.0)",
           "Office.REGENCY, 0.0, 1.0)"),
    Mutant("gate_hard_on_the_heads_camp", "7.3/7.7 the opposition meets the harder gate after a contest",
           "sim/core/gatekeeping.py",
           "is_opposition = r.faction.take(households) == FORMER",
           "is_opposition = r.faction.take(households) != FORMER"),
    Mutant("camps_do_not_swap", "7.7 a turnover makes the winners the head's camp",
           "sim/core/population.py",
           "faction[where] = np.where(f == CURRENT, FORMER, np.where(f == FORMER, CURRENT, f))",
           "faction[where] = f"),
    Mutant("winners_dismissed", "7.7 a turnover dismisses officials of the losing camp",
           "sim/core/elections.py",
           "dismissed = (turnover[officials.village] & (officials.faction == FORMER)",
           "dismissed = (turnover[officials.village] & (officials.faction == CURRENT)"),
    Mutant("ties_survive_dismissal", "7.7 a dismissed official's ties end with him",
           "sim/core/elections.py",
           "w.ties.forget(np.nonzero(r.village == v)[0], slot)",
           "pass"),
    Mutant("contest_never_fades", "7.7 a contest's salience fades",
           "sim/core/elections.py",
           "self.salience *= np.exp(-p.contest_salience_decay_per_year / WEEKS_PER_YEAR)",
           "self.salience *= 1.0"),
    Mutant("no_turnover_ever", "7.7 the challenger wins with turnover_prob",
           "sim/core/elections.py",
           "turnover = np.ones(n_v, dtype=bool) if forced else u < p.turnover_prob",
           "turnover = np.zeros(n_v, dtype=bool)"),
    # Definitions, bookkeeping and per-village rules, each with the test of tests/test_definitions.py written to
    # catch it named in its ``rule`` (others may fail too: the one-village week checks every outcome at once).
    Mutant("broker_share_over_completed", "outcomes: brokers' share of paid cases is over the paid cases "
           "(test_every_ratio_outcome_on_counts_by_hand)",
           "sim/core/accounting.py",
           '"broker_share_of_paid": _ratio(c["broker"], c["paid_entrusted"] + c["broker"])',
           '"broker_share_of_paid": _ratio(c["broker"], c["completed"])'),
    Mutant("exclusion_over_abandoned", "outcomes: exclusion is a share of resolved needs "
           "(test_every_ratio_outcome_on_counts_by_hand)",
           "sim/core/accounting.py",
           '"exclusion_share": _ratio(c["excluded"], c["resolved"])',
           '"exclusion_share": _ratio(c["excluded"], c["abandoned"])'),
    Mutant("independence_over_all_households", "outcomes: independence is over the households active in the year "
           "(test_every_ratio_outcome_on_counts_by_hand)",
           "sim/core/accounting.py",
           '"independence_share": _ratio(c["independent"], c["active"])',
           '"independence_share": _ratio(c["independent"], c["households"])'),
    Mutant("flows_not_scaled_to_a_year", "outcomes: fees are per year over a window shorter than a year "
           "(test_every_ratio_outcome_on_counts_by_hand)",
           "sim/core/accounting.py",
           "per_year = WEEKS_PER_YEAR / max(weeks, 1)",
           "per_year = 1.0"),
    Mutant("completion_gap_reversed", "outcomes: the completion gap is the advantaged minus the disadvantaged "
           "(test_every_outcome_of_one_village_week_by_hand)",
           "sim/core/accounting.py",
           'out[f"completion_gap_{dim}"] = float(completion[d, better] - completion[d, worse])',
           'out[f"completion_gap_{dim}"] = float(completion[d, worse] - completion[d, better])'),
    Mutant("coverage_gap_reversed", "outcomes: the coverage gap is the advantaged minus the disadvantaged "
           "(test_every_outcome_of_one_village_week_by_hand)",
           "sim/core/accounting.py",
           'out[f"coverage_gap_{dim}"] = float(coverage[d, better] - coverage[d, worse])',
           'out[f"coverage_gap_{dim}"] = float(coverage[d, worse] - coverage[d, better])'),
    Mutant("farthest_quarter_off_by_one", "outcomes: the distance gaps compare the farthest quarter (q4) "
           "(test_every_outcome_of_one_village_week_by_hand)",
           "sim/core/accounting.py",
           '("distance", 3, 0)',
           '("distance", 2, 0)'),
    Mutant("delay_counts_abandoned_waits", "outcomes: a quarter's delay is over its completed needs only "
           "(test_every_outcome_of_one_village_week_by_hand)",
           "sim/core/accounting.py",
           "delay = np.where(completed, waited, 0)",
           "delay = waited"),
    Mutant("free_cases_counted_as_paid", "bookkeeping: a case an official did for free is not paid dependence "
           "(test_every_outcome_of_one_village_week_by_hand)",
           "sim/core/accounting.py",
           "flows[:, Flow.PAID_ENTRUSTED] = flows[:, Flow.ENTRUSTED] & paid",
           "flows[:, Flow.PAID_ENTRUSTED] = flows[:, Flow.ENTRUSTED]"),
    Mutant("registry_pool_without_moving_letter", "outcomes: the civil registry pools e-KTP, family card, birth "
           "certificate and moving letter (test_every_service_measure_and_the_pooled_civil_registry_of_one_"
           "village_week_by_hand)",
           "sim/core/accounting.py",
           'REGISTRY_SERVICES = ("ktp", "kk", "birth_certificate", "moving_letter")',
           'REGISTRY_SERVICES = ("ktp", "kk", "birth_certificate")'),
    Mutant("paid_service_cases_counted_as_free", "outcomes: a service's unpaid facilitation excludes paid cases "
           "(test_every_service_measure_and_the_pooled_civil_registry_of_one_village_week_by_hand)",
           "sim/core/accounting.py",
           "by_service[:, ServiceStat.UNPAID] = flows[:, Flow.ENTRUSTED] & ~paid",
           "by_service[:, ServiceStat.UNPAID] = flows[:, Flow.ENTRUSTED]"),
    Mutant("channel_delays_upside_down", "outcomes: a channel's delay is its weeks over its completed needs "
           "(test_each_channels_delay_is_over_the_needs_that_channel_completed)",
           "sim/core/accounting.py",
           "completed, delay = channel_window[c]",
           "delay, completed = channel_window[c]"),
    Mutant("window_not_cleared", "outcomes: the row a year back leaves the window "
           "(test_flows_are_summed_over_the_trailing_year_and_the_row_a_year_back_is_cleared)",
           "sim/core/accounting.py",
           "ring[following] = 0",
           "ring[following] *= 1"),
    Mutant("stocks_summed_not_averaged", "outcomes: stocks are averaged over the window "
           "(test_stocks_are_averaged_over_the_weeks_recorded_at_most_a_year)",
           "sim/core/accounting.py",
           "self.held_window = self.held.sum(axis=0) / rows",
           "self.held_window = self.held.sum(axis=0)"),
    Mutant("stocks_averaged_over_a_full_year_at_once", "outcomes: stocks are averaged over the weeks recorded so "
           "far (test_stocks_are_averaged_over_the_weeks_recorded_at_most_a_year)",
           "sim/core/accounting.py",
           "rows = min(self.weeks_closed, WINDOW_WEEKS)",
           "rows = WINDOW_WEEKS"),
    Mutant("tallies_to_other_villages", "bookkeeping: a flow counts in its household's village "
           "(test_tallies_go_to_each_households_village)",
           "sim/core/accounting.py",
           "np.bincount(self.village[households], weights=weights, minlength=self.n_villages)",
           "np.bincount(self.village[households[::-1]], weights=weights, minlength=self.n_villages)"),
    Mutant("kecamatan_households_counted_twice", "outcomes: a kecamatan's counts are its villages' summed once "
           "(test_kecamatan_counts_are_their_villages_summed)",
           "sim/core/accounting.py",
           'sums["households"] = sums["households"].astype(np.int64)',
           'sums["households"] = 2 * sums["households"].astype(np.int64)'),
    Mutant("broker_fees_as_officials_earnings", "bookkeeping: a broker's fee is not an official's earnings "
           "(test_a_week_through_the_models_own_resolution_is_counted_issued_and_shown)",
           "sim/core/entrusting.py",
           "w.accounts.tally(week.t, Flow.FEES, brokered, fee)",
           "w.accounts.tally(week.t, Flow.OFFICIAL_FEES, brokered, fee)"),
    Mutant("completed_needs_issue_nothing", "bookkeeping: a completed need adds what it issues to the household's "
           "documents (test_a_week_through_the_models_own_resolution_is_counted_issued_and_shown)",
           "sim/model.py",
           "w.documents.issue(pending.household[done], pending.service[done], SERVICE_ISSUES)",
           "w.documents.issue(pending.household[done][:0], pending.service[done][:0], SERVICE_ISSUES)"),
    Mutant("birth_certificate_issues_nothing", "bookkeeping: a completed birth-certificate need issues one "
           "(test_a_week_through_the_models_own_resolution_is_counted_issued_and_shown)",
           "sim/core/services.py",
           "Issues.BIRTH_CERTIFICATE, Requires.KK | Requires.KTP)",
           "Issues.NOTHING, Requires.KK | Requires.KTP)"),
    Mutant("issued_cards_leave_the_sums_stale", "bookkeeping: Documents' running sums follow what is issued "
           "(test_what_completed_needs_issue_capped_at_the_members)",
           "sim/core/documents.py",
           "u = self._changing(h)\n",
           "u = self._changing(h[what == Issues.KTP])\n"),
    Mutant("coming_of_age_leaves_the_sums_stale", "bookkeeping: Documents' running sums follow a child coming of "
           "age (test_life_events_change_the_members_documents_and_sums)",
           "sim/core/documents.py",
           "u = self._changing(np.concatenate((e.births, e.grown, e.died, e.outdated)))",
           "u = self._changing(np.concatenate((e.births, e.died, e.outdated)))"),
    Mutant("document_sums_in_other_villages", "bookkeeping: a household's documents count in its own village "
           "(test_what_completed_needs_issue_capped_at_the_members)",
           "sim/core/documents.py",
           "for sums, area in ((self.by_village, self.village), (self.by_cell, self.cell)):",
           "for sums, area in ((self.by_village, self.village[::-1]), (self.by_cell, self.cell)):"),
    Mutant("neighbours_see_the_lowest_channel", "bookkeeping: a household with several needs shows the highest "
           "channel (test_a_household_with_several_needs_shows_the_highest_numbered_channel)",
           "sim/core/population.py",
           "key.sort()",
           "key[::-1].sort()"),
    Mutant("activation_counted_twice", "bookkeeping: an account activated twice counts once "
           "(test_an_account_activated_twice_counts_once_in_its_village)",
           "sim/core/population.py",
           "new = distinct(households[~self.activated[households]])",
           "new = households[~self.activated[households]]"),
    Mutant("trailing_year_of_53_weeks", "outcomes: independence counts the households active in the trailing 52 "
           "weeks (test_independence_is_over_the_households_active_in_the_trailing_52_weeks)",
           "sim/core/population.py",
           "since = week - WINDOW_WEEKS + 1",
           "since = week - WINDOW_WEEKS"),
    Mutant("camps_mislabelled", "outcomes: the head's camp is CURRENT, the opposition FORMER "
           "(test_a_camps_shares_are_over_its_completed_needs_and_its_fee_over_its_paid_ones)",
           "sim/core/elections.py",
           '(("neutral", 0), ("head", CURRENT), ("opposition", FORMER))',
           '(("neutral", 0), ("head", FORMER), ("opposition", CURRENT))'),
    Mutant("lock_in_counted_in_mirrored_villages", "per village: a village's locked-in households are its own "
           "(test_each_villages_stocks_are_its_own_households_and_officials)",
           "sim/model.py",
           "np.add.reduceat(locked.view(np.uint8), offsets, dtype=np.int64)",
           "np.add.reduceat(locked.view(np.uint8)[::-1], offsets, dtype=np.int64)"),
    Mutant("earnings_per_village_not_per_official", "outcomes: officials' earnings are per official of every "
           "village (test_village_counts_are_the_villages_own_and_add_up_to_the_regencys_outcomes)",
           "sim/model.py",
           "officials=self.n_officials,",
           "officials=self.world.officials.per_village,"),
    Mutant("regency_wide_peer_norm", "7.6 per village: officials move towards their own village's norm "
           "(test_officials_adapt_to_their_own_villages_norm)",
           "sim/core/officials.py",
           "peer_fee_seeking = self.fee_seeking.reshape(shape).mean(axis=1)[village]",
           "peer_fee_seeking = np.full(self.n, self.fee_seeking.mean())"),
    Mutant("gate_of_another_village", "7.3 per village: a need meets its own village's office "
           "(test_the_gate_a_need_meets_is_its_own_villages_office)",
           "sim/core/gatekeeping.py",
           "deviation = office_deviation(officials, p.n_hamlets)[village]",
           "deviation = office_deviation(officials, p.n_hamlets)[village[::-1]]"),
    Mutant("entrusted_to_another_villages_official", "7.4 per village: a household entrusts to an official of its "
           "own village (test_a_household_entrusts_to_an_official_of_its_own_village)",
           "sim/core/entrusting.py",
           "whom = village * officials.per_village + slot",
           "whom = slot"),
    Mutant("camps_of_another_villages_officials", "7.3 per village: a household weighs the camps of its own "
           "village's officials (test_a_household_weighs_the_camps_of_its_own_villages_officials)",
           "sim/core/choice.py",
           "self.affinity = affinity[f[:, None], official_faction[v]]",
           "self.affinity = affinity[f[:, None], official_faction[0 * v]]"),
    Mutant("dismissal_ends_ties_in_every_village", "7.7 per village: a dismissal ends ties to that official only "
           "in his village (test_a_dismissal_ends_ties_to_that_official_only_in_his_village)",
           "sim/core/elections.py",
           "w.ties.forget(np.nonzero(r.village == v)[0], slot)",
           "w.ties.forget(np.arange(r.n), slot)"),
    # Validity III: documents as a stock, time and trips per channel, officials who ask or waive a fee.
    Mutant("entrusted_cases_done_at_once", "7.4 an entrusted case is in hand for entrusted_weeks "
           "(test_documents: test_an_entrusted_case_is_in_hand_until_its_weeks_are_over)",
           "sim/core/needs.py",
           "return week.t + max(int(round(weeks)), 1) - 1",
           "return week.t + 0 * int(round(weeks))"),
    Mutant("brokers_cost_no_trip", "7.4 a broker waits at the office: the household pays the trip "
           "(test_documents: test_a_broker_costs_the_trip_to_his_office_and_his_fee)",
           "sim/core/entrusting.py",
           "w.needs.spend(which, fee + choice.broker_trip[chosen] + choice.presence_trip[chosen])",
           "w.needs.spend(which, fee + choice.presence_trip[chosen])"),
    Mutant("brokers_chosen_without_their_trip", "7.3 a broker's channel counts the trip to his office "
           "(test_reference: the reference agents count it)",
           "sim/core/choice.py",
           "value - cs * (broker_fee + broker_trip + presence_trip) / income",
           "value - cs * (broker_fee + presence_trip) / income"),
    Mutant("registry_trip_all_at_the_regency", "7.3 a registry visit is at the kecamatan desk in a share of cases "
           "(test_documents: test_a_registry_visit_is_at_the_kecamatan_desk_in_a_share_of_cases)",
           "sim/core/travel.py",
           "cost[rows] = share * kecamatan + (1 - share) * cost[rows]",
           "cost[rows] = 0 * kecamatan + cost[rows]"),
    Mutant("registry_trips_chosen_all_at_the_regency", "7.3 the choice counts registry visits at the kecamatan desk "
           "(test_reference: the reference agents count them)",
           "sim/core/travel.py",
           "cost[:, Office.REGENCY] = share * cost[:, Office.KECAMATAN] + (1 - share) * cost[:, Office.REGENCY]",
           "cost[:, Office.REGENCY] = 0 * share + cost[:, Office.REGENCY]"),
    Mutant("recording_without_presence", "7.3 a first e-KTP is recorded in person whoever handles it "
           "(test_documents: test_a_first_e_ktp_is_recorded_in_person_whoever_handles_it)",
           "sim/core/choice.py",
           "presence_trip = np.where(first_ktp, trips[:, Office.KECAMATAN], 0.0)",
           "presence_trip = np.where(first_ktp, 0.0, 0.0)"),
    Mutant("literacy_ignored_in_person", "7.3 literacy counts at one's own attempt "
           "(test_documents: test_literacy_counts_at_ones_own_attempt)",
           "sim/core/choice.py",
           "skill = p.skill_literacy_weight * literacy + (1 - p.skill_literacy_weight) * confidence",
           "skill = 0 * literacy + confidence"),
    Mutant("nothing_is_required", "7.2 a need waits for the documents its service requires "
           "(test_documents: test_a_need_waits_for_the_document_it_requires_and_its_lack_creates_a_need_for_it)",
           "sim/core/documents.py",
           "return requires & ~held",
           "return requires & 0"),
    Mutant("spin_up_keeps_its_own_levers", "runs from a shared spin-up take their own levers "
           "(test_snapshot: test_runs_from_a_shared_spin_up_equal_runs_that_spin_up_alone)",
           "sim/model.py",
           "        model.p = TrackedParams(resolved, read=model.p.read)\n",
           ""),
    Mutant("snapshot_ignores_the_version", "a snapshot of another version is refused "
           "(test_snapshot: test_snapshots_of_another_version_or_no_snapshot_are_refused)",
           "sim/snapshot.py",
           "    if changed:\n",
           "    if changed and False:\n"),
    Mutant("no_new_households", "7.2 adults leave to set up households of their own at the natural increase "
           "(test_documents: test_new_households_keep_a_household_at_its_size_while_the_village_grows)",
           "sim/core/documents.py",
           "p.move_rate_per_1000, max(p.birth_rate_per_1000 - p.death_rate_per_1000, 0.0)]) / 1000",
           "p.move_rate_per_1000, 0.0]) / 1000"),
    Mutant("awareness_ignores_skill", "7.2 the more skilled seek documents sooner "
           "(test_documents: test_the_more_skilled_seek_documents_sooner)",
           "sim/core/documents.py",
           "return 2.0 / (1.0 + np.exp(-p.awareness_slope * (skill - 0.5)))",
           "return 1.0 + 0 * skill"),
    Mutant("every_need_presses", "7.3 a need that does not press costs nothing while it waits "
           "(test_documents: test_a_need_that_does_not_press_is_let_go_when_no_channel_is_worth_it)",
           "sim/core/choice.py",
           "urgency = p.defer_cost_per_week * needs.urgent.take(free)",
           "urgency = p.defer_cost_per_week + 0 * needs.urgent.take(free)"),
    Mutant("no_urban_advantage", "5 households of a kelurahan are better off and more literate "
           "(test_documents: test_urban_households_are_better_off_and_more_literate)",
           "sim/core/population.py",
           "urban = geo.kelurahan[village] * p.urban_advantage_sd",
           "urban = geo.kelurahan[village] * 0.0"),
    Mutant("births_keep_the_card", "7.2 a birth outdates the family card "
           "(test_documents: test_a_birth_outdates_the_family_card_and_adds_a_child_without_a_certificate)",
           "sim/core/documents.py",
           "for changed in (e.births, e.died, e.outdated):",
           "for changed in (e.died, e.outdated):"),
    Mutant("stocks_read_at_the_week", "outcomes: stocks are averaged over the trailing year, so no week's event "
           "moves them at once (test_reading_week)",
           "sim/core/accounting.py",
           "self.held_window = self.held.sum(axis=0) / rows",
           "self.held_window = self.held[step % WINDOW_WEEKS] + 0 * rows"),
]


def copy_project(into: Path) -> None:
    """The project's files as they are now (tracked and new, not ignored) copied into ``into``."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def apply(mutant: Mutant, tree: Path) -> None:
    """Apply the change in the copy; refuse a change whose text no longer occurs exactly once."""
    path = tree / mutant.path
    text = path.read_text()
    count = text.count(mutant.old)
    if count != 1:
        raise ValueError(f"mutant {mutant.name}: the text to change occurs {count} times in {mutant.path}, "
                         f"expected exactly once: {mutant.old!r}")
    path.write_text(text.replace(mutant.old, mutant.new))


def run(mutant: Mutant, tests: list[str], timeout: float) -> tuple[str, str, float]:
    """Run the model-level tests against the mutant; (status, detail, seconds)."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as folder:
        tree = Path(folder)
        copy_project(tree)
        try:
            apply(mutant, tree)
        except ValueError as error:
            return "STALE", str(error), 0.0
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
        # The copy's package, not this checkout's, must be the one imported.
        where = subprocess.run([sys.executable, "-c", "import sim; print(sim.__file__)"], cwd=tree, env=env,
                               capture_output=True, text=True)
        if not where.stdout.strip().startswith(str(tree)):
            return "ERROR", f"the copy's package is not the one imported: {where.stdout.strip()}", 0.0
        try:
            done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                   "-p", "no:randomly", *tests], cwd=tree, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:   # no test failed in time: not a catch (run it again with more time)
            return "TIMEOUT", f"no result within {timeout:.0f} s (raise --timeout)", time.perf_counter() - start
        seconds = time.perf_counter() - start
        if done.returncode == 0:
            return "SURVIVED", "every model-level test passed", seconds
        failed = re.findall(r"^FAILED (\S+)", done.stdout, flags=re.M)
        errors = re.findall(r"^ERROR (\S+)", done.stdout, flags=re.M)
        if failed:
            return "CAUGHT", failed[0], seconds
        if errors:
            return "CAUGHT", f"error in {errors[0]}", seconds
        # Anything else (no tests collected, a usage error, pytest's own failure) says nothing of the mutant.
        tail = done.stdout.strip().splitlines()[-1:] or done.stderr.strip().splitlines()[-1:]
        return "ERROR", f"pytest exit {done.returncode} without a failed test: {' '.join(tail)}", seconds


def main(argv: list[str] | None = None) -> int:
    """Run the chosen mutants (all by default) and print the score."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per mutant (default 3600)")
    parser.add_argument("--tests", nargs="+", default=MODEL_TESTS, help="test files (default: the model-level ones)")
    args = parser.parse_args(argv)
    by_name = {m.name: m for m in MUTANTS}
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:36s} {m.path:26s} {m.rule}")
        return 0
    missing = [t for t in args.tests if not (ROOT / t.split("::")[0]).is_file()]
    if missing:
        print(f"--tests: no such test file: {', '.join(missing)} (put mutant names before --tests)", file=sys.stderr)
        return 2
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        print(f"unknown mutant(s): {', '.join(unknown)}; known: {', '.join(by_name)}", file=sys.stderr)
        return 2
    chosen = [by_name[n] for n in args.names] if args.names else MUTANTS
    print(f"{len(chosen)} mutants against {len(args.tests)} test files, {args.jobs} at a time", flush=True)
    results = {}

    def one(m: Mutant) -> None:
        results[m.name] = status, detail, seconds = run(m, args.tests, args.timeout)
        print(f"{status:8s} {m.name:36s} {seconds:6.0f} s  {detail}", flush=True)

    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        list(pool.map(one, chosen))
    print(summary(results, len(chosen)))
    return 0 if all(status == "CAUGHT" for status, _, _ in results.values()) and len(results) == len(chosen) else 1


# How each status is counted in the summary, in this order.
STATUSES = {"CAUGHT": "caught", "SURVIVED": "survived", "TIMEOUT": "timed out", "STALE": "no longer apply",
            "ERROR": "errors"}


def summary(results: dict[str, tuple[str, str, float]], total: int) -> str:
    """The score line: caught of all, then how many of each other status (timeouts are never catches)."""
    counts = {status: 0 for status in STATUSES}
    for status, _, _ in results.values():
        counts[status] += 1
    rest = ", ".join(f"{counts[s]} {STATUSES[s]}" for s in STATUSES if s != "CAUGHT")
    return f"mutation score: {counts['CAUGHT']}/{total} caught; {rest}"


if __name__ == "__main__":
    sys.exit(main())
