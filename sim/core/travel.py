"""What a trip to an office costs a household (ODD 7.3, "costs"): fares plus the value of the time spent.

Inside the village a household walks up to ``walking_km`` and takes an ojek beyond it (a fixed fare in full
only from that distance, plus a fare per km); beyond the village it takes a bus (per km). Time is travel at
village and outside speeds plus the wait at the office, valued at the household's hourly income. In a week
the mobile registry visits, the regency office is at the village office.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.services import Office

if TYPE_CHECKING:
    from sim.core.policies import PolicyState
    from sim.core.population import Residents
    from sim.params.values import TrackedParams


class TravelCosts:
    """Trip costs of one week (the distances to the regency seat depend on the policies)."""

    def __init__(self, residents: Residents, p: TrackedParams, policy: PolicyState):
        self.r = residents
        self.p = p
        self.remote_km = policy.remote_km
        self.mobile_visit = policy.mobile_visit
        # Hours spent at each office per visit (queues, opening hours), in Office order.
        self.wait_hours = np.array([p.wait_hours_village, p.wait_hours_kecamatan, p.wait_hours_regency])
        self.one_village = policy.remote_km.shape[0] == 1

    def trip(self, households: np.ndarray, office: np.ndarray) -> np.ndarray:
        """Rupiah cost of one round trip of each household (index array) to an office (one per household). A visit
        to the civil registry is made at its desk in the kecamatan office in ``registry_at_kecamatan_share`` of
        cases (recording, family cards, applications), else at the regency office: its cost is that mix."""
        at_registry = office == Office.REGENCY
        cost = self._trip(households, office)
        share = self.p.registry_at_kecamatan_share
        if share > 0 and not self.mobile_visit and at_registry.any():   # a mobile visit brings the registry itself
            rows = np.nonzero(at_registry)[0]
            kecamatan = self._trip(households.take(rows), np.full(rows.size, Office.KECAMATAN, dtype=office.dtype))
            cost[rows] = share * kecamatan + (1 - share) * cost[rows]
        return cost

    def _trip(self, households: np.ndarray, office: np.ndarray) -> np.ndarray:
        """Rupiah cost of one round trip of each household to the office itself."""
        p = self.p
        r = self.r
        local = r.dist_local_km.take(households).astype(np.float64)
        if self.one_village:
            remote = self.remote_km[0, office]
        else:
            remote = self.remote_km[r.village.take(households), office]
        if self.mobile_visit:   # the registry is at the village office this week
            remote = np.where(office == Office.REGENCY, 0.0, remote)
        hours = 2 * (local / p.local_speed_kmh + remote / p.travel_speed_kmh) + self.wait_hours[office]
        wage = r.income_rupiah.take(households) / p.work_hours_per_month
        # Inside the village an ojek (paid in full only beyond walking distance); beyond it a bus.
        fixed = p.trip_fixed_rupiah * np.minimum(local / p.walking_km, 1.0)
        fares = fixed + p.local_fare_per_km_rupiah * local + p.travel_cost_per_km_rupiah * remote
        return 2 * fares + hours * wage

    def trips(self, households: np.ndarray) -> np.ndarray:
        """Rupiah cost of one round trip of each household (index array) to each office (households × offices, in
        ``Office`` order), a registry visit being the mix of its kecamatan desk and the regency office as in
        ``trip``; the same numbers as ``trip``, computed at once."""
        p = self.p
        r = self.r
        local = r.dist_local_km.take(households).astype(np.float64)
        if self.one_village:
            remote = np.broadcast_to(self.remote_km[0], (households.shape[0], len(Office))).copy()
        else:
            remote = self.remote_km.take(r.village.take(households), axis=0)
        if self.mobile_visit:   # the registry is at the village office this week
            remote[:, Office.REGENCY] = 0.0
        wage = (r.income_rupiah.take(households) / p.work_hours_per_month).astype(np.float64)
        fixed = p.trip_fixed_rupiah * np.minimum(local / p.walking_km, 1.0)
        local_fares = fixed + p.local_fare_per_km_rupiah * local
        local_hours = 2 * (local / p.local_speed_kmh)
        hours = local_hours[:, None] + 2 * (remote / p.travel_speed_kmh) + self.wait_hours
        cost = 2 * (local_fares[:, None] + p.travel_cost_per_km_rupiah * remote) + hours * wage[:, None]
        share = p.registry_at_kecamatan_share
        if share > 0 and not self.mobile_visit:
            cost[:, Office.REGENCY] = share * cost[:, Office.KECAMATAN] + (1 - share) * cost[:, Office.REGENCY]
        return cost

    def activation(self, households: np.ndarray, is_needed: np.ndarray) -> np.ndarray:
        """Cost of activating the online account (a trip to the regency office) where ``is_needed`` holds and
        the household has not activated it yet; 0 elsewhere."""
        cost = np.zeros(households.shape[0])
        todo = np.nonzero(is_needed & ~self.r.activated[households])[0]
        if todo.size:
            cost[todo] = self.trip(households[todo], np.full(todo.size, Office.REGENCY, dtype=np.int8))
        return cost
