"""The village office as gatekeeper (ODD 7.3, "the gate"): what officials' duty or its neglect does to a
resident's own attempt.

Village documents are the office's own product, and the kecamatan's and most of the regency's documents start
with a covering letter from it (surat pengantar). Perpres 96/2018 dropped that letter from the civil
registry's requirements (KTP, KK, birth certificate, moving letter); residents still take the registry's forms
to the village office in a share of cases (``adminduk_gate_share``). Where the office stands between a
resident and his document, how far its staff deviate from their duty (tupoksi) decides what they do:

* fee-seeking staff slow-walk the letter (``gate_delay_visits`` extra trips to the office at full fee-seeking)
  and withhold it ("a document is missing, come back": the attempt fails with ``gate_refusal_prob`` at full
  fee-seeking), which makes the self-service route dearer and less sure, and so the fee they can ask for taking
  the case off the resident's hands larger;
* dutiful staff coach the resident instead (what to bring, how to fill in the forms): his skill and his belief
  in success both rise by ``coaching_gain`` of the gap, at full duty.

The office's deviation is the mean fee-seeking of its staff (the hamlet heads where a village has none), so
every sanction and every change of staff moves the gate. Residents of the camp out of power face a harder
gate while the last contested election is fresh (``opposition_gate_penalty`` times its salience; see
``sim.core.elections``). Online applications and outside brokers bypass the gate; an official who takes the
case is the office.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.core.population import FORMER
from sim.core.services import SERVICE_OFFICE, Office

if TYPE_CHECKING:
    from sim.core.officials import Officials
    from sim.core.population import Residents
    from sim.params.values import TrackedParams


class Gate(NamedTuple):
    """What the gate does to each pending need's own attempt (index = need)."""

    exposure: np.ndarray    # 0-1: how far the need passes through the village office
    deviation: np.ndarray   # 0-1: the office's deviation from duty as this household meets it


def exposure(services: np.ndarray, p: TrackedParams) -> np.ndarray:
    """Per need: 1 for village and kecamatan documents, ``adminduk_gate_share`` for the civil registry's."""
    return np.where(SERVICE_OFFICE[services] == Office.REGENCY, p.adminduk_gate_share, 1.0)


def office_deviation(officials: Officials, n_hamlets: int) -> np.ndarray:
    """Per village: the mean fee-seeking of the office staff (of the hamlet heads where there are no staff)."""
    fs = officials.by_village(officials.fee_seeking)
    staff = fs[:, n_hamlets:] if officials.per_village > n_hamlets else fs
    return staff.mean(axis=1)


def gate(households: np.ndarray, services: np.ndarray, residents: Residents, officials: Officials,
         salience: np.ndarray, p: TrackedParams) -> Gate:
    """The gate each need meets: its exposure, and the deviation of its village's office, harder for the
    opposition while the last contest is salient."""
    r = residents
    village = r.village.take(households)
    deviation = office_deviation(officials, p.n_hamlets)[village]
    is_opposition = r.faction.take(households) == FORMER
    deviation = np.minimum(deviation + p.opposition_gate_penalty * salience[village] * is_opposition, 1.0)
    return Gate(exposure(services, p), deviation)


def coached(skill: np.ndarray, g: Gate, p: TrackedParams) -> np.ndarray:
    """Skill (or belief) after a dutiful office's coaching: up by ``coaching_gain`` of the gap at full duty."""
    return skill + p.coaching_gain * g.exposure * (1.0 - g.deviation) * (1.0 - skill)


def passes(g: Gate, p: TrackedParams) -> np.ndarray:
    """Chance the office does not withhold its letter."""
    return 1.0 - p.gate_refusal_prob * g.exposure * g.deviation


def extra_visits(g: Gate, p: TrackedParams) -> np.ndarray:
    """Extra trips to the village office a slow-walked letter costs."""
    return p.gate_delay_visits * g.exposure * g.deviation
