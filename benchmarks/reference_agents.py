"""A per-agent reference of the resident decision step, written as a careful Mesa user would.

One ``Resident`` agent per household, stepped with ``shuffle_do``. Each week a resident draws its new needs at
the yearly rates of the services that arise at random occasions (village letters, land papers), then chooses a
channel for every free pending need by the model's logit rule: the probability of each channel is the softmax of
its utility, sampled with the model's ``random``. The utilities are the array model's (``sim.core.choice``): the
document's value; one's own attempt with the village office as gatekeeper (a dutiful office coaches, a
fee-seeking one slow-walks and withholds its letter), registry visits partly at the kecamatan, the first e-KTP's
recording in person; online; an official picked by tie, camp, own hamlet head and chance, asking his price with
his fee-seeking's chance; a broker at the office; deferring, which costs a pressing need each week; and what the
contacts did last. The array model draws the same choice with a Gumbel-max over all free needs at once; the two are
the same distribution, which ``tests/test_reference.py`` checks statistically. Constants are looked up once per
model, not per agent.

The reference only decides (needs and channel choice; a need handled by any channel then leaves the queue, a
deferred one waits); the array model's step also resolves needs, keeps the documents, updates ties, literacy and
officials, and measures outcomes. The speed ratio printed by ``benchmarks/bench_core.py`` like for like compares the
decision step alone.

``ReferenceModel.from_array_model(model)`` copies the state of a ``ClientelismModel`` (households, their free
pending needs, officials, the office's deviation) into agents.
"""

from __future__ import annotations

import math

import mesa

from sim.core.population import FORMER, faction_affinity
from sim.core.services import SERVICE_CODES, SERVICES, Channel, Office
from sim.params.registry import WEEKS_PER_YEAR

CHANNELS = tuple(Channel)


class Resident(mesa.Agent):
    """A household deciding how to get its documents."""

    def __init__(self, model: ReferenceModel, village: int, hamlet: int, dist_local_km: float, literacy: float,
                 confidence: float, income: float, faction: int, activated: bool, ties: list[float],
                 last_channel: int, first_ktp: bool):
        super().__init__(model)
        self.village = village
        self.hamlet = hamlet
        self.dist_local_km = dist_local_km
        self.literacy = literacy
        self.confidence = confidence
        self.income = income
        self.faction = faction
        self.activated = activated
        self.ties = ties                      # tie strength now, to each official of the village
        self.last_channel = last_channel
        self.first_ktp = first_ktp            # an adult of the household has no e-KTP yet: it must be recorded
        self.contacts: list[Resident] = []
        self.needs: list[tuple[int, int, bool]] = []   # (service index, arrival week, pressing)
        self.choices: list[tuple[int, int, int]] = []  # this week's (service, channel, official slot)

    # -- costs
    def _trip(self, office: Office) -> float:
        m = self.model
        p = m.p
        remote = (0.0, m.dist_kecamatan_km[self.village], m.dist_regency_km[self.village])[office]
        hours = 2 * (self.dist_local_km / p.local_speed_kmh + remote / p.travel_speed_kmh) + m.wait_hours[office]
        wage = self.income / p.work_hours_per_month
        fixed = p.trip_fixed_rupiah * min(self.dist_local_km / p.walking_km, 1.0)
        fares = fixed + p.local_fare_per_km_rupiah * self.dist_local_km + p.travel_cost_per_km_rupiah * remote
        return 2 * fares + hours * wage

    def trip_cost(self, office: Office) -> float:
        """One round trip; a registry visit is at the kecamatan desk in a share of cases."""
        cost = self._trip(office)
        if office == Office.REGENCY:
            share = self.model.p.registry_at_kecamatan_share
            cost = share * self._trip(Office.KECAMATAN) + (1 - share) * cost
        return cost

    def pick_official(self) -> int:
        """The official of its village the household would entrust: tie, camp, own hamlet head, a little chance."""
        m = self.model
        p = m.p
        best, best_score = 0, -math.inf
        for slot, official in enumerate(m.officials[self.village]):
            score = (self.ties[slot] + p.faction_trust * m.affinity[self.faction][official.faction]
                     + p.own_hamlet_head_bonus * (official.hamlet == self.hamlet)
                     + p.official_pick_noise * self.random.random())
            if score > best_score:
                best, best_score = slot, score
        return best

    def success(self, complexity: float, skill: float) -> float:
        p = self.model.p
        return min(max(1 - complexity * (p.success_base - p.success_skill_slope * skill), p.success_min),
                   p.success_max)

    # -- the decision
    def utilities(self, service_index: int, arrival: int, pressing: bool, week: int) -> tuple[list[float], int]:
        m = self.model
        p = m.p
        s = SERVICES[service_index]
        income = self.income
        complexity = s.complexity * p.complexity_multiplier
        trip = self.trip_cost(s.office)
        # The gate: the village office's deviation from duty as this household meets it.
        exposure = p.adminduk_gate_share if s.office == Office.REGENCY else 1.0
        deviation = m.office_deviation[self.village]
        if self.faction == FORMER:
            deviation = min(deviation + p.opposition_gate_penalty * m.salience[self.village], 1.0)
        skill = p.skill_literacy_weight * self.literacy + (1 - p.skill_literacy_weight) * self.confidence
        coached = skill + p.coaching_gain * exposure * (1.0 - deviation) * (1.0 - skill)
        p_self = self.success(complexity, coached) * (1.0 - p.gate_refusal_prob * exposure * deviation)
        village_trip = trip if s.office == Office.VILLAGE else self.trip_cost(Office.VILLAGE)
        attempt = s.visits * trip + p.gate_delay_visits * exposure * deviation * village_trip
        cost_self = attempt / p_self
        presence = self._trip(Office.KECAMATAN) if service_index == SERVICE_CODES.ktp and self.first_ktp else 0.0
        urgency = p.defer_cost_per_week if pressing else 0.0
        value, cs = p.document_value, p.cost_sensitivity

        u = [-math.inf] * len(CHANNELS)
        u[Channel.IN_PERSON] = (value - cs * cost_self / income - p.rejection_aversion * (1 - p_self)
                                - urgency / p_self)
        if s.online and self.literacy >= p.online_min_literacy:
            p_online = self.success(complexity, self.literacy)
            activation = 0.0 if self.activated else self.trip_cost(Office.REGENCY)
            cost_online = p.online_cost_rupiah / p_online + activation
            u[Channel.ONLINE] = (value - cs * cost_online / income - p.rejection_aversion * (1 - p_online)
                                 - p.online_aversion - urgency * p.online_weeks / p_online)
        slot = self.pick_official()
        official = m.officials[self.village][slot]
        tie = self.ties[slot]
        affinity = m.affinity[self.faction][official.faction]
        loyal = tie >= p.lockin_tie_threshold and affinity >= 0
        price = min(p.levy_rupiah + p.fee_capture_share * cost_self, p.fee_income_cap * income)
        price *= (1 - p.loyal_fee_discount) if loyal else 1.0
        price = round(price / p.fee_rounding_rupiah) * p.fee_rounding_rupiah
        fee = official.fee_seeking * price
        u[Channel.ENTRUST] = (value - cs * (fee + presence) / income - p.moral_cost_entrust
                              - urgency * p.entrusted_weeks
                              + p.trust_weight * (tie + p.faction_trust * affinity) + p.favour_value * loyal)
        if s.broker:
            broker_fee = p.broker_levy_rupiah + p.broker_capture_share * cost_self
            broker_fee = max(round(broker_fee / p.fee_rounding_rupiah) * p.fee_rounding_rupiah, p.fee_rounding_rupiah)
            u[Channel.BROKER] = (value - cs * (broker_fee + trip + presence) / income - p.moral_cost_broker
                                 - urgency * p.broker_weeks)
        u[Channel.DEFER] = -urgency * (1 + week - arrival)
        # Imitation: what the contacts' last needs went through.
        if self.contacts:
            weight = p.imitation_weight / len(self.contacts)
            for contact in self.contacts:
                if 0 <= contact.last_channel < Channel.DEFER:
                    u[contact.last_channel] += weight
        return u, slot

    def choose(self, utilities: list[float]) -> int:
        """A logit draw: channel c with probability exp(u_c) / sum exp(u)."""
        top = max(utilities)
        weights = [math.exp(x - top) if x > -math.inf else 0.0 for x in utilities]
        return self.random.choices(range(len(weights)), weights=weights)[0]

    def arrive_needs(self) -> None:
        """Needs of the services that arise at random occasions, one draw per service a week (always pressing)."""
        week = self.model.steps
        for index, rate in self.model.occasion_rates:
            if self.random.random() < rate:
                self.needs.append((index, week, True))

    def decide(self) -> None:
        week = self.model.steps
        self.choices = []
        for service_index, arrival, pressing in self.needs:
            utilities, slot = self.utilities(service_index, arrival, pressing, week)
            self.choices.append((service_index, self.choose(utilities), slot))

    def step(self) -> None:
        self.arrive_needs()
        self.decide()
        # The reference does not model what happens next: a need handled by any
        # channel leaves the queue, a deferred one waits until it is abandoned.
        week = self.model.steps
        limit = self.model.p.abandon_after_weeks
        self.needs = [need for need, (_, channel, _) in zip(self.needs, self.choices)
                      if channel == Channel.DEFER and week - need[1] + 1 < limit]


class OfficialSeat:
    """What a resident sees of an official when choosing."""

    def __init__(self, faction: int, hamlet: int, fee_seeking: float):
        self.faction = faction
        self.hamlet = hamlet
        self.fee_seeking = fee_seeking


class ReferenceModel(mesa.Model):
    """Residents as Mesa agents; one step = every resident draws its needs and decides, in random order.

    Covers the baseline (no policy is switched on in the reference). The constants every agent reads (the
    affinity table, wait hours, the villages' distances, their offices' deviation and contest salience, the
    services' weekly rates) are computed once here.
    """

    def __init__(self, params, officials: list[list[OfficialSeat]], dist_kecamatan_km: list[float],
                 dist_regency_km: list[float], office_deviation: list[float], salience: list[float], rng=None):
        super().__init__(rng=rng)
        self.p = params
        self.affinity = faction_affinity(params.rival_camp_aversion).tolist()
        self.officials = officials
        self.dist_kecamatan_km = dist_kecamatan_km
        self.dist_regency_km = dist_regency_km
        self.office_deviation = office_deviation
        self.salience = salience
        self.wait_hours = (params.wait_hours_village, params.wait_hours_kecamatan, params.wait_hours_regency)
        self.occasion_rates = [(i, min(s.rate_per_year * params.need_rate_multiplier / WEEKS_PER_YEAR, 1.0))
                               for i, s in enumerate(SERVICES) if s.rate_per_year > 0]

    def step(self) -> None:
        self.agents.shuffle_do("step")

    def decide(self) -> None:
        """Only the decision for the needs already pending (for the agreement test)."""
        self.agents.shuffle_do("decide")

    @classmethod
    def from_array_model(cls, model, rng=None) -> ReferenceModel:
        """Agents with the households' state, free pending needs and contacts of ``model``."""
        from sim.core import gatekeeping
        from sim.core.needs import blocked

        g = model.geography
        per = model.officials_state.per_village
        o = model.officials_state
        officials = [[OfficialSeat(int(o.faction[v * per + s]), int(o.hamlet[s]), float(o.fee_seeking[v * per + s]))
                      for s in range(per)] for v in range(model.n_villages)]
        deviation = gatekeeping.office_deviation(o, model.p.n_hamlets)
        ref = cls(model.p, officials, [float(x) for x in g.dist_kecamatan_km],
                  [float(x) for x in model.regency_km_now], [float(x) for x in deviation],
                  [float(x) for x in model.world.politics.salience], rng=rng)
        ref.steps = model.steps
        r, d = model.residents, model.world.documents
        ties = model.current_ties()
        residents = [
            Resident(ref, int(r.village[i]), int(r.hamlet[i]), float(r.dist_local_km[i]), float(r.literacy[i]),
                     float(r.confidence[i]), float(r.income_rupiah[i]), int(r.faction[i]), bool(r.activated[i]),
                     [float(x) for x in ties[i]], int(r.last_channel[i]), bool(d.ktp[i] < d.adults[i]))
            for i in range(r.n)
        ]
        for i, resident in enumerate(residents):
            resident.contacts = [residents[j] for j in r.contacts[i]]
        pending = model.world.needs
        free = ~(blocked(model.context()) | pending.in_hand())
        for household, service, arrival, pressing in zip(pending.household[free], pending.service[free],
                                                         pending.arrival[free], pending.urgent[free]):
            residents[household].needs.append((int(service), int(arrival), bool(pressing)))
        return ref


def reference_population(n: int, seed: int = 0) -> ReferenceModel:
    """A Bangbayang-like village of ``n`` households as reference agents (for the benchmark)."""
    from sim.model import ClientelismModel

    return ReferenceModel.from_array_model(ClientelismModel(rng=seed, n_households=n), rng=seed)
