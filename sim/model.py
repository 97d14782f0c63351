"""Clientelism in village public service delivery (Desa Bangbayang, Kab. Brebes).

After the finding of a study of Desa Bangbayang (see ``docs/ODD.md``): residents
who find services hard to reach entrust their paperwork to village officials
for a fee, and the repeated exchange becomes a patron–client tie.

Each step is one week:

1. Policies switch on at their start week (pemekaran, digital training,
   simplification, enforcement, mobile service).
2. Needs arrive: each household needs documents of each service type at a
   yearly rate.
3. Every pending need is handled by a channel chosen by a logit rule
   comparing costs and chances: in person, online, entrust to an official,
   outside broker, or defer.
4. Needs are resolved: self-service succeeds or is rejected (and beliefs
   update); officials take entrusted cases up to capacity, loyal clients
   first, for a fee that depends on the resident's alternative; each exchange
   strengthens the tie and erodes the resident's own confidence; deferred needs
   wait and are abandoned after a while.
5. Literacy spreads through neighbour and kin contacts; training adds to it.
6. Every fourth week officials adapt their fee-seeking to demand, peers and
   sanctions.
7. Outcomes are measured and collected.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents import Official
from sim.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.geography import build as build_geography
from sim.outcomes import ALL_OUTCOME_NAMES, GROUP_DIMENSIONS, WINDOW_WEEKS, group_name
from sim.params import TrackedParams
from sim.population import (FACTION_AFFINITY, LOCK_FOREVER, NO_OFFICIAL, build_officials, build_residents,
                            lock_expiry)
from sim.scenarios import STEPS_PER_YEAR, effective_policy, resolve_params
from sim.services import (N_CHANNELS, OFFICE_WAIT_HOURS, SERVICE_BROKER, SERVICE_COMPLEXITY, SERVICE_OFFICE,
                          SERVICE_ONLINE, SERVICE_RATE, SERVICE_VISITS, Channel, Office)

WORK_HOURS_PER_MONTH = 176.0   # 22 days of 8 hours: values time at the household's hourly income
OWN_KADUS_BONUS = 0.3          # preference for one's own hamlet head when picking an official (assumption)
PICK_NOISE = 0.1               # idiosyncratic noise in that pick (uniform 0..PICK_NOISE; assumption)
FEE_ROUNDING_RUPIAH = 5_000    # fees are asked in round amounts
WALKING_KM = 2.0               # beyond this a trip needs paid transport (assumption)

# Columns of the per-step counters kept for the trailing window.
_C_RESOLVED, _C_COMPLETED, _C_ABANDONED, _C_ENTRUSTED, _C_BROKER, _C_ONLINE, _C_REPEAT, _C_REPEAT_ELIG, \
    _C_FEES, _C_OFFICIAL_FEES, _C_IN_PERSON = range(11)
_N_FLOW = 11
_DIMS = GROUP_DIMENSIONS
# Byte c of a packed counter counts contacts whose last need went through channel
# c (in person, online, entrust, broker); index = last_channel + 1. At most 255
# contacts (network_degree is at most 30).
_PACKED_CHANNEL = np.array([0, 1, 1 << 8, 1 << 16, 1 << 24, 0], dtype=np.uint32)
# Per dimension and quartile: shortfall sum, resolved count, brokered count, completed count.
_G_SHORT, _G_RESOLVED, _G_BROKERED, _G_COMPLETED = range(4)


def gumbel(rng: np.random.Generator, shape) -> np.ndarray:
    """Standard Gumbel draws (single precision: the logit choice needs no more)."""
    u = rng.random(shape, dtype=np.float32)
    with np.errstate(divide="ignore"):
        return -np.log(-np.log(u))


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
        scenario: scenario name (see ``sim.scenarios.SCENARIOS``).
        policy: ``none``, a lever name or levers joined by ``+``; intensity parameters may switch further
            levers on or off, and ``policy_name`` says which are on.
        rng: seed (int) or numpy Generator; every random draw uses it.
        **params: any registry parameter (``docs/parameters.md``), overriding
            the scenario and policy values.
    """

    def __init__(self, scenario: str = "bangbayang", policy: str = "none", rng=None, **params):
        super().__init__(rng=_seed_value(rng))
        self.scenario_name = scenario
        self.seed = self._seed
        self.p = TrackedParams(resolve_params(scenario, policy, params))
        p = self.p
        # Labelled by what it runs: the levers switched on, whether by the policy's name or by intensities.
        self.policy_name = effective_policy(p.as_dict())

        # The villages (one for a village scenario, 297 for the regency), then
        # their officials, then the households of every village.
        self.geography = build_geography(scenario, self.rng, p)
        self._distances_from_params = scenario not in GEOGRAPHIES
        self.n_villages = self.geography.n_villages
        seats = build_officials(self.rng, p, self.n_villages)
        self.n_officials = int(seats.village.size)
        self.officials_per_village = p.n_hamlets + p.n_office_staff
        self.officials: list[Official] = [
            Official(self, i, int(seats.village[i]), int(seats.slot[i]), int(seats.hamlet[i]),
                     int(seats.faction[i]), float(seats.fee_seeking[i]))
            for i in range(self.n_officials)
        ]
        self.official_village = seats.village
        self.official_faction = seats.faction.reshape(self.n_villages, self.officials_per_village)
        self.official_hamlet = seats.hamlet[:self.officials_per_village]   # the same slots in every village
        self.fee_seeking_now = seats.fee_seeking.copy()                   # refreshed when officials adapt
        self.official_cases_month = np.zeros(self.n_officials, dtype=np.int64)
        self.official_earnings_month = np.zeros(self.n_officials)
        self.official_complaints_month = np.zeros(self.n_officials, dtype=np.int64)
        self.official_earnings_total = np.zeros(self.n_officials)
        self.tie_decay_per_step = p.tie_decay_per_year / STEPS_PER_YEAR
        self.residents = build_residents(self.rng, p, self.geography, self.officials_per_village,
                                         self.tie_decay_per_step)
        self.n_households = self.residents.n
        self._build_pick_tables()

        # Pending needs, one entry per need: household, service, arrival step, costs so far.
        self.need_household = np.zeros(0, dtype=np.int32)
        self.need_service = np.zeros(0, dtype=np.int8)
        self.need_arrival = np.zeros(0, dtype=np.int32)
        self.need_cost = np.zeros(0, dtype=np.float64)

        # Trailing-window counters per village (a ring buffer of WINDOW_WEEKS rows).
        self._flow = np.zeros((WINDOW_WEEKS, self.n_villages, _N_FLOW))
        self._groups = np.zeros((WINDOW_WEEKS, len(_DIMS), 4, 4))
        self.fees_paid: list[np.ndarray] = []   # every fee asked by officials, rupiah (for calibration checks)
        self.broker_fees_paid: list[np.ndarray] = []

        # Policy state, refreshed each step by update_policies().
        g = self.geography
        self.regency_km_now = g.dist_regency_km.copy()   # per village
        self._remote_km = np.stack([np.zeros(self.n_villages), g.dist_kecamatan_km, self.regency_km_now], axis=1)
        self.complexity_reduction = 0.0
        self.mobile_visit = False
        self.detection_prob_now = p.detection_prob
        self.complaint_multiplier = 1.0
        # What each village's officials see of their peers (per village).
        self.peer_fee_seeking = np.zeros(self.n_villages)
        self.peer_earnings_month = np.zeros(self.n_villages)
        self.peer_sanctioned_last_month = np.zeros(self.n_villages, dtype=bool)

        for name in ALL_OUTCOME_NAMES:
            setattr(self, name, float("nan"))
        self.datacollector = mesa.DataCollector(
            model_reporters={"step": "steps", **{name: name for name in ALL_OUTCOME_NAMES}})

    def _build_pick_tables(self) -> None:
        """Tables indexed by (village, faction, hamlet) giving, for each official slot of the village, the
        faction affinity and the own-hamlet-head bonus (one gather per need instead of several)."""
        r = self.residents
        n_f, n_h = 3, self.p.n_hamlets
        v, f, h = np.meshgrid(np.arange(self.n_villages), np.arange(n_f), np.arange(n_h), indexing="ij")
        v, f, h = v.ravel(), f.ravel(), h.ravel()
        self._affinity_table = FACTION_AFFINITY[f[:, None], self.official_faction[v]]          # (keys, per)
        self._own_table = (OWN_KADUS_BONUS * (self.official_hamlet[None, :] == h[:, None])).astype(np.float32)
        self._pick_table_trust = None
        r.pick_key = ((r.village.astype(np.int32) * n_f + r.faction) * n_h + r.hamlet).astype(np.int32)
        self._quartile_code = (r.literacy_quartile.astype(np.uint8) * 16 + r.distance_quartile.astype(np.uint8) * 4
                               + r.income_quartile.astype(np.uint8))

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """One week."""
        self.update_policies()
        self.arrive_needs()
        channel, official, fee, broker_fee, attempt_cost, p_self, p_online = self.choose_channels()
        self.resolve_needs(channel, official, fee, broker_fee, attempt_cost, p_self, p_online)
        self.learn_socially()
        self.train_residents()
        if self.steps % 4 == 0:
            self.officials_adapt()
        self.measure()
        self.datacollector.collect(self)

    # ------------------------------------------------------------ phase 1
    def _lever(self, name: str) -> float:
        """Intensity of a lever this week (0 before its start week)."""
        p = self.p
        intensity = getattr(p, f"{name}_intensity")
        return intensity if self.steps >= max(getattr(p, f"{name}_start_step"), 1) else 0.0

    @property
    def regency_distance_km(self) -> float:
        """Road km from the (first) village to the regency seat this week."""
        return float(self.regency_km_now[0])

    def update_policies(self) -> None:
        p = self.p
        g = self.geography
        if self._distances_from_params:   # one village: its distances may change during a run
            g.dist_kecamatan_km[0], g.dist_regency_km[0], g.dist_new_seat_km[0] = (
                p.dist_kecamatan_km, p.dist_regency_km, p.dist_new_seat_km)
            self._remote_km[0, Office.KECAMATAN] = p.dist_kecamatan_km
        move = self._lever("pemekaran")
        self.regency_km_now = g.dist_regency_km - move * (g.dist_regency_km - g.dist_new_seat_km)
        self._remote_km[:, Office.REGENCY] = self.regency_km_now
        self.complexity_reduction = self._lever("simplification") * p.simplification_max_reduction
        enforcement = self._lever("enforcement")
        self.complaint_multiplier = 1.0 + p.enforcement_complaint_boost * enforcement
        self.detection_prob_now = p.detection_prob + (1 - p.detection_prob) * p.enforcement_detection_boost * enforcement
        visit_share = self._lever("mobile_service")
        self.mobile_visit = bool(visit_share > 0 and self.rng.random() < visit_share)

    # ------------------------------------------------------------ phase 2
    def arrive_needs(self) -> None:
        """New needs: a Poisson-like number per service type, spread over households."""
        p = self.p
        weekly = np.minimum(SERVICE_RATE * p.need_rate_multiplier / STEPS_PER_YEAR, 1.0)
        counts = self.rng.binomial(self.n_households, weekly)
        total = int(counts.sum())
        if total == 0:
            return
        households = self.rng.integers(0, self.n_households, total, dtype=np.int32)
        services = np.repeat(np.arange(len(counts), dtype=np.int8), counts)
        # The same (household, service) pairs in household order: the per-need
        # lookups into household arrays then walk memory forwards.
        order = np.argsort(households, kind="stable")
        households, services = households[order], services[order]
        self.need_household = np.concatenate((self.need_household, households))
        self.need_service = np.concatenate((self.need_service, services))
        self.need_arrival = np.concatenate((self.need_arrival, np.full(total, self.steps, dtype=np.int32)))
        self.need_cost = np.concatenate((self.need_cost, np.zeros(total)))

    # ------------------------------------------------------------ phase 3
    def current_ties(self, households: np.ndarray | None = None) -> np.ndarray:
        """Tie strengths now (ties decay exponentially since their last exchange)."""
        r = self.residents
        shift = np.float32(self.tie_decay_per_step * self.steps)
        if households is None:
            return np.exp(r.tie_log - shift)
        ties = np.take(r.tie_log, households, axis=0)   # a copy: decay and exponentiate it in place
        ties -= shift
        return np.exp(ties, out=ties)

    def trip_cost(self, households: np.ndarray, office: np.ndarray) -> np.ndarray:
        """Rupiah cost of one round trip to an office: fares plus the value of the time spent."""
        p = self.p
        r = self.residents
        local = r.dist_local_km.take(households).astype(np.float64)
        if self.n_villages == 1:
            remote = self._remote_km[0, office]
        else:
            remote = self._remote_km[r.village.take(households), office]
        if self.mobile_visit:  # the registry is at the village office this week
            remote = np.where(office == Office.REGENCY, 0.0, remote)
        hours = 2 * (local / p.local_speed_kmh + remote / p.travel_speed_kmh) + OFFICE_WAIT_HOURS[office]
        wage = r.income_rupiah.take(households) / WORK_HOURS_PER_MONTH
        # Inside the village an ojek (paid in full only beyond walking distance); beyond it a bus.
        fixed = p.trip_fixed_rupiah * np.minimum(local / WALKING_KM, 1.0)
        fares = fixed + p.local_fare_per_km_rupiah * local + p.travel_cost_per_km_rupiah * remote
        return 2 * fares + hours * wage

    def choose_channels(self):
        """Logit choice of a channel for every pending need (Gumbel-max draw)."""
        p = self.p
        r = self.residents
        i = self.need_household
        s = self.need_service
        k = i.shape[0]
        if k == 0:
            e = np.zeros(0)
            return np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int64), e, e, e, e, e
        # Household attributes of each need (np.take: the fastest gather for these index arrays).
        income = r.income_rupiah.take(i).astype(np.float64)
        literacy = r.literacy.take(i).astype(np.float64)
        confidence = r.confidence.take(i)
        skill = 0.5 * (literacy + confidence)
        office = SERVICE_OFFICE[s]
        red = self.complexity_reduction
        complexity = SERVICE_COMPLEXITY[s] * (1 - red)
        visits = 1 + (SERVICE_VISITS[s] - 1) * (1 - red)
        trip = self.trip_cost(i, office)

        # In person: every visit costs a trip; rejections mean starting again. The
        # household judges its chance by its confidence (a belief); the real chance
        # depends on its skill, half literacy and half procedural know-how.
        p_self = np.clip(1 - complexity * (1.3 - 1.2 * skill), 0.05, 0.98)
        p_believed = np.clip(1 - complexity * (1.3 - 1.2 * confidence), 0.05, 0.98)
        cost_self = visits * trip / p_believed
        # Online: needs literacy, and a first activation at the registry (or its mobile visit).
        online_ok = SERVICE_ONLINE[s] & (literacy >= p.online_min_literacy)
        p_online = np.clip(1 - complexity * (1.3 - 1.2 * literacy), 0.05, 0.98)
        cost_online = p.online_cost_rupiah / p_online + self.activation_cost(i, online_ok)
        # Entrust: the household picks an official (tie, faction, own hamlet head).
        ties = self.current_ties(i)
        village = r.village.take(i)
        key = r.pick_key.take(i)          # (village, faction, hamlet): what the pick's fixed part depends on
        score = ties + self.pick_table()[key] + PICK_NOISE * self.rng.random(ties.shape, dtype=np.float32)
        official = np.argmax(score, axis=1)
        rows = np.arange(k)
        tie_o = ties[rows, official].astype(np.float64)
        aff_o = self._affinity_table[key, official].astype(np.float64)
        loyal = (tie_o >= p.lockin_tie_threshold) & (aff_o >= 0)
        fee = self.official_fee(village.astype(np.int64) * self.officials_per_village + official, cost_self, income,
                                loyal)
        # Outside broker (calo): priced on the same saved cost, no tie, an open bribe.
        broker_ok = SERVICE_BROKER[s]
        broker_fee = self.round_fee(p.broker_levy_rupiah + p.broker_capture_share * cost_self)

        cs = p.cost_sensitivity
        u = np.empty((k, N_CHANNELS))
        u[:, Channel.IN_PERSON] = -cs * cost_self / income - p.rejection_aversion * (1 - p_believed)
        u[:, Channel.ONLINE] = np.where(
            online_ok,
            -cs * cost_online / income - p.rejection_aversion * (1 - p_online) - p.online_aversion * (1 - red),
            -np.inf)
        u[:, Channel.ENTRUST] = (-cs * fee / income - p.moral_cost_entrust
                                 + p.trust_weight * (tie_o + p.faction_trust * aff_o) + p.favour_value * loyal)
        u[:, Channel.BROKER] = np.where(broker_ok, -cs * broker_fee / income - p.moral_cost_broker, -np.inf)
        u[:, Channel.DEFER] = -p.defer_cost_per_week * (1 + self.steps - self.need_arrival)
        # Imitation: the share of contacts whose last need went through each channel.
        # Each contact's channel becomes one byte of a packed counter, so the
        # counts of all four channels are one sum over the contacts.
        seen = _PACKED_CHANNEL.take(r.last_channel.take(np.take(r.contacts, i, axis=0)) + 1)
        degree = seen.shape[1]
        packed = seen[:, 0].copy()
        for j in range(1, degree):
            packed += seen[:, j]
        weight = p.imitation_weight / degree
        for c in range(Channel.DEFER):
            u[:, c] += weight * ((packed >> np.uint32(8 * c)) & np.uint32(255))
        u += gumbel(self.rng, u.shape)
        channel = np.argmax(u, axis=1).astype(np.int8)
        return channel, official, fee, broker_fee, visits * trip, p_self, p_online

    def activation_cost(self, households: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Cost of activating the online account (a trip to the registry) where needed, 0 elsewhere."""
        cost = np.zeros(households.shape[0])
        todo = np.nonzero(where & ~self.residents.activated[households])[0]
        if todo.size:
            cost[todo] = self.trip_cost(households[todo], np.full(todo.size, Office.REGENCY, dtype=np.int8))
        return cost

    def pick_table(self) -> np.ndarray:
        """Fixed part of the score of each official in a household's pick, by ``Residents.pick_key``:
        faction trust (+ same camp, - rival camp) and the bonus for one's own hamlet head."""
        trust = self.p.faction_trust
        if self._pick_table_trust != trust:
            self._pick_table = (trust * self._affinity_table + self._own_table).astype(np.float32)
            self._pick_table_trust = trust
        return self._pick_table

    def round_fee(self, fee: np.ndarray) -> np.ndarray:
        return np.round(fee / FEE_ROUNDING_RUPIAH) * FEE_ROUNDING_RUPIAH

    def official_fee(self, official: np.ndarray, saved_cost: np.ndarray, income: np.ndarray,
                     loyal: np.ndarray) -> np.ndarray:
        """Fee an official (global index) asks: price discrimination on the household's alternative.

        A share of the cost the household saves, plus the basic levy, scaled by
        the official's fee-seeking, capped by what the household can pay, with
        a discount for loyal clients. Zero for a fully dutiful official.
        """
        p = self.p
        fee_seeking = self.fee_seeking_now[official]
        fee = fee_seeking * (p.levy_rupiah + p.fee_capture_share * saved_cost)
        fee = np.minimum(fee, p.fee_income_cap * income)
        fee = fee * np.where(loyal, 1 - p.loyal_fee_discount, 1.0)
        return self.round_fee(fee)

    # ------------------------------------------------------------ phase 4
    def resolve_needs(self, channel, official, fee, broker_fee, attempt_cost, p_self, p_online) -> None:
        p = self.p
        r = self.residents
        t = self.steps
        i = self.need_household
        k = i.shape[0]
        if k == 0:
            return
        done = np.zeros(k, dtype=bool)
        cost = self.need_cost

        # In person: one attempt of all visits; a rejection means trying again later.
        go = channel == Channel.IN_PERSON
        if go.any():
            success = self.rng.random(k) < p_self
            self._self_service(go, success, i, cost, attempt_cost, done, Channel.IN_PERSON)

        # Online: activate if needed, then apply.
        web = channel == Channel.ONLINE
        if web.any():
            cost[web] += self.activation_cost(i, web)[web] + p.online_cost_rupiah
            r.activated[i[web]] = True
            success = self.rng.random(k) < p_online
            self._self_service(web, success, i, cost, np.zeros(k), done, Channel.ONLINE)
            learnt = web & success
            li = i[learnt]
            r.literacy[li] += p.practice_literacy_gain * (1 - r.literacy[li])

        # Entrust: officials take cases up to capacity, highest-priority clients first.
        ent = np.nonzero(channel == Channel.ENTRUST)[0]
        if ent.size:
            self._entrust(ent, official[ent], fee[ent], cost, done)

        # Outside broker: always completes, for a higher fee and no tie.
        bro = channel == Channel.BROKER
        if bro.any():
            bi = i[bro]
            cost[bro] += broker_fee[bro]
            r.confidence[bi] *= (1 - p.deskilling_rate)
            r.last_channel[bi] = Channel.BROKER
            done[bro] = True
            self.broker_fees_paid.append(broker_fee[bro])
            self._tally(_C_BROKER, bi)
            self._tally(_C_FEES, bi, broker_fee[bro])

        # Every need not completed waits. A deferred need may lapse (the occasion passes);
        # any need waiting too long is abandoned. Both are unmet needs.
        lapsed = (channel == Channel.DEFER) & (self.rng.random(k) < p.lapse_prob_per_week)
        abandoned = ~done & (lapsed | (t - self.need_arrival + 1 >= p.abandon_after_weeks))
        self._record_resolved(done, abandoned, channel)
        r.last_channel[i[abandoned]] = Channel.DEFER   # what neighbours and the map see: an unmet need
        keep = ~(done | abandoned)
        self.need_household = self.need_household[keep]
        self.need_service = self.need_service[keep]
        self.need_arrival = self.need_arrival[keep]
        self.need_cost = self.need_cost[keep]

    def _self_service(self, chosen, success, i, cost, attempt_cost, done, channel) -> None:
        """Outcome of a self-service attempt and what the household learns from it."""
        p = self.p
        r = self.residents
        cost[chosen] += attempt_cost[chosen]
        ok = chosen & success
        bad = chosen & ~success
        oi, bi = i[ok], i[bad]
        r.confidence[oi] += p.confidence_gain * (1 - r.confidence[oi])
        r.confidence[bi] *= (1 - p.confidence_loss)
        r.last_channel[i[chosen]] = channel
        done[ok] = True
        self._tally(_C_ONLINE if channel == Channel.ONLINE else _C_IN_PERSON, oi)

    def _entrust(self, ent, official, fee, cost, done) -> None:
        """Officials handle entrusted cases: fees, ties, the dependence loop and complaints."""
        p = self.p
        r = self.residents
        t = self.steps
        hh = self.need_household[ent]
        per = self.officials_per_village
        ties = np.exp(r.tie_log.ravel().take(hh.astype(np.int64) * per + official)
                      - np.float32(self.tie_decay_per_step * t)).astype(np.float64)
        village = r.village[hh].astype(np.int64)
        affinity = self._affinity_table[r.pick_key[hh], official]
        whom = village * self.officials_per_village + official     # the official's global index
        # Loyal clients of the official's camp come first (favours); the rest in random order.
        priority = ties + p.faction_trust * affinity + 1e-3 * self.rng.random(ent.size)
        # Sorted by official, highest priority first: priority lies within ±(1 + faction_trust + 0.001),
        # so one key whose official part steps by more than that range sorts both at once.
        order = np.argsort(whom * (4.0 + 2.0 * p.faction_trust) - priority, kind="stable")
        sorted_off = whom[order]
        first = np.searchsorted(sorted_off, sorted_off, side="left")
        rank = np.empty(ent.size, dtype=np.int64)
        rank[order] = np.arange(ent.size) - first
        accepted = rank < p.official_capacity_per_week
        a_idx = ent[accepted]
        a_hh = hh[accepted]
        a_off = official[accepted]
        a_whom = whom[accepted]
        a_fee = fee[accepted]
        a_tie = ties[accepted]
        done[a_idx] = True
        cost[a_idx] += a_fee
        if a_idx.size == 0:
            return
        # Repeated exchange: same official as the household's previous one?
        had = r.last_official[a_hh] != NO_OFFICIAL
        repeat = had & (r.last_official[a_hh] == a_off)
        new_tie = a_tie + p.tie_gain * (1 - a_tie)
        r.tie_log[a_hh, a_off] = np.log(new_tie) + self.tie_decay_per_step * t
        r.last_official[a_hh] = a_off
        r.lock_until[a_hh] = np.maximum(
            r.lock_until[a_hh], lock_expiry(new_tie, t, p.lockin_tie_threshold, self.tie_decay_per_step))
        r.confidence[a_hh] *= (1 - p.deskilling_rate)   # the dependence loop: no practice
        r.last_channel[a_hh] = Channel.ENTRUST
        # Complaints: fee payers complain, less so the more they depend on the official.
        complain = self.rng.random(a_idx.size) < np.minimum(
            p.complaint_prob * self.complaint_multiplier * (1 - new_tie), 1.0) * (a_fee > 0)
        n = self.n_officials
        earnings = np.bincount(a_whom, weights=a_fee, minlength=n)
        self.official_cases_month += np.bincount(a_whom, minlength=n)
        self.official_earnings_month += earnings
        self.official_earnings_total += earnings
        self.official_complaints_month += np.bincount(a_whom[complain], minlength=n)
        self.fees_paid.append(a_fee)
        self._tally(_C_ENTRUSTED, a_hh)
        self._tally(_C_REPEAT, a_hh[repeat])
        self._tally(_C_REPEAT_ELIG, a_hh[had])
        self._tally(_C_FEES, a_hh, a_fee)
        self._tally(_C_OFFICIAL_FEES, a_hh, a_fee)

    def _tally(self, column: int, households: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add this week's count (or sum of ``weights``) for ``households`` to their villages' counters."""
        row = self._flow[self.steps % WINDOW_WEEKS]
        if self.n_villages == 1:
            row[0, column] += households.size if weights is None else float(np.sum(weights))
        else:
            row[:, column] += np.bincount(self.residents.village[households], weights=weights,
                                          minlength=self.n_villages)

    def _record_resolved(self, done, abandoned, channel) -> None:
        """Add this week's completed and abandoned needs to the window counters."""
        p = self.p
        r = self.residents
        t = self.steps
        resolved = done | abandoned
        i = self.need_household
        self._tally(_C_RESOLVED, i[resolved])
        self._tally(_C_COMPLETED, i[done])
        self._tally(_C_ABANDONED, i[abandoned])
        if not resolved.any():
            return
        hh = i[resolved]
        income = r.income_rupiah[hh].astype(np.float64)
        delay = (t - self.need_arrival[resolved] + 1) / p.abandon_after_weeks
        shortfall = np.where(abandoned[resolved], 1.0,
                             np.minimum(self.need_cost[resolved] / income + delay, 1.0))
        brokered = done[resolved] & ((channel[resolved] == Channel.ENTRUST) | (channel[resolved] == Channel.BROKER))
        completed = done[resolved]
        g = self._groups[t % WINDOW_WEEKS]
        # One count per cell of literacy x distance x income quartiles, then each dimension's margins.
        code = self._quartile_code[hh]
        for stat, weights in ((_G_SHORT, shortfall), (_G_RESOLVED, None), (_G_BROKERED, brokered),
                              (_G_COMPLETED, completed)):
            cells = np.bincount(code, weights=weights, minlength=64).reshape(4, 4, 4)
            g[0, :, stat] += cells.sum(axis=(1, 2))
            g[1, :, stat] += cells.sum(axis=(0, 2))
            g[2, :, stat] += cells.sum(axis=(0, 1))

    # ------------------------------------------------------------ phase 5
    def learn_socially(self) -> None:
        """A few households each week learn from a more literate contact."""
        p = self.p
        r = self.residents
        m = int(self.rng.binomial(self.n_households, p.contact_rate_per_week))
        if m == 0:
            return
        learner = self.rng.integers(0, self.n_households, m)
        degree = r.contacts.shape[1]
        teacher = r.contacts.ravel().take(learner * degree + self.rng.integers(0, degree, m))
        gap = r.literacy.take(teacher) - r.literacy.take(learner)
        r.literacy[learner] += p.peer_learning_rate * np.maximum(gap, 0)

    def train_residents(self) -> None:
        """Digital training: a share of households a year, random or least literate first.

        Training also helps activate the online account (as outreach does) for
        trainees who reach the literacy the online channel needs.
        """
        p = self.p
        share = self._lever("digital_training")
        if share <= 0:
            return
        r = self.residents
        m = int(self.rng.binomial(self.n_households, min(share / STEPS_PER_YEAR, 1.0)))
        if m == 0:
            return
        if p.training_targeted:
            pool = self.rng.integers(0, self.n_households, 4 * m)
            trainee = pool[np.argsort(r.literacy[pool], kind="stable")[:m]]
        else:
            trainee = self.rng.integers(0, self.n_households, m)
        gain = p.training_literacy_gain
        r.literacy[trainee] += gain * (1 - r.literacy[trainee])
        r.confidence[trainee] += gain * (1 - r.confidence[trainee])
        ready = trainee[r.literacy[trainee] >= p.online_min_literacy]
        r.activated[ready] = True

    # ------------------------------------------------------------ phase 6
    def officials_adapt(self) -> None:
        """Monthly: every official adapts, seeing its own village's peers as they were before."""
        shape = (self.n_villages, self.officials_per_village)
        self.peer_fee_seeking = self.fee_seeking_now.reshape(shape).mean(axis=1)
        self.peer_earnings_month = self.official_earnings_month.reshape(shape).mean(axis=1)
        self.agents_by_type[Official].do("adapt")
        self.fee_seeking_now = np.array([o.fee_seeking for o in self.officials])
        sanctioned = np.array([o.last_sanctioned for o in self.officials]).reshape(shape)
        self.peer_sanctioned_last_month = sanctioned.any(axis=1)
        self.official_cases_month[:] = 0
        self.official_earnings_month[:] = 0.0
        self.official_complaints_month[:] = 0

    # ------------------------------------------------------------ phase 7
    def measure(self) -> None:
        """Outcomes over the trailing window (see ``sim.outcomes``)."""
        r = self.residents
        t = self.steps
        weeks = min(t, WINDOW_WEEKS)
        self._village_window = self._flow.sum(axis=0)   # (villages, counters)
        f = self._village_window.sum(axis=0)
        g = self._groups.sum(axis=0)
        # Clear the row the next step will fill.
        self._flow[(t + 1) % WINDOW_WEEKS] = 0
        self._groups[(t + 1) % WINDOW_WEEKS] = 0

        def ratio(a, b):
            return float(a / b) if b > 0 else float("nan")

        self.brokered_share = ratio(f[_C_ENTRUSTED] + f[_C_BROKER], f[_C_COMPLETED])
        self.patron_lockin_share = np.count_nonzero(r.lock_until >= t) / self.n_households
        self.repeat_patron_rate = ratio(f[_C_REPEAT], f[_C_REPEAT_ELIG])
        mean_short = np.divide(g[:, :, _G_SHORT], g[:, :, _G_RESOLVED],
                               out=np.full((3, 4), np.nan), where=g[:, :, _G_RESOLVED] > 0)
        self.access_gap_literacy = float(mean_short[0, 0] - mean_short[0, 3])
        self.access_gap_distance = float(mean_short[1, 3] - mean_short[1, 0])
        self.access_gap_income = float(mean_short[2, 0] - mean_short[2, 3])
        self.unmet_share = ratio(f[_C_ABANDONED], f[_C_RESOLVED])
        per_year = STEPS_PER_YEAR / weeks
        self.fees_per_household_rupiah = float(f[_C_FEES] * per_year / self.n_households)
        self.official_earnings_rupiah = float(f[_C_OFFICIAL_FEES] * per_year / self.n_officials)
        self.online_share = ratio(f[_C_ONLINE], f[_C_COMPLETED])
        self.mean_literacy = float(r.literacy.mean(dtype=np.float64))
        self.in_person_share = ratio(f[_C_IN_PERSON], f[_C_COMPLETED])
        self.online_activated_share = np.count_nonzero(r.activated) / self.n_households
        self.mean_fee_seeking = float(self.fee_seeking_now.mean())
        self._group_window = g

    def village_table(self):
        """Outcomes per village over the trailing window, with the counts they are ratios of.

        Counts are additive: summed over villages (or a kecamatan's villages)
        and divided as in ``measure``, they give the regency (or kecamatan)
        outcomes; ``sim.outcomes.area_outcomes`` does exactly that.
        """
        import pandas as pd

        from sim.outcomes import area_outcomes

        g = self.geography
        r = self.residents
        v = self.n_villages
        weeks = min(self.steps, WINDOW_WEEKS)
        f = self._village_window if self.steps else np.zeros((v, _N_FLOW))
        counts = {
            "households": g.households.astype(np.int64),
            "officials": np.full(v, self.officials_per_village, dtype=np.int64),
            "resolved": f[:, _C_RESOLVED], "completed": f[:, _C_COMPLETED], "abandoned": f[:, _C_ABANDONED],
            "entrusted": f[:, _C_ENTRUSTED], "broker": f[:, _C_BROKER], "online": f[:, _C_ONLINE],
            "in_person": f[:, _C_IN_PERSON], "repeat": f[:, _C_REPEAT], "repeat_eligible": f[:, _C_REPEAT_ELIG],
            "fees_rupiah": f[:, _C_FEES], "official_fees_rupiah": f[:, _C_OFFICIAL_FEES],
            "locked_in": np.bincount(r.village, weights=r.lock_until >= self.steps, minlength=v),
            "activated": np.bincount(r.village, weights=r.activated, minlength=v),
            "literacy_sum": np.bincount(r.village, weights=r.literacy, minlength=v),
            "fee_seeking_sum": self.fee_seeking_now.reshape(v, self.officials_per_village).sum(axis=1),
        }
        table = pd.DataFrame({
            "village": np.arange(v), "village_name": list(g.village_names),
            "kecamatan": [g.kecamatan_names[k] for k in g.kecamatan], "kelurahan": g.kelurahan,
            "x_km": g.x_km, "y_km": g.y_km, "dist_kecamatan_km": g.dist_kecamatan_km,
            "dist_regency_km": self.regency_km_now.copy(), **counts})
        outcomes = area_outcomes(table, weeks)
        return pd.concat([table, outcomes], axis=1)

    def kecamatan_table(self, villages=None):
        """Outcomes per kecamatan: the village counts summed, then the same ratios.

        ``villages``: this model's ``village_table()``, if already at hand.
        """
        import pandas as pd

        from sim.outcomes import AREA_COUNTS, area_outcomes

        if villages is None:
            villages = self.village_table()
        g = self.geography
        k = len(g.kecamatan_names)
        present = np.unique(g.kecamatan)   # in kecamatan order
        sums = {name: np.bincount(g.kecamatan, weights=villages[name].to_numpy(dtype=float), minlength=k)[present]
                for name in AREA_COUNTS}
        sums["households"] = sums["households"].astype(np.int64)
        sums["officials"] = sums["officials"].astype(np.int64)
        table = pd.DataFrame({"kecamatan": [g.kecamatan_names[i] for i in present],
                              "villages": np.bincount(g.kecamatan, minlength=k)[present], **sums})
        return pd.concat([table, area_outcomes(table, min(self.steps, WINDOW_WEEKS))], axis=1)

    def group_brokered_share(self, dimension: str) -> np.ndarray:
        """Brokered share of completed needs per quartile of ``dimension`` (array index 0..3 = quartiles 1..4)
        over the trailing window."""
        g = self._group_window[_DIMS.index(dimension)]
        with np.errstate(invalid="ignore", divide="ignore"):
            return g[:, _G_BROKERED] / g[:, _G_COMPLETED]

    def set_parameter(self, name: str, value) -> None:
        """Change a parameter during a run (e.g. a lever swept by a hysteresis experiment).

        Only parameters the model reads while stepping can change; those that
        shape the initial village (``INIT_ONLY``) raise ConfigError.
        """
        from sim.errors import ConfigError
        from sim.registry import INIT_ONLY, validate

        if name in INIT_ONLY:
            raise ConfigError(name, value, "a parameter that can change during a run (not one of "
                              + ", ".join(sorted(INIT_ONLY)) + ")")
        if name in PER_VILLAGE_PARAMS and not self._distances_from_params:
            raise ConfigError(name, value, f"only in a one-village scenario (bangbayang); in {self.scenario_name} "
                              "every village's distances come from its geography (docs/brebes.md)")
        values = self.p.as_dict()
        values.update(validate({name: value}))
        validate(values)
        self.p = TrackedParams(values, read=self.p.read)

    def group_outcomes(self) -> dict[str, float]:
        """Brokered share and mean access shortfall per quartile of literacy, distance and income."""
        g = self._group_window
        out: dict[str, float] = {}
        with np.errstate(invalid="ignore", divide="ignore"):
            for d, dim in enumerate(_DIMS):
                brokered = g[d, :, _G_BROKERED] / g[d, :, _G_COMPLETED]
                shortfall = g[d, :, _G_SHORT] / g[d, :, _G_RESOLVED]
                for q in range(4):   # quartile index 0..3, named 1..4
                    out[group_name("brokered_share", dim, q + 1)] = float(brokered[q])
                    out[group_name("shortfall", dim, q + 1)] = float(shortfall[q])
        return out

    def parameters(self) -> dict[str, object]:
        """The parameter values this run used, as recorded with its results. In a scenario of several villages
        the one-village distances do not apply (each village has its own, in ``village_table``) and are left out."""
        values = self.p.as_dict()
        if not self._distances_from_params:
            for name in PER_VILLAGE_PARAMS:
                values.pop(name, None)
        return values

    def outcomes(self) -> dict[str, float]:
        """Current values of every outcome."""
        return {name: getattr(self, name) for name in ALL_OUTCOME_NAMES}


__all__ = ["ClientelismModel", "Official", "LOCK_FOREVER"]
