"""Clientelism in village public service delivery (Desa Bangbayang, Kab. Brebes).

After the finding of a study of Desa Bangbayang (see ``docs/ODD.md``): residents who find services hard to
reach entrust their paperwork to village officials for a fee, and the repeated exchange becomes a
patron–client tie.

``ClientelismModel`` is the orchestrator: it builds the villages and calls the mechanisms of ``sim.core`` in
the order of the ODD's schedule. Each step is one week:

0. Elections: in an election week each village elects its head; a turnover swaps the camps and dismisses
   some officials of the losing camp (``elections``).
1. Policies: the levers in force this week (``sim.core.policies``).
2. Needs arrive: each household needs documents of each service type at a yearly rate (``needs``).
3. Channel choice for every pending need, by a logit rule comparing costs and chances: in person, online,
   entrust to an official, outside broker, or defer (``choice``, with trip costs from ``travel``; the village
   office as gatekeeper of one's own attempt, coaching or slow-walking, from ``gatekeeping``).
4. Needs are resolved: self-service succeeds or is rejected and beliefs update (``selfservice``); officials
   take entrusted cases up to capacity, loyal clients first, and brokers theirs (``entrusting``); needs
   not completed wait, and lapse or are abandoned (``needs``).
5. Learning: literacy spreads through contacts; training adds to it (``learning``).
6. Officials review their fee-seeking every ``weeks_per_adaptation`` weeks (``officials``).
7. Accounting: the trailing year's counts and the outcomes (``accounting``), collected by Mesa; the last
   contest's salience fades.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core import choice as channel_choice
from sim.core import elections, entrusting, learning, needs, selfservice
from sim.core import ties as tie_strength
from sim.core.accounting import (
    FLOW_COUNTS,
    Accounts,
    Resolution,
    access_gaps,
    kecamatan_table,
    quartile_outcomes,
    ratio_outcomes,
    service_outcomes,
    village_table,
)
from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.core.geography import build as build_geography
from sim.core.officials import Official, Officials
from sim.core.outcomes import ALL_OUTCOME_NAMES, WINDOW_WEEKS
from sim.core.policies import PolicyState, lever, policy_state
from sim.core.population import build_officials, build_residents
from sim.core.services import SERVICE_NAMES, Channel, Office
from sim.core.travel import TravelCosts
from sim.params.scenarios import STEPS_PER_YEAR, effective_policy, resolve_params
from sim.params.values import TrackedParams


def _seed_value(rng):
    """Accept an integer seed also when it arrives as text (the visualizer's input box)."""
    if isinstance(rng, str):
        text = rng.strip()
        try:
            return int(text)
        except ValueError:
            from sim.errors import ConfigError
            raise ConfigError("seed", rng, "a whole number from 0 upwards") from None
    return rng


class ClientelismModel(mesa.Model):
    """Residents, officials and the paperwork between them.

    Args:
        scenario: scenario name (see ``sim.params.scenarios.SCENARIOS``).
        policy: ``none``, a lever name or levers joined by ``+``; intensity parameters may switch further
            levers on or off, and ``policy_name`` says which are on.
        rng: seed (int) or numpy Generator; every random draw uses it.
        **params: any registry parameter (``docs/parameters.md``), overriding the scenario and policy values.
    """

    def __init__(self, scenario: str = "bangbayang", policy: str = "none", rng=None, **params):
        super().__init__(rng=_seed_value(rng))
        self.scenario_name = scenario
        self.seed = self._seed
        self.p = TrackedParams(resolve_params(scenario, policy, params))
        p = self.p
        # Labelled by what it runs: the levers switched on, whether by the policy's name or by intensities.
        self.policy_name = effective_policy(p.as_dict())

        # The villages (one for a village scenario, 297 for the regency), then their officials, then the
        # households of every village (ODD 5: in this order, all from the model's generator).
        self.geography = build_geography(scenario, self.rng, p)
        self._distances_from_params = scenario not in GEOGRAPHIES
        self.n_villages = self.geography.n_villages
        seats = build_officials(self.rng, p, self.n_villages)
        self.officials_state = Officials(seats.village, seats.slot, seats.hamlet, seats.faction,
                                         seats.fee_seeking.copy(), per_village=p.n_hamlets + p.n_office_staff)
        self.n_officials = self.officials_state.n
        self.officials_per_village = self.officials_state.per_village
        self.officials: list[Official] = [Official(self, i) for i in range(self.n_officials)]
        self.tie_decay_per_step = p.tie_decay_per_year / STEPS_PER_YEAR
        self.residents = build_residents(self.rng, p, self.geography, self.officials_per_village,
                                         self.tie_decay_per_step, start_week=-p.spinup_weeks)
        self.n_households = self.residents.n
        self.pick = channel_choice.OfficialPick(self.residents, self.officials_state, p)
        self.politics = elections.Politics(self.n_villages)
        # Elections draw from their own stream, spawned from the model's generator (which it does not advance):
        # runs with the same seed then hold the same elections with the same outcomes whatever their policies,
        # so that a policy's paired effect is not blurred by a turnover in one arm and none in the other.
        self.election_rng = self.rng.spawn(1)[0]
        self.camps = elections.CampLedger()
        self.wait_hours = np.array([p.wait_hours_village, p.wait_hours_kecamatan, p.wait_hours_regency])
        r = self.residents
        self.accounts = Accounts(r.village, self.n_villages,
                                 r.literacy_quartile.astype(np.uint8) * 16 + r.distance_quartile.astype(np.uint8) * 4
                                 + r.income_quartile.astype(np.uint8), len(SERVICE_NAMES))
        self.needs = needs.Needs()
        self.fees_paid: list[np.ndarray] = []   # every fee asked by officials, rupiah (for calibration checks)
        self.broker_fees_paid: list[np.ndarray] = []
        self.regency_km_now = self.geography.dist_regency_km.copy()   # per village, as this week's policy has it
        self.policy: PolicyState = policy_state(p, 0, self.geography, self.rng)   # none in force before week 1
        self.travel = TravelCosts(self.residents, p, self.policy, self.wait_hours, self.n_villages == 1)

        for name in ALL_OUTCOME_NAMES:
            setattr(self, name, float("nan"))
        self.datacollector = mesa.DataCollector(
            model_reporters={"step": "steps", **{name: name for name in ALL_OUTCOME_NAMES}})
        self.week = 0                 # the week being simulated: negative during the spin-up, then steps
        self.weeks_simulated = 0      # spin-up included
        self.spin_up(p.spinup_weeks)

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
        """One week, in the order of the ODD's schedule."""
        self.week = week
        self.weeks_simulated += 1
        if week == self.p.online_launch_week:                     # the digital ID launches: early adopters
            self.residents.activated |= self.residents.early_adopter
        if elections.is_election_week(week, self.p):              # 0. village-head elections
            self.hold_elections()
        self.update_policies()                                    # 1. the levers in force
        self.arrive_needs()                                       # 2. new needs
        choice = self.choose_channels()                           # 3. a channel for every pending need
        self.resolve_needs(choice)                                # 4. self-service, officials, brokers, waiting
        self.learn()                                              # 5. contacts and training
        if week % self.p.weeks_per_adaptation == 0:
            self.officials_state.adapt(self.p, self.rng, self.policy.detection_prob)   # 6. officials' review
        self.measure()                                            # 7. accounting
        self.politics.fade(self.p)

    def hold_elections(self) -> None:
        """Phase 0: the villages elect their heads; a turnover swaps the camps and replaces some officials
        (``sim.core.elections``), so the households' pick of an official is rebuilt."""
        turnover = elections.hold(self.politics, self.residents, self.officials_state, self.p, self.election_rng,
                                  self.week, self.tie_decay_per_step)
        self.camps.reset()
        if turnover.any():
            self.pick = channel_choice.OfficialPick(self.residents, self.officials_state, self.p)

    def update_policies(self) -> PolicyState:
        """Phase 1: this week's policy state and trip costs (a one-village scenario's distances may have been
        changed by ``set_parameter``)."""
        p = self.p
        g = self.geography
        if self._distances_from_params:
            g.dist_kecamatan_km[0], g.dist_regency_km[0], g.dist_new_seat_km[0] = (
                p.dist_kecamatan_km, p.dist_regency_km, p.dist_new_seat_km)
        self.policy = policy_state(p, self.week, g, self.rng)
        self.regency_km_now = self.policy.regency_km
        self.travel = TravelCosts(self.residents, p, self.policy, self.wait_hours, self.n_villages == 1)
        return self.policy

    def arrive_needs(self) -> None:
        """Phase 2: this week's new needs join the pending ones."""
        needs.arrive(self.needs, self.rng, self.n_households, self.p.need_rate_multiplier, STEPS_PER_YEAR,
                     self.week)

    def choose_channels(self) -> channel_choice.Choice:
        """Phase 3: the logit choice of a channel (and of an official) for every pending need."""
        return channel_choice.choose(self.needs, self.residents, self.officials_state, self.pick, self.travel,
                                     self.policy.complexity_reduction, self.tie_decay_per_step, self.p, self.rng,
                                     self.week, self.politics, online_open=self.online_open)

    def resolve_needs(self, choice: channel_choice.Choice) -> None:
        """Phase 4: self-service, officials, brokers; then what waits, lapses or is abandoned."""
        pending = self.needs
        if len(pending) == 0:
            return
        p, t, rng, r = self.p, self.week, self.rng, self.residents
        week = Resolution.of(len(pending))
        selfservice.in_person(choice, pending, r, week, self.accounts, p, rng, t)
        selfservice.online(choice, pending, r, self.travel, week, self.accounts, p, rng, t)
        entrusting.by_officials(choice, pending, r, self.officials_state, self.pick, week, self.accounts,
                                self.policy, p, rng, t, self.tie_decay_per_step, self.fees_paid)
        entrusting.by_brokers(choice, pending, r, week, self.accounts, p, t, self.broker_fees_paid)
        self.camps.record(r.faction[pending.household], week.done,
                          (choice.channel == Channel.IN_PERSON) | (choice.channel == Channel.ONLINE),
                          week.paid, week.fee)
        is_abandoned = needs.unmet(pending, choice.channel, week.done, rng, p.lapse_prob_per_week,
                                   p.abandon_after_weeks, t)
        self.accounts.record_resolved(t, pending.household, pending.service, week, is_abandoned, choice.channel,
                                      pending.weeks_waited(t), pending.cost, r.income_rupiah, p.abandon_after_weeks)
        r.last_channel[pending.household[is_abandoned]] = Channel.DEFER   # what neighbours see: an unmet need
        pending.keep(~(week.done | is_abandoned))

    def learn(self) -> None:
        """Phase 5: literacy spreads through contacts; training adds to it."""
        learning.learn_from_contacts(self.residents, self.p, self.rng)
        learning.train(self.residents, self.p, self.rng, lever(self.p, "digital_training", self.week),
                       STEPS_PER_YEAR, online_open=self.online_open)

    # ------------------------------------------------------------------ accounting
    def _counts(self, flows) -> dict:
        """The additive counts of the whole population (flows over the window, stocks now)."""
        r = self.residents
        counts = {name: flows[column] for name, column in FLOW_COUNTS.items()}
        counts.update(households=self.n_households, officials=self.n_officials,
                      locked_in=np.count_nonzero(r.lock_until >= self.week),
                      activated=np.count_nonzero(r.activated), literacy_sum=r.literacy.sum(dtype=np.float64),
                      fee_seeking_sum=self.officials_state.fee_seeking.sum())
        return counts

    def measure(self) -> None:
        """Phase 7: the outcomes over the trailing window (``sim.core.accounting``)."""
        flows = self.accounts.close_week(self.week)
        weeks = self.window_weeks
        values = ratio_outcomes(self._counts(flows), weeks)
        values.update(access_gaps(self.accounts.group_window))
        for name in ALL_OUTCOME_NAMES:
            setattr(self, name, values[name])

    def village_table(self):
        """Outcomes per village over the trailing window, with the additive counts they are ratios of."""
        return village_table(self)

    def kecamatan_table(self, villages=None):
        """Outcomes per kecamatan: the village counts summed, then the same ratios (``villages``: this model's
        ``village_table()``, if already at hand)."""
        return kecamatan_table(self.geography, self.village_table() if villages is None else villages,
                               self.window_weeks)

    def group_outcomes(self) -> dict[str, float]:
        """Per quartile (1 to 4) of literacy, distance and income: brokered and paid shares, access shortfall,
        completion rate, delay and cost burden (``sim.core.accounting.quartile_outcomes``)."""
        return quartile_outcomes(self.accounts.group_window)

    def service_outcomes(self) -> dict[str, float]:
        """Per service type: paid, unpaid and self-service shares, completion and the mean paid fee."""
        return service_outcomes(self.accounts.service_window)

    def camp_outcomes(self) -> dict[str, dict[str, float]]:
        """Since the last village-head election, per political camp (``head``, ``opposition``, ``neutral``):
        self-service and paid shares of completed needs and the mean fee per paid case
        (``sim.core.elections.CampLedger``)."""
        return self.camps.outcomes()

    def outcomes(self) -> dict[str, float]:
        """Current values of every outcome."""
        return {name: getattr(self, name) for name in ALL_OUTCOME_NAMES}

    # ------------------------------------------------------------------ for users of the model
    def current_ties(self, households: np.ndarray | None = None) -> np.ndarray:
        """Tie strengths now of every household (or the ``households`` given) to its village's officials."""
        return tie_strength.current(self.residents.tie_log, self.tie_decay_per_step, self.week, households)

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

    def set_parameter(self, name: str, value) -> None:
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
