"""Clientelism in village public service delivery (Desa Bangbayang, Kab. Brebes).

After the finding of a study of Desa Bangbayang (see ``docs/ODD.md``): residents who find services hard to
reach entrust their paperwork to village officials for a fee, and the repeated exchange becomes a
patron–client tie.

``ClientelismModel`` is the orchestrator: it builds the villages (``sim.core.population``) and simulates one
week per step by running the phases of ``SCHEDULE`` in order, each a method of the model that calls one
mechanism of ``sim.core`` with the week's context (``sim.core.week.Week``). The schedule is written only
there: ODD §3 lists the same phases in the same order (a test checks it), and the time each phase takes is
kept in ``phase_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import mesa
import numpy as np
import pandas as pd

from sim.core import choice as channel_choice
from sim.core import elections, entrusting, learning, needs, selfservice
from sim.core.accounting import (
    FLOW_COUNTS,
    N_HELD,
    STOCK_COUNTS,
    Accounts,
    Held,
    Resolution,
    access_gaps,
    channel_outcomes,
    kecamatan_table,
    quartile_outcomes,
    ratio_outcomes,
    service_outcomes,
    village_table,
)
from sim.core.documents import N_STOCKS
from sim.core.draws import Draws
from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS, Geography
from sim.core.geography import build as build_geography
from sim.core.officials import Official, Officials
from sim.core.outcomes import ALL_OUTCOME_NAMES, CAMP_MEASURES, CAMPS, WINDOW_WEEKS, camp_name
from sim.core.policies import lever, policy_state
from sim.core.population import Residents, build_documents, build_officials, build_residents
from sim.core.services import SERVICE_ISSUES, SERVICE_NAMES, Channel, Office
from sim.core.ties import Ties
from sim.core.travel import TravelCosts
from sim.core.week import Diagnostics, Week, World
from sim.params.registry import WEEKS_PER_YEAR, check_seed
from sim.params.scenarios import Resolved, effective_policy, resolve_params
from sim.params.values import TrackedParams
from sim.snapshot import SnapshotError, spin_up_key


@dataclass(frozen=True)
class Phase:
    """One phase of the week: its name (as ODD §3 lists it), what it does, the model method that runs it, and
    the model method that says whether it runs this week (``None``: every week)."""

    name: str
    does: str
    run: str
    when: str | None = None


# The week, in order. Each phase is a method of ``ClientelismModel``; ``when`` names the test of its week.
SCHEDULE: tuple[Phase, ...] = (
    Phase("policies", "the levers in force this week, and the week's context: distances to the (possibly moved) "
          "regency seat, procedures, enforcement, a mobile registry visit, trip costs", "update_policies"),
    Phase("launch", "the digital ID and the online channel launch: early adopters activate their accounts",
          "launch_digital_id", "is_launch_week"),
    Phase("elections", "every village elects its head; a turnover swaps the camps and dismisses some officials "
          "of the losing camp", "hold_elections", "is_election_week"),
    Phase("needs", "this week's new needs for documents join the pending ones", "arrive_needs"),
    Phase("choice", "a channel for every pending need by a logit rule (in person, with the village office as "
          "gatekeeper; online; entrust to an official; outside broker; defer), and the official each would "
          "entrust it to", "choose_channels"),
    Phase("resolution", "own attempts succeed or fail and beliefs update; officials take entrusted cases up to "
          "capacity, loyal clients first, and brokers theirs; needs not completed wait, lapse or are abandoned",
          "resolve_needs"),
    Phase("learning", "literacy spreads through contacts; training adds to it", "learn"),
    Phase("review", "officials review their fee-seeking", "review_fees", "is_review_week"),
    Phase("accounting", "the trailing year's counts and the outcomes", "measure"),
    Phase("fading", "the last contested election's salience fades", "fade_contests"),
)


def _seed_value(rng: object) -> object:
    """A Generator or None as they are; any other seed checked (also when it arrives as text, from the
    visualizer's input box)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return rng
    return check_seed(rng)


class ClientelismModel(mesa.Model):
    """Residents, officials and the paperwork between them.

    Args:
        scenario: scenario name (see ``sim.params.scenarios.SCENARIOS``).
        policy: ``none``, a lever name or levers joined by ``+``; intensity parameters may switch further
            levers on or off, and ``policy_name`` says which are on.
        rng: seed (int) or numpy Generator; every random draw uses it.
        resolved: the run's parameters already resolved and validated (``resolve_params``), instead of
            ``scenario``, ``policy`` and ``params``.
        diagnostics: a sink for values the model does not otherwise keep (``sim.core.week.Diagnostics``).
        **params: any registry parameter (``docs/parameters.md``), overriding the scenario and policy values.
    """

    # What times the phases (``phase_seconds``): wall time by default; a benchmark may set ``time.process_time``.
    phase_clock: Callable[[], float] = staticmethod(time.perf_counter)

    def __init__(self, scenario: str = "bangbayang", policy: str = "none", rng: object = None, *,
                 resolved: Resolved | None = None, diagnostics: Diagnostics | None = None, **params: object):
        rng = _seed_value(rng)
        super().__init__(rng=rng)
        if resolved is None:
            resolved = resolve_params(scenario, policy, params)
        elif params or (scenario, policy) != ("bangbayang", "none"):
            raise TypeError("give either resolved= or scenario, policy and parameters, not both")
        self.scenario_name = resolved.scenario
        self.seed = self._seed
        # The village this run spins up (``sim.snapshot``): runs of one key may start from one spin-up.
        # (None when the model was given a generator: its seed does not say what it drew.)
        self.spin_up_key = spin_up_key(resolved, self.seed) if isinstance(rng, (int, np.integer)) else None
        self.p = TrackedParams(resolved)
        p = self.p
        # Labelled by what it runs: the levers switched on, whether by the policy's name or by intensities.
        self.policy_name = effective_policy(p.as_dict())
        self.sink = Diagnostics() if diagnostics is None else diagnostics

        # The villages (one for a village scenario, 297 for the regency), then their officials, then the
        # households of every village (ODD 5: in this order, all from the model's generator).
        geography = build_geography(self.scenario_name, self.rng, p)
        self._distances_from_params = self.scenario_name not in GEOGRAPHIES
        seats = build_officials(self.rng, p, geography.n_villages)
        officials = Officials(seats.village, seats.slot, seats.hamlet, seats.faction, seats.fee_seeking.copy(),
                              per_village=p.n_hamlets + p.n_office_staff)
        self.officials: list[Official] = [Official(self, i) for i in range(officials.n)]
        residents, ties = build_residents(self.rng, p, geography, officials.per_village,
                                          p.tie_decay_per_year / WEEKS_PER_YEAR, start_week=-p.spinup_weeks)
        documents = build_documents(self.rng, p, residents, geography.n_villages)
        self.world = World(geography=geography, residents=residents, documents=documents, ties=ties,
                           officials=officials,
                           pick=channel_choice.OfficialPick(residents, officials, p),
                           politics=elections.Politics(geography.n_villages), camps=elections.CampLedger(),
                           needs=needs.Needs(), accounts=Accounts(residents, geography.n_villages,
                                                                  len(SERVICE_NAMES)))
        # Elections draw from their own stream, spawned from the model's generator (which it does not advance):
        # runs with the same seed then hold the same elections with the same outcomes whatever their policies,
        # so that a policy's paired effect is not blurred by a turnover in one arm and none in the other.
        self.election_rng = self.rng.spawn(1)[0]
        # Every weekly draw is a function of this key, the draw's site, the week and who draws (``sim.core.draws``):
        # nothing one village does moves another's draws, so an arm that leaves a village untouched leaves it as
        # it is in every other arm of the seed.
        self.draw_key = int(self.rng.integers(0, 2 ** 63, dtype=np.int64))
        self._village_offsets = geography.offsets
        self.choice: channel_choice.Choice | None = None          # this week's choice of channels
        self.blocked = np.zeros(0, dtype=bool)   # this week: the pending needs a missing document holds up
        self.phase_seconds = {phase.name: 0.0 for phase in SCHEDULE}

        for name in ALL_OUTCOME_NAMES:
            setattr(self, name, float("nan"))
        self.datacollector = mesa.DataCollector(
            model_reporters={"step": "steps", **{name: name for name in ALL_OUTCOME_NAMES}})
        self.week = 0                 # the week being simulated: negative during the spin-up, then steps
        self.weeks_simulated = 0      # spin-up included
        self.update_policies()        # the context before any week (no lever acts before week 1)
        self.spin_up(p.spinup_weeks)

    # ------------------------------------------------------------------ snapshots
    def snapshot(self) -> bytes:
        """The whole state of the model as bytes (``sim.snapshot``): ``ClientelismModel.restore`` continues it
        bit for bit."""
        from sim import snapshot

        return snapshot.dumps(self)

    @classmethod
    def restore(cls, data: bytes) -> ClientelismModel:
        """The model a ``snapshot()`` holds; a snapshot of another version raises SnapshotError."""
        from sim import snapshot

        return snapshot.loads(data)

    def save(self, path) -> None:
        """Write a snapshot of the model to ``path`` (atomically); ``ClientelismModel.load(path)`` continues it."""
        from sim import snapshot

        snapshot.save(self, path)

    @classmethod
    def load(cls, path) -> ClientelismModel:
        """The model a snapshot file holds; one of another version, or damaged, raises SnapshotError."""
        from sim import snapshot

        return snapshot.load(path)

    @classmethod
    def from_spin_up(cls, start: bytes | ClientelismModel, resolved: Resolved) -> ClientelismModel:
        """A run with the parameters ``resolved`` from a spun-up village it shares with runs that differ from it
        only in their levers (``start``: a model just spun up, which is left as it is, or its snapshot); the
        run continues bit for bit as if it had spun up on its own.

        Raises:
            SnapshotError: ``start`` is not a model at the end of its spin-up, or spun up another village
                (another scenario, seed or value of a parameter other than a lever's).
        """
        from sim import snapshot

        model = snapshot.loads(start if isinstance(start, (bytes, bytearray)) else snapshot.dumps(start))
        if model.steps != 0 or model.weeks_simulated != model.p.spinup_weeks:
            raise SnapshotError("start", f"a model at the end of its spin-up (this one is at week {model.week})")
        wanted = spin_up_key(resolved, model.seed)
        if model.spin_up_key != wanted:
            raise SnapshotError("start", "the spin-up of this run's scenario, seed and parameters (it differs from "
                                "them in more than the levers)")
        model.p = TrackedParams(resolved, read=model.p.read)
        model.policy_name = effective_policy(model.p.as_dict())
        model._week = replace(model._week, p=model.p,
                              travel=TravelCosts(model.world.residents, model.p, model._week.policy))
        return model

    # ------------------------------------------------------------------ the state, as users read it
    @property
    def geography(self) -> Geography:
        """The villages (``world.geography``)."""
        return self.world.geography

    @property
    def residents(self) -> Residents:
        """The households (``world.residents``)."""
        return self.world.residents

    @property
    def ties(self) -> Ties:
        """The households' ties to officials (``world.ties``)."""
        return self.world.ties

    @property
    def officials_state(self) -> Officials:
        """Every village's officials as arrays (``world.officials``; ``officials`` lists their Mesa agents)."""
        return self.world.officials

    @property
    def accounts(self) -> Accounts:
        """The trailing-window counters (``world.accounts``)."""
        return self.world.accounts

    @property
    def n_households(self) -> int:
        """Number of households."""
        return self.world.residents.n

    @property
    def n_villages(self) -> int:
        """Number of villages."""
        return self.world.geography.n_villages

    @property
    def n_officials(self) -> int:
        """Number of officials, every village's."""
        return self.world.officials.n

    def context(self) -> Week:
        """This week's context, as the mechanisms read it (built by the ``policies`` phase)."""
        return self._week

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One reported week (Mesa counts them in ``steps``: 1, 2, ...)."""
        self.simulate_week(self.steps)
        self.datacollector.collect(self)

    def spin_up(self, weeks: int) -> None:
        """Weeks before week 0 with no policy, so that the reported run starts from a village at rest: the weeks
        ``-weeks + 1`` to 0, simulated as any other but not reported (their last year fills the trailing window
        that week 1's flows are measured over)."""
        for week in range(-weeks + 1, 1):
            self.simulate_week(week)

    def simulate_week(self, week: int) -> None:
        """One week: the phases of ``SCHEDULE`` in order, each timed into ``phase_seconds``."""
        self.week = week
        self.weeks_simulated += 1
        clock = self.phase_clock
        seconds = self.phase_seconds
        for phase in SCHEDULE:
            if phase.when is None or getattr(self, phase.when)():
                start = clock()
                getattr(self, phase.run)()
                seconds[phase.name] += clock() - start

    # The weeks of the phases that do not run every week.
    def is_launch_week(self) -> bool:
        """Whether the digital ID launches this week."""
        return self.week == self.p.online_launch_week

    def is_election_week(self) -> bool:
        """Whether villages elect their heads this week."""
        return elections.is_election_week(self.week, self.p)

    def is_review_week(self) -> bool:
        """Whether officials review their fee-seeking this week (every ``weeks_per_adaptation``)."""
        return self.week % self.p.weeks_per_adaptation == 0

    # The phases.
    def update_policies(self) -> Week:
        """The levers in force and the week's context (a one-village scenario's distances may have been changed
        by ``set_parameter``)."""
        p = self.p
        g = self.world.geography
        if self._distances_from_params:
            g.dist_kecamatan_km[0], g.dist_regency_km[0], g.dist_new_seat_km[0] = (
                p.dist_kecamatan_km, p.dist_regency_km, p.dist_new_seat_km)
        draws = Draws(self.draw_key, self.week)
        policy = policy_state(p, self.week, g, draws)
        self.regency_km_now = policy.regency_km
        self._week = Week(t=self.week, p=p, rng=self.rng, draws=draws, policy=policy,
                          travel=TravelCosts(self.world.residents, p, policy), online_open=self.online_open,
                          world=self.world, sink=self.sink)
        return self._week

    def launch_digital_id(self) -> None:
        """The digital ID launches: early adopters activate it."""
        self.world.residents.activate_early_adopters()

    def hold_elections(self) -> None:
        """The villages elect their heads; a turnover swaps the camps and replaces some officials
        (``sim.core.elections``), so the households' pick of an official is rebuilt."""
        w = self.world
        turnover = elections.hold(self.context(), self.election_rng)
        w.camps.reset()
        if turnover.any():
            w.pick = channel_choice.OfficialPick(w.residents, w.officials, self.p)

    def arrive_needs(self) -> None:
        """This week's new needs join the pending ones."""
        needs.arrive(self.context())

    def choose_channels(self) -> channel_choice.Choice:
        """The logit choice of a channel (and of an official) for every pending need that is neither in hand nor
        held up by a missing document."""
        week = self.context()
        self.blocked = needs.blocked(week)
        free = np.nonzero(~(self.blocked | week.world.needs.in_hand()))[0]
        self.choice = channel_choice.choose(week, free)
        return self.choice

    def resolve_needs(self) -> None:
        """Cases in hand whose week has come; self-service, officials, brokers; then what waits, lapses or is
        abandoned; the documents completed needs issue."""
        w = self.world
        pending = w.needs
        if len(pending) == 0:
            return
        week, choice = self.context(), self.choice
        res = Resolution.of(len(pending), choice.needs, choice.channel, self.blocked)
        needs.in_hand_done(week, res)
        selfservice.in_person(week, choice, res)
        selfservice.online(week, choice, res)
        entrusting.by_officials(week, choice, res)
        entrusting.by_brokers(week, choice, res)
        r = w.residents
        own = (res.channel == Channel.IN_PERSON) | (res.channel == Channel.ONLINE)
        w.camps.record(r.faction[pending.household], res.done, own, res.paid, res.fee)
        res.abandon(needs.unmet(week, choice, res))
        w.accounts.record_resolved(week.t, pending, res, r.income_rupiah, self.p.abandon_after_weeks)
        done = np.nonzero(res.done)[0]
        w.documents.issue(pending.household[done], pending.service[done], SERVICE_ISSUES)
        r.note_completions(pending.household[done], own[done], week.t)
        r.note_channels(pending.household, res.shown)   # what neighbours see
        pending.keep(~(res.done | res.abandoned))

    def learn(self) -> None:
        """Literacy spreads through contacts; training adds to it."""
        week = self.context()
        learning.learn_from_contacts(week)
        learning.train(week, lever(self.p, "digital_training", self.week))

    def review_fees(self) -> None:
        """Officials review their fee-seeking (``sim.core.officials.Officials.adapt``)."""
        week = self.context()
        self.world.officials.adapt(self.p, week.draws, week.policy.detection_prob)

    def fade_contests(self) -> None:
        """The last contested election's salience fades."""
        self.world.politics.fade(self.p)

    # ------------------------------------------------------------------ accounting
    def _held(self) -> np.ndarray:
        """This week's stocks per village (villages × ``N_HELD``): the documents' counts, households locked in and
        with an activated account, the sums of literacy and of officials' fee-seeking."""
        w = self.world
        r, officials = w.residents, w.officials
        held = np.empty((self.n_villages, N_HELD))
        held[:, :N_STOCKS] = w.documents.by_village
        locked = w.ties.locked_in(self.week)
        if self.n_villages == 1:
            held[0, Held.LOCKED_IN] = np.count_nonzero(locked)
            held[0, Held.LITERACY] = r.literacy.sum(dtype=np.float64)
        else:
            offsets = self._village_offsets
            held[:, Held.LOCKED_IN] = np.add.reduceat(locked.view(np.uint8), offsets, dtype=np.int64)
            held[:, Held.LITERACY] = np.add.reduceat(r.literacy, offsets, dtype=np.float64)
        held[:, Held.ACTIVATED] = r.activated_by_village
        held[:, Held.FEE_SEEKING] = officials.by_village(officials.fee_seeking).sum(axis=1)
        return held

    def _counts(self, flows: np.ndarray) -> dict:
        """The additive counts of the whole population (flows summed over the window, stocks averaged over it,
        households' standing over the trailing year)."""
        accounts = self.world.accounts
        held = accounts.held_window.sum(axis=0)
        independent, active = self.world.residents.standing(self.week)
        counts = {name: flows[column] for name, column in FLOW_COUNTS.items()}
        counts.update({name: held[column] for name, column in STOCK_COUNTS.items()})
        counts.update(households=self.n_households, officials=self.n_officials,
                      independent=np.count_nonzero(independent), active=np.count_nonzero(active))
        return counts

    def measure(self) -> None:
        """The outcomes over the trailing window (``sim.core.accounting``)."""
        accounts = self.world.accounts
        accounts.record_stocks(self.week, self._held(), self.world.documents.by_cell)
        flows = accounts.close_week(self.week)
        weeks = self.window_weeks
        values = ratio_outcomes(self._counts(flows), weeks)
        values.update(access_gaps(accounts.group_window, accounts.stock_window))
        values.update(channel_outcomes(accounts.channel_window))
        for name in ALL_OUTCOME_NAMES:
            setattr(self, name, values[name])

    def village_table(self) -> pd.DataFrame:
        """Outcomes per village over the trailing window, with the additive counts they are ratios of."""
        return village_table(self)

    def kecamatan_table(self, villages: pd.DataFrame | None = None) -> pd.DataFrame:
        """Outcomes per kecamatan: the village counts summed, then the same ratios (``villages``: this model's
        ``village_table()``, if already at hand)."""
        return kecamatan_table(self.geography, self.village_table() if villages is None else villages,
                               self.window_weeks)

    def group_outcomes(self) -> dict[str, float]:
        """Per quartile (1 to 4) of literacy, distance and income: brokered and paid shares, access shortfall,
        completion rate, delay and cost burden (``sim.core.accounting.quartile_outcomes``)."""
        return quartile_outcomes(self.accounts.group_window, self.accounts.stock_window)

    def service_outcomes(self) -> dict[str, float]:
        """Per service type: paid, unpaid and self-service shares, completion and the mean paid fee."""
        return service_outcomes(self.accounts.service_window)

    def camp_outcomes(self) -> dict[str, dict[str, float]]:
        """Since the last village-head election, per political camp (``head``, ``opposition``, ``neutral``):
        self-service and paid shares of completed needs and the mean fee per paid case
        (``sim.core.elections.CampLedger``)."""
        return self.world.camps.outcomes()

    def camp_values(self) -> dict[str, float]:
        """``camp_outcomes()`` as flat columns (``paid_dependence_share_camp_opposition``, …;
        ``sim.core.outcomes.CAMP_MEASURES``)."""
        ledger = {"self_service_share": "self_service_share", "paid_dependence_share": "paid_share",
                  "fee_per_paid_case_rupiah": "fee_per_paid_case_rupiah"}
        camps = self.camp_outcomes()
        return {camp_name(m, c): camps[c][ledger[m]] for m in CAMP_MEASURES for c in CAMPS}

    def outcomes(self) -> dict[str, float]:
        """Current values of every outcome."""
        return {name: getattr(self, name) for name in ALL_OUTCOME_NAMES}

    # ------------------------------------------------------------------ for users of the model
    def current_ties(self, households: np.ndarray | None = None) -> np.ndarray:
        """Tie strengths now of every household (or the ``households`` given) to its village's officials."""
        return self.world.ties.current(self.week, households)

    @property
    def online_open(self) -> bool:
        """Whether the digital ID and the online channel exist this week."""
        return self.week >= self.p.online_launch_week

    @property
    def window_weeks(self) -> int:
        """Weeks the trailing window of flows covers now (a year, or the weeks simulated so far)."""
        return min(self.weeks_simulated, WINDOW_WEEKS)

    @property
    def regency_distance_km(self) -> float:
        """Road km from the (first) village to the regency seat this week."""
        return float(self.regency_km_now[0])

    @property
    def fee_seeking_now(self) -> np.ndarray:
        """Every official's fee-seeking now."""
        return self.officials_state.fee_seeking

    def set_parameter(self, name: str, value: object) -> None:
        """Change a parameter during a run (e.g. a lever swept by a hysteresis experiment).

        Only parameters the model reads while stepping can change; those that shape the initial village
        (``INIT_ONLY``) raise ConfigError.
        """
        from sim.errors import ConfigError, one_village_only
        from sim.params.registry import INIT_ONLY, validate

        if name in INIT_ONLY:
            raise ConfigError(name, value, "a parameter that can change during a run (not one of "
                              + ", ".join(sorted(INIT_ONLY)) + ")")
        if name in PER_VILLAGE_PARAMS and not self._distances_from_params:
            raise one_village_only(name, value, self.scenario_name)
        values = self.p.as_dict()
        values.update(validate({name: value}))
        validate(values)
        self.p = TrackedParams(values, read=self.p.read)
        # The week's context sees the change too (the next week's is built anew).
        self._week = replace(self._week, p=self.p, travel=TravelCosts(self.world.residents, self.p,
                                                                      self._week.policy))

    def parameters(self) -> dict[str, object]:
        """The parameter values this run used, as recorded with its results. In a scenario of several villages
        the one-village distances do not apply (each village has its own, in ``village_table``) and are left
        out."""
        values = self.p.as_dict()
        if not self._distances_from_params:
            for name in PER_VILLAGE_PARAMS:
                values.pop(name, None)
        return values


__all__ = ["ClientelismModel", "Official", "Office"]
