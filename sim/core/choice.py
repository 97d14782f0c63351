"""Channel choice (ODD 7.3): how a household handles each pending need this week.

Every pending need gets a bounded-rational (logit) choice between going in person, going online (only with
enough literacy; a first activation at the registry), entrusting it to an official (titip), paying an
outside broker (calo), or deferring it. Each channel's utility weighs its cost against the household's
income, its chance of success as the household believes it, moral costs, trust in the official and favours to
loyal clients, plus what the household's contacts did last (imitation); the choice is a Gumbel-max draw, i.e.
a multinomial logit.

To entrust a need the household first picks an official of its village: the one with the highest score of
tie strength, faction affinity (its camp's officials attract, the rival camp's repel), a bonus for its own
hamlet head, and a little noise.

The functions here only compute: they change no state (the draws advance the generator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.core import gatekeeping
from sim.core.draws import Site
from sim.core.officials import round_fee
from sim.core.population import FACTION_NAMES, faction_affinity
from sim.core.services import (
    N_CHANNELS,
    SERVICE_BROKER,
    SERVICE_CODES,
    SERVICE_COMPLEXITY,
    SERVICE_OFFICE,
    SERVICE_ONLINE,
    SERVICE_VISITS,
    Channel,
    Office,
)

if TYPE_CHECKING:
    from sim.core.officials import Officials
    from sim.core.population import Residents
    from sim.core.week import Week
    from sim.params.values import TrackedParams

# Byte c of a packed counter counts contacts whose last need went through channel c (in person, online,
# entrust, broker); index = last_channel + 1 (-1: no need yet). At most 255 contacts (network_degree <= 30).
_PACKED_CHANNEL = np.array([0, 1, 1 << 8, 1 << 16, 1 << 24, 0], dtype=np.uint32)


class Choice(NamedTuple):
    """The choice for each free pending need (index = entry; ``needs``: the pending need each entry is for)."""

    needs: np.ndarray          # int64, index of the pending need
    channel: np.ndarray        # int8, a Channel
    official: np.ndarray       # int64, slot of the picked official in the household's village
    price: np.ndarray          # rupiah that official asks if he asks a fee (he does with his fee-seeking)
    fee: np.ndarray            # rupiah the household expects to pay him: his fee-seeking times the price
    broker_fee: np.ndarray     # rupiah an outside broker asks
    broker_trip: np.ndarray    # rupiah of the trip to the office where the broker waits
    attempt_cost: np.ndarray   # rupiah of one in-person attempt (every visit's trip)
    presence_trip: np.ndarray  # rupiah of the trip the person must make anyway (e-KTP recording), else 0
    p_self: np.ndarray         # chance an in-person attempt succeeds
    p_online: np.ndarray       # chance an online application succeeds

    @classmethod
    def none(cls) -> Choice:
        """No free need this week."""
        e = np.zeros(0)
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int64), e, e, e,
                   e, e, e, e, e)


def success_probability(complexity: np.ndarray, skill: np.ndarray, p: TrackedParams) -> np.ndarray:
    """The success curve: the chance that an application of ``complexity`` succeeds for a given skill."""
    return np.clip(1 - complexity * (p.success_base - p.success_skill_slope * skill), p.success_min, p.success_max)


def gumbel(u: np.ndarray) -> np.ndarray:
    """Standard Gumbel draws from uniform ones ``u`` (single precision: the logit choice needs no more)."""
    with np.errstate(divide="ignore"):
        return -np.log(-np.log(u))


class OfficialPick:
    """The fixed part of a household's pick of an official: faction affinity and the own-hamlet-head bonus for
    each official slot of its village, one table row per (village, faction, hamlet) of households."""

    def __init__(self, residents: Residents, officials: Officials, p: TrackedParams):
        n_f, n_h = len(FACTION_NAMES), p.n_hamlets
        n_v = officials.n_villages
        v, f, h = np.meshgrid(np.arange(n_v), np.arange(n_f), np.arange(n_h), indexing="ij")
        v, f, h = v.ravel(), f.ravel(), h.ravel()
        official_faction = officials.by_village(officials.faction)
        hamlet_of_slot = officials.hamlet[:officials.per_village]           # the same slots in every village
        affinity = faction_affinity(p.rival_camp_aversion)
        self.affinity = affinity[f[:, None], official_faction[v]]     # (keys, slots): +1, 0 or -aversion
        self._own = (p.own_hamlet_head_bonus * (hamlet_of_slot[None, :] == h[:, None])).astype(np.float32)
        self.key = ((residents.village.astype(np.int32) * n_f + residents.faction) * n_h
                    + residents.hamlet).astype(np.int32)                      # each household's table row
        self._trust = None
        self._table = None

    def table(self, faction_trust: float) -> np.ndarray:
        """Faction trust times affinity plus the own-hamlet-head bonus (recomputed when the trust changes)."""
        if self._trust != faction_trust:
            self._table = (faction_trust * self.affinity + self._own).astype(np.float32)
            self._trust = faction_trust
        return self._table


def choose(week: Week, free: np.ndarray) -> Choice:
    """The logit choice of a channel for the pending needs ``free`` (an index array: those neither in hand nor
    blocked), and the official each would entrust it to; the online channel only once it has launched."""
    w = week.world
    p, draws, step = week.p, week.draws, week.t
    needs, r, officials, pick, travel = w.needs, w.residents, w.officials, w.pick, week.travel
    k = free.shape[0]
    if k == 0:
        return Choice.none()
    i = needs.household.take(free)
    s = needs.service.take(free)
    keys = needs.key.take(free)
    # Household attributes of each need (np.take: the fastest gather for these index arrays).
    income = r.income_rupiah.take(i).astype(np.float64)
    literacy = r.literacy.take(i).astype(np.float64)
    confidence = r.confidence.take(i)
    skill = p.skill_literacy_weight * literacy + (1 - p.skill_literacy_weight) * confidence
    office = SERVICE_OFFICE[s]
    red = week.policy.complexity_reduction
    complexity = SERVICE_COMPLEXITY[s] * p.complexity_multiplier * (1 - red)
    visits = 1 + (SERVICE_VISITS[s] - 1) * (1 - red)
    trips = travel.trips(i)                            # to every office, (needs × offices)
    rows = np.arange(k)
    trip = trips[rows, office]

    # In person: every visit costs a trip; rejections mean starting again. The chance depends on the household's
    # skill, its literacy (forms, queue numbers and the registry's own applications are digital) and its
    # know-how (confidence), and the household judges it by the same. Where the village office stands in the way,
    # its staff coach the resident or slow-walk and withhold their letter, as far as they deviate from their duty
    # (``sim.core.gatekeeping``).
    g = gatekeeping.gate(i, s, r, officials, w.politics.salience, p)
    passes = gatekeeping.passes(g, p)
    p_self = success_probability(complexity, gatekeeping.coached(skill, g, p), p) * passes
    attempt_cost = visits * trip + gatekeeping.extra_visits(g, p) * trips[:, Office.VILLAGE]
    cost_self = attempt_cost / p_self
    # A first e-KTP is recorded in person (photograph, fingerprints, iris, signature) at the kecamatan office,
    # whoever handles the rest: an official or a broker spares the household every visit but that one.
    first_ktp = (s == SERVICE_CODES.ktp) & (w.documents.ktp.take(i) < w.documents.adults.take(i))
    presence_trip = np.where(first_ktp, trips[:, Office.KECAMATAN], 0.0)
    # Online: needs literacy, and a first activation at the registry (or its mobile visit).
    can_go_online = SERVICE_ONLINE[s] & (literacy >= p.online_min_literacy) & week.online_open
    p_online = success_probability(complexity, literacy, p)
    activation = np.where(can_go_online & ~r.activated.take(i), trips[:, Office.REGENCY], 0.0)
    cost_online = p.online_cost_rupiah / p_online + activation
    # Entrust: the household picks an official (tie, faction, own hamlet head, noise). He asks a fee with a chance
    # equal to his fee-seeking (else he does it free, as his duty), priced on what the household saves.
    ties = w.ties.current(step, i)
    village = r.village.take(i)
    key = pick.key.take(i)
    score = ties + pick.table(p.faction_trust)[key] + p.official_pick_noise * draws.uniform32(
        Site.PICK_NOISE, keys, parts=ties.shape[1])
    official = np.argmax(score, axis=1)
    tie_o = ties[rows, official].astype(np.float64)
    affinity_o = pick.affinity[key, official].astype(np.float64)
    is_loyal = (tie_o >= p.lockin_tie_threshold) & (affinity_o >= 0)
    whom = village.astype(np.int64) * officials.per_village + official
    price = officials.price(cost_self, income, is_loyal, p)
    fee = officials.fee_seeking.take(whom) * price
    # Outside broker (calo): waits at the office that issues the document; for his fee (priced on the same saved
    # cost) he spares the household the queue, the rejections and the further visits, with no tie: an open bribe.
    can_use_broker = SERVICE_BROKER[s]
    broker_fee = np.maximum(round_fee(p.broker_levy_rupiah + p.broker_capture_share * cost_self,
                                      p.fee_rounding_rupiah), p.fee_rounding_rupiah)   # a broker never works free
    broker_trip = trip

    cs = p.cost_sensitivity
    # Each week until the document is in hand costs a pressing need's household as much as a week's wait; a need
    # that does not press costs nothing while it waits, and is worth the document's value when met.
    urgency = p.defer_cost_per_week * needs.urgent.take(free)
    value = p.document_value
    u = np.empty((k, N_CHANNELS))
    u[:, Channel.IN_PERSON] = (value - cs * cost_self / income - p.rejection_aversion * (1 - p_self)
                               - urgency / p_self)
    u[:, Channel.ONLINE] = np.where(
        can_go_online,
        value - cs * cost_online / income - p.rejection_aversion * (1 - p_online) - p.online_aversion * (1 - red)
        - urgency * p.online_weeks / p_online,
        -np.inf)
    u[:, Channel.ENTRUST] = (value - cs * (fee + presence_trip) / income - p.moral_cost_entrust
                             - urgency * p.entrusted_weeks
                             + p.trust_weight * (tie_o + p.faction_trust * affinity_o) + p.favour_value * is_loyal)
    u[:, Channel.BROKER] = np.where(can_use_broker, value - cs * (broker_fee + broker_trip + presence_trip) / income
                                    - p.moral_cost_broker - urgency * p.broker_weeks, -np.inf)
    u[:, Channel.DEFER] = -urgency * needs.weeks_waited(step).take(free)
    # Imitation: the share of contacts whose last need went through each channel. Each contact's channel
    # becomes one byte of a packed counter, so the counts of all four channels are one sum over the contacts.
    seen = _PACKED_CHANNEL.take(r.last_channel.take(np.take(r.contacts, i, axis=0)) + 1)
    degree = seen.shape[1]
    packed = seen[:, 0].copy()
    for j in range(1, degree):
        packed += seen[:, j]
    weight = p.imitation_weight / degree
    for c in range(Channel.DEFER):
        u[:, c] += weight * ((packed >> np.uint32(8 * c)) & np.uint32(255))
    u += gumbel(draws.uniform32(Site.CHANNEL_TASTE, keys, parts=N_CHANNELS))
    channel = np.argmax(u, axis=1).astype(np.int8)
    return Choice(free.astype(np.int64), channel, official, price, fee, broker_fee, broker_trip, attempt_cost,
                  presence_trip, p_self, p_online)
