"""A per-agent reference of the resident decision step, written as a careful Mesa user would.

One ``Resident`` agent per household, stepped with ``shuffle_do``. Each week a
resident draws its new needs (one Bernoulli draw per service type), then
chooses a channel for every pending need by the model's logit rule: the
probability of each channel is the softmax of its utility, sampled with the
model's ``random``. The array model (``sim.model``) draws the same choice with
a Gumbel-max over all pending needs at once; the two are the same
distribution, which ``tests/test_reference.py`` checks statistically.

The reference only decides (needs and channel choice; a need handled by any
channel then leaves the queue, a deferred one waits); the array model's step
also resolves needs, updates ties, literacy and officials, and measures
outcomes. The speed ratio printed by ``benchmarks/bench_core.py`` therefore
flatters the reference.

``ReferenceModel.from_array_model(model)`` copies the state of a
``ClientelismModel`` (households, their pending needs, officials) into agents.
"""

from __future__ import annotations

import math

import mesa

from sim.core.population import faction_affinity
from sim.core.services import SERVICES, Channel, Office
from sim.params.registry import WEEKS_PER_YEAR

CHANNELS = tuple(Channel)


class Resident(mesa.Agent):
    """A household deciding how to get its documents."""

    def __init__(self, model: ReferenceModel, village: int, hamlet: int, dist_local_km: float, literacy: float,
                 confidence: float, income: float, faction: int, activated: bool, ties: list[float],
                 last_channel: int):
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
        self.contacts: list[Resident] = []
        self.needs: list[tuple[int, int]] = []   # (service index, arrival week)
        self.choices: list[tuple[int, int, int]] = []  # this week's (service, channel, official slot)

    # -- costs
    def trip_cost(self, office: Office) -> float:
        m = self.model
        p = m.p
        remote = (0.0, m.dist_kecamatan_km[self.village], m.dist_regency_km[self.village])[office]
        wait = (p.wait_hours_village, p.wait_hours_kecamatan, p.wait_hours_regency)[office]
        hours = 2 * (self.dist_local_km / p.local_speed_kmh + remote / p.travel_speed_kmh) + wait
        wage = self.income / p.work_hours_per_month
        fixed = p.trip_fixed_rupiah * min(self.dist_local_km / p.walking_km, 1.0)
        fares = fixed + p.local_fare_per_km_rupiah * self.dist_local_km + p.travel_cost_per_km_rupiah * remote
        return 2 * fares + hours * wage

    def pick_official(self) -> int:
        """The official of its village the household would entrust: tie, camp, own hamlet head, a little chance."""
        m = self.model
        best, best_score = 0, -math.inf
        for slot, official in enumerate(m.officials[self.village]):
            score = (self.ties[slot] + m.p.faction_trust * m.affinity[self.faction][official.faction]
                     + m.p.own_hamlet_head_bonus * (official.hamlet == self.hamlet)
                     + m.p.official_pick_noise * self.random.random())
            if score > best_score:
                best, best_score = slot, score
        return best

    # -- the decision
    def utilities(self, service_index: int, arrival: int, week: int) -> tuple[list[float], int]:
        m = self.model
        p = m.p
        s = SERVICES[service_index]
        skill_belief = self.confidence
        visits = s.visits
        trip = self.trip_cost(s.office)
        p_believed = min(max(1 - s.complexity * (p.success_base - p.success_skill_slope * skill_belief),
                             p.success_min), p.success_max)
        cost_self = visits * trip / p_believed
        income = self.income

        u = [-math.inf] * len(CHANNELS)
        u[Channel.IN_PERSON] = -p.cost_sensitivity * cost_self / income - p.rejection_aversion * (1 - p_believed)
        if s.online and self.literacy >= p.online_min_literacy:
            p_online = min(max(1 - s.complexity * (p.success_base - p.success_skill_slope * self.literacy),
                               p.success_min), p.success_max)
            activation = 0.0 if self.activated else self.trip_cost(Office.REGENCY)
            cost_online = p.online_cost_rupiah / p_online + activation
            u[Channel.ONLINE] = (-p.cost_sensitivity * cost_online / income - p.rejection_aversion * (1 - p_online)
                                 - p.online_aversion)
        slot = self.pick_official()
        official = m.officials[self.village][slot]
        tie = self.ties[slot]
        affinity = m.affinity[self.faction][official.faction]
        loyal = tie >= p.lockin_tie_threshold and affinity >= 0
        fee = official.fee_seeking * (p.levy_rupiah + p.fee_capture_share * cost_self)
        fee = min(fee, p.fee_income_cap * income) * ((1 - p.loyal_fee_discount) if loyal else 1.0)
        fee = round(fee / p.fee_rounding_rupiah) * p.fee_rounding_rupiah
        u[Channel.ENTRUST] = (-p.cost_sensitivity * fee / income - p.moral_cost_entrust
                              + p.trust_weight * (tie + p.faction_trust * affinity) + p.favour_value * loyal)
        if s.broker:
            broker_fee = p.broker_levy_rupiah + p.broker_capture_share * cost_self
            broker_fee = round(broker_fee / p.fee_rounding_rupiah) * p.fee_rounding_rupiah
            u[Channel.BROKER] = -p.cost_sensitivity * broker_fee / income - p.moral_cost_broker
        u[Channel.DEFER] = -p.defer_cost_per_week * (1 + week - arrival)
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
        week = self.model.steps
        for index, service in enumerate(SERVICES):
            if self.random.random() < min(service.rate_per_year * self.model.p.need_rate_multiplier / WEEKS_PER_YEAR,
                                          1.0):
                self.needs.append((index, week))

    def decide(self) -> None:
        week = self.model.steps
        self.choices = []
        for service_index, arrival in self.needs:
            utilities, slot = self.utilities(service_index, arrival, week)
            self.choices.append((service_index, self.choose(utilities), slot))

    def step(self) -> None:
        self.arrive_needs()
        self.decide()
        # The reference does not model what happens next: a need handled by any
        # channel leaves the queue, a deferred one waits until it is abandoned.
        week = self.model.steps
        limit = self.model.p.abandon_after_weeks
        self.needs = [(service, arrival) for (service, arrival), (_, channel, _) in zip(self.needs, self.choices)
                      if channel == Channel.DEFER and week - arrival + 1 < limit]


class OfficialSeat:
    """What a resident sees of an official when choosing."""

    def __init__(self, faction: int, hamlet: int, fee_seeking: float):
        self.faction = faction
        self.hamlet = hamlet
        self.fee_seeking = fee_seeking


class ReferenceModel(mesa.Model):
    """Residents as Mesa agents; one step = every resident draws its needs and decides, in random order.

    Covers the baseline (no policy is switched on in the reference).
    """

    def __init__(self, params, officials: list[list[OfficialSeat]], dist_kecamatan_km: list[float],
                 dist_regency_km: list[float], rng=None):
        super().__init__(rng=rng)
        self.p = params
        self.affinity = faction_affinity(params.rival_camp_aversion).tolist()
        self.officials = officials
        self.dist_kecamatan_km = dist_kecamatan_km
        self.dist_regency_km = dist_regency_km

    def step(self) -> None:
        self.agents.shuffle_do("step")

    def decide(self) -> None:
        """Only the decision for the needs already pending (for the agreement test)."""
        self.agents.shuffle_do("decide")

    @classmethod
    def from_array_model(cls, model, rng=None) -> ReferenceModel:
        """Agents with the households' state, pending needs and contacts of ``model``."""
        g = model.geography
        per = model.officials_state.per_village
        o = model.officials_state
        officials = [[OfficialSeat(int(o.faction[v * per + s]), int(o.hamlet[s]), float(o.fee_seeking[v * per + s]))
                      for s in range(per)] for v in range(model.n_villages)]
        ref = cls(model.p, officials, [float(x) for x in g.dist_kecamatan_km],
                  [float(x) for x in model.regency_km_now], rng=rng)
        ref.steps = model.steps
        r = model.residents
        ties = model.current_ties()
        residents = [
            Resident(ref, int(r.village[i]), int(r.hamlet[i]), float(r.dist_local_km[i]), float(r.literacy[i]),
                     float(r.confidence[i]), float(r.income_rupiah[i]), int(r.faction[i]), bool(r.activated[i]),
                     [float(x) for x in ties[i]], int(r.last_channel[i]))
            for i in range(r.n)
        ]
        for i, resident in enumerate(residents):
            resident.contacts = [residents[j] for j in r.contacts[i]]
        pending = model.world.needs
        for household, service, arrival in zip(pending.household, pending.service, pending.arrival):
            residents[household].needs.append((int(service), int(arrival)))
        return ref


def reference_population(n: int, seed: int = 0) -> ReferenceModel:
    """A Bangbayang-like village of ``n`` households as reference agents (for the benchmark)."""
    from sim.model import ClientelismModel

    return ReferenceModel.from_array_model(ClientelismModel(rng=seed, n_households=n), rng=seed)
