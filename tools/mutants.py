"""Mutation check: reverse or remove each rule of the model, one at a time, and see the model-level tests fail.

Each mutant is one textual change to one source file of ``sim/core`` (or ``sim/model.py``), named after the ODD
rule it breaks. For each mutant the project is copied to a temporary folder, the change applied there (never
in this checkout), and the model-level tests run against the copy with ``pytest -x``; the mutant is *caught*
when some test fails. A mutant that survives names a rule no test holds the model to.

    python tools/mutants.py                 # every mutant, two at a time
    python tools/mutants.py --list          # the mutants and the rules they break
    python tools/mutants.py reversed_priority no_deskilling --jobs 1

It prints one line per mutant (caught by which test, or SURVIVED) and the score; the exit status is 1 when a
mutant survives or a change no longer applies. It takes a while (each surviving mutant runs the whole model-level
suite), so it is not part of ``make test``.
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
MODEL_TESTS = ["tests/test_mechanisms.py", "tests/test_gatekeeping.py", "tests/test_elections.py",
               "tests/test_calibration.py", "tests/test_stationarity.py", "tests/test_run.py",
               "tests/test_properties.py", "tests/test_reference.py", "tests/test_regency.py",
               "tests/test_lever_end.py"]


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
           "r.confidence[trainee] += gain * (1 - r.confidence[trainee])",
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
           "self.tie_decay_per_step = p.tie_decay_per_year / STEPS_PER_YEAR",
           "self.tie_decay_per_step = 0.0 * p.tie_decay_per_year"),
    Mutant("no_deskilling", "7.4 the dependence loop: entrusting erodes confidence",
           "sim/core/entrusting.py",
           "r.confidence[t_hh] *= (1 - p.deskilling_rate)",
           "pass"),
    Mutant("success_teaches_nothing", "7.4 a successful own attempt raises confidence",
           "sim/core/selfservice.py",
           "r.confidence[succeeded] += p.confidence_gain * (1 - r.confidence[succeeded])",
           "pass"),
    Mutant("learning_from_the_less_literate", "7.5 households learn from more literate contacts",
           "sim/core/learning.py",
           "r.literacy[learner] += p.peer_learning_rate * np.maximum(gap, 0)",
           "r.literacy[learner] += p.peer_learning_rate * np.minimum(gap, 0)"),
    Mutant("fee_ignores_fee_seeking", "7.3 a dutiful official asks no fee; the fee scales with fee-seeking",
           "sim/core/officials.py",
           "fee = self.fee_seeking[officials] * (p.levy_rupiah",
           "fee = 1.0 * (p.levy_rupiah"),
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
    Mutant("pick_ignores_ties", "7.3 a household entrusts to the official it is most tied to",
           "sim/core/choice.py",
           "score = ties + pick.table(p.faction_trust)[key]",
           "score = 0 * ties + pick.table(p.faction_trust)[key]"),
    Mutant("online_without_literacy", "7.3 the online channel needs a minimum of digital literacy",
           "sim/core/choice.py",
           "can_go_online = SERVICE_ONLINE[s] & (literacy >= p.online_min_literacy) & online_open",
           "can_go_online = SERVICE_ONLINE[s] & online_open"),
    Mutant("imitation_reversed", "7.3 households imitate the channels their contacts used",
           "sim/core/choice.py",
           "u[:, c] += weight * ((packed",
           "u[:, c] -= weight * ((packed"),
    Mutant("distance_is_free", "7.3 a trip costs fares and time by distance",
           "sim/core/travel.py",
           "+ p.travel_cost_per_km_rupiah * remote",
           "+ 0.0 * remote"),
    Mutant("cost_ignores_income", "7.3 costs weigh against the household's income",
           "sim/core/choice.py",
           "u[:, Channel.IN_PERSON] = -cs * cost_self / income",
           "u[:, Channel.IN_PERSON] = -cs * cost_self / income.mean()"),
    Mutant("deferred_needs_never_lapse", "7.4 a deferred need may lapse, and counts as unmet",
           "sim/core/needs.py",
           "is_lapsed = (channel == Channel.DEFER) & (rng.random(len(needs)) < lapse_prob_per_week)",
           "is_lapsed = (channel == Channel.DEFER) & (rng.random(len(needs)) < 0.0)"),
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
           "sim/core/elections.py",
           "faction[where] = np.where(f == CURRENT, FORMER, np.where(f == FORMER, CURRENT, f))",
           "faction[where] = f"),
    Mutant("winners_dismissed", "7.7 a turnover dismisses officials of the losing camp",
           "sim/core/elections.py",
           "dismissed = (turnover[officials.village] & (officials.faction == FORMER)",
           "dismissed = (turnover[officials.village] & (officials.faction == CURRENT)"),
    Mutant("ties_survive_dismissal", "7.7 a dismissed official's ties end with him",
           "sim/core/elections.py",
           "r.tie_log[households, slot] = -np.inf",
           "pass"),
    Mutant("contest_never_fades", "7.7 a contest's salience fades",
           "sim/core/elections.py",
           "self.salience *= np.exp(-p.contest_salience_decay_per_year / STEPS_PER_YEAR)",
           "self.salience *= 1.0"),
    Mutant("no_turnover_ever", "7.7 the challenger wins with turnover_prob",
           "sim/core/elections.py",
           "turnover = np.ones(n_v, dtype=bool) if forced else u < p.turnover_prob",
           "turnover = np.zeros(n_v, dtype=bool)"),
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
        except subprocess.TimeoutExpired:
            return "CAUGHT", f"timed out after {timeout:.0f} s", time.perf_counter() - start
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
    caught = sum(status == "CAUGHT" for status, _, _ in results.values())
    print(f"mutation score: {caught}/{len(chosen)} caught")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
