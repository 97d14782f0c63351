"""The one parameter registry.

Every model parameter is declared here once: type, default, bounds, unit,
labels in English and Bahasa Indonesia, role and provenance. Validation
(:func:`validate`), the Hydra schema (:mod:`sim.params.schema`), the parameter table
in ``docs/parameters.md`` (``python -m sim.params.registry``) and the visualizer's
controls all derive from this table.

Roles follow the EMA Workbench vocabulary:

* ``uncertainty`` — a behavioural or setting value nobody knows precisely;
  sensitivity analysis samples it over its plausible range;
* ``lever`` — a policy instrument a decision maker sets;
* ``constant`` — a fixed property of the scenario or of how outcomes are measured.

Defaults are the Bangbayang values; scenarios override some of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.errors import ConfigError, UnknownNameError, close_names

Role = Literal["uncertainty", "lever", "constant"]

ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Param:
    """Declaration of one model parameter."""

    name: str
    type: type
    default: float | int | bool
    low: float | None
    high: float | None
    unit: str
    label_en: str
    label_id: str
    role: Role
    source: str = ASSUMPTION
    plausible: tuple[float, float] | None = None
    group: str = "general"
    note: str = ""
    lever: str | None = None   # the policy lever this parameter belongs to (its intensity, start, design)

    @property
    def sourced(self) -> bool:
        """Whether the value has a source (else it is an assumption)."""
        return self.source != ASSUMPTION

    @property
    def sweep_range(self) -> tuple[float, float]:
        """Range sampled by sensitivity analysis: the plausible range, else the bounds."""
        if self.plausible is not None:
            return self.plausible
        return (self.low, self.high)  # type: ignore[return-value]

    def allowed(self) -> str:
        """What values are allowed, in words (for error messages)."""
        kind = {int: "an integer", float: "a number", bool: "true or false"}[self.type]
        if self.type is bool:
            return kind
        return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)}"

    def check(self, value: object) -> float | int | bool:
        """Return ``value`` converted to this parameter's type, or raise ConfigError."""
        v = _coerce(self, value)
        if self.type is not bool:
            if not math.isfinite(v) or (self.low is not None and v < self.low) or (
                self.high is not None and v > self.high
            ):
                raise ConfigError(self.name, value, self.allowed())
        return v


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"


def _coerce(p: Param, value: object) -> float | int | bool:
    if p.type is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ConfigError(p.name, value, p.allowed())
    if isinstance(value, bool):
        raise ConfigError(p.name, value, p.allowed())
    if p.type is int:
        if isinstance(value, (int,)) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
            return int(value)  # type: ignore[arg-type]
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.replace("_", ""))
            except ValueError:
                pass
        raise ConfigError(p.name, value, p.allowed())
    # float
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    if isinstance(value, str):
        try:
            return float(value.replace("_", ""))
        except ValueError:
            pass
    raise ConfigError(p.name, value, p.allowed())


def _p(name, type_, default, low, high, unit, en, id_, role, source=ASSUMPTION, plausible=None, group="general",
       note="", lever=None):
    return Param(name, type_, default, low, high, unit, en, id_, role, source, plausible, group, note, lever)


# A step of the model is one week; a year is this many steps (every yearly rate is divided by it).
WEEKS_PER_YEAR = 52

POLICY_NAMES = ("pemekaran", "digital_training", "simplification", "enforcement", "mobile_service")

U, L, C = "uncertainty", "lever", "constant"

_PARAMS: list[Param] = [
    # --- run ---------------------------------------------------------------------
    _p("spinup_weeks", int, 520, 0, 5_200, "weeks", "Spin-up before week 0 (no policy, not reported)",
       "Masa pemanasan sebelum minggu 0 (tanpa kebijakan, tidak dilaporkan)", C, group="run",
       note="long enough for ties, confidence and officials' fees to settle, so that a run without policy shows "
            "no trend in dependence (tested: within ±1 point a decade)"),
    # --- village and geography -------------------------------------------------
    _p("n_households", int, 2200, 10, 5_000_000, "households", "Households", "Rumah tangga", C,
       "more than 7,800 people (bangbayang-brebes.pemda.biz village profile, an unofficial aggregator of BPS and "
       "press data, about 2024; weak source) at about 3.5 persons a household ≈ 2,200 households (assumption)",
       group="village"),
    _p("n_hamlets", int, 6, 1, 60, "hamlets", "Hamlets (dusun)", "Dusun", C,
       plausible=(4, 10), group="village"),
    _p("hamlet_radius_km", float, 2.5, 0.0, 30.0, "km", "Spread of hamlets around the village office",
       "Sebaran dusun dari balai desa", U, plausible=(1.0, 4.0), group="village"),
    _p("hamlet_scatter_km", float, 0.3, 0.01, 5.0, "km", "Spread of houses within a hamlet",
       "Sebaran rumah dalam dusun", C, plausible=(0.1, 0.6), group="village"),
    _p("dist_kecamatan_km", float, 2.0, 0.0, 200.0, "km", "Distance to the kecamatan office",
       "Jarak ke kantor kecamatan", C, "about 2 km west of the Bantarkawung seat (a Bangbayang resident's account "
                                       "citing the village's Buku Potensi Desa, Scribd, about 2021; weak source)",
       group="village"),
    _p("dist_regency_km", float, 74.0, 0.0, 400.0, "km", "Distance to the regency seat (Brebes)",
       "Jarak ke pusat kabupaten (Brebes)", C, "about 74 km south of Brebes town (the same account, Scribd, about "
                                               "2021; weak source); it agrees with Bumiayu's 55 km (Indonesian "
                                               "Wikipedia) plus the road on to Bantarkawung", group="village",
       note="distance and registration: +25 km to a registry office raises unregistered births by 4 pp "
            "(Bolivia) to 12 pp (Dominican Republic) (Inter-American Development Bank, Travelling the Distance, "
            "2012); the model gives +5.8 pp per 25 km without intermediaries and +0.7 with them "
            "(docs/distance.md)"),
    _p("dist_new_seat_km", float, 15.0, 0.0, 400.0, "km", "Distance to the new seat after pemekaran (Bumiayu)",
       "Jarak ke pusat kabupaten baru (Bumiayu)", U, plausible=(10.0, 20.0), group="village"),
    _p("hamlet_angle_jitter", float, 0.3, 0.0, 0.5, "turns", "Irregularity of hamlet directions",
       "Ketidakteraturan arah dusun", U, plausible=(0.1, 0.4), group="village",
       note="each hamlet's direction from the office is off its regular spacing by up to this share"),
    _p("hamlet_radius_min_share", float, 0.4, 0.0, 1.0, "share", "Nearest hamlet distance, share of the spread",
       "Jarak dusun terdekat, porsi sebaran", U, plausible=(0.2, 0.6), group="village",
       note="hamlets lie between this share of hamlet_radius_km and all of it from the office"),
    _p("hamlet_size_spread", float, 0.5, 0.0, 0.99, "share", "Differences in hamlet size",
       "Perbedaan ukuran dusun", U, plausible=(0.3, 0.7), group="village",
       note="hamlet sizes are proportional to uniform weights of 1 ± this"),
    # --- residents ---------------------------------------------------------------
    _p("literacy_mean", float, 0.30, 0.01, 0.99, "0-1", "Mean digital literacy", "Rata-rata literasi digital", U,
       plausible=(0.2, 0.45), group="residents",
       note="the Central Java index, ≈ 3.6 of 5 (Kominfo/Katadata 2022), surveys internet users only and "
            "overstates villages"),
    _p("literacy_sd", float, 0.18, 0.01, 0.45, "0-1", "Spread of digital literacy", "Sebaran literasi digital", U,
       plausible=(0.12, 0.25), group="residents"),
    _p("income_median_rupiah", float, 2_000_000.0, 100_000.0, 100_000_000.0, "Rp/month",
       "Median household income", "Median pendapatan rumah tangga", U, plausible=(1_500_000.0, 2_500_000.0),
       group="residents"),
    _p("income_sigma", float, 0.6, 0.05, 2.0, "log Rp", "Income inequality (log-normal sigma)",
       "Ketimpangan pendapatan (sigma log-normal)", U, plausible=(0.4, 0.8), group="residents"),
    _p("literacy_income_corr", float, 0.4, -0.9, 0.9, "-", "Correlation of literacy and income",
       "Korelasi literasi dan pendapatan", U, plausible=(0.2, 0.6), group="residents"),
    _p("remoteness_disadvantage", float, 0.3, 0.0, 2.0, "sd per sd",
       "Lower literacy and income in remote hamlets", "Literasi dan pendapatan lebih rendah di dusun terpencil", U,
       plausible=(0.0, 0.5), group="residents"),
    _p("urban_advantage_sd", float, 0.45, 0.0, 2.0, "sd", "Higher literacy and income in an urban kelurahan",
       "Literasi dan pendapatan lebih tinggi di kelurahan (perkotaan)", C,
       "derived: Central Java, 2019: monthly spending per person Rp 1,081,327 in towns against Rp 825,060 in "
       "villages (BPS; Solopos, 21 January 2022), log ratio 0.27, i.e. 0.45 sd of log income at income_sigma 0.6; "
       "literacy is taken to be raised as much", group="residents"),
    _p("init_literacy_min", float, 0.01, 0.0, 0.5, "0-1", "Lowest initial literacy", "Literasi awal terendah", C,
       group="residents", note="nobody starts with no skill at all"),
    _p("init_literacy_max", float, 0.99, 0.5, 1.0, "0-1", "Highest initial literacy", "Literasi awal tertinggi", C,
       group="residents", note="nobody starts with every skill"),
    _p("confidence_noise_sd", float, 0.1, 0.0, 1.0, "0-1", "Spread of initial confidence around literacy",
       "Sebaran percaya diri awal di sekitar literasi", U, plausible=(0.05, 0.2), group="residents"),
    _p("faction_current_share", float, 0.45, 0.0, 1.0, "share", "Households aligned with the current leadership",
       "Rumah tangga pendukung kepala desa sekarang", U, plausible=(0.3, 0.6), group="residents"),
    _p("faction_former_share", float, 0.35, 0.0, 1.0, "share", "Households aligned with the former leadership",
       "Rumah tangga pendukung kepala desa lama", U, plausible=(0.2, 0.45), group="residents"),
    _p("network_degree", int, 6, 1, 30, "contacts", "Neighbour and kin contacts per household",
       "Kontak tetangga dan kerabat per rumah tangga", U, plausible=(4, 10), group="residents"),
    _p("network_cross_hamlet_share", float, 0.15, 0.0, 1.0, "share", "Share of contacts in other hamlets",
       "Porsi kontak di dusun lain", U, plausible=(0.05, 0.3), group="residents"),
    _p("init_patron_share", float, 0.55, 0.0, 1.0, "share", "Households with a patron at the start",
       "Rumah tangga yang sudah punya patron di awal", U, plausible=(0.35, 0.7), group="residents"),
    _p("init_tie_strength", float, 0.6, 0.0, 1.0, "0-1", "Strength of those initial ties",
       "Kekuatan ikatan awal", U, plausible=(0.45, 0.75), group="residents"),
    _p("init_tie_jitter", float, 0.2, 0.0, 0.9, "share", "Variation of the initial ties' strength",
       "Variasi kekuatan ikatan awal", U, plausible=(0.1, 0.3), group="residents",
       note="each initial tie is init_tie_strength × uniform(1 ± this)"),
    _p("init_patron_own_head_share", float, 0.7, 0.0, 1.0, "share", "Initial patrons who are the own hamlet head",
       "Patron awal yang kepala dusunnya sendiri", U, plausible=(0.5, 0.9), group="residents",
       note="the others are any official of the village"),
    _p("init_activated_share", float, 0.1, 0.0, 1.0, "share",
       "Literate households activating the digital ID at its launch", "Rumah tangga melek digital yang mengaktifkan "
       "IKD saat diluncurkan", U, plausible=(0.03, 0.2), group="residents",
       note="early adopters (civil servants, teachers, students) among households literate enough for the online "
            "channel; uptake of 1-4% of residents 1-2 years after launch "
            "in neighbouring regencies is a target: Kab. Tegal 3.1% of KTP holders (Disdukcapil Kab. Tegal, 23 "
            "September 2024), Purbalingga 1.9% (March 2023) and 3.8% (Radar Banyumas, 6 June 2024), Kab. Cirebon "
            "3.8% (Cireboners, 2 July 2024)"),
    _p("online_launch_week", int, 0, -5_200, 5_200, "week", "Week the digital ID and online channel launch",
       "Minggu peluncuran IKD dan layanan daring", C,
       "Identitas Kependudukan Digital launched nationally in 2022 (Permendagri 72/2022); week 0 is the start of "
       "the reported run", group="residents"),
    _p("need_rate_multiplier", float, 1.0, 0.0, 10.0, "x", "Multiplier on yearly need rates",
       "Pengali laju kebutuhan dokumen", U, plausible=(0.7, 1.4), group="residents"),
    # --- households, their documents and the events that create needs ------------------
    _p("persons_per_household", float, 3.55, 1.0, 10.0, "persons", "Persons per household",
       "Jiwa per rumah tangga", C, "Bangbayang: about 7,800 people (village profile, weak source) in about 2,200 "
       "households; Brebes: about 2.0 million people (BPS) in the regency's households", group="documents"),
    _p("adult_share", float, 0.75, 0.3, 0.95, "share", "Persons aged 17 or older (the e-KTP age)",
       "Penduduk berusia 17 tahun ke atas (wajib KTP)", C, "Brebes, 31 December 2018: 1,433,222 residents of "
       "e-KTP age of 1,904,749 registered (Detik, 31 December 2018; Detik, 29 November 2018)",
       group="documents"),
    _p("birth_rate_per_1000", float, 16.4, 0.0, 60.0, "per 1,000 persons/year", "Births per 1,000 persons a year",
       "Kelahiran per 1.000 penduduk per tahun", U, "derived: Brebes had 561,959 registered residents under 18 in "
       "February 2018 (Dukcapil, Radar Tegal, 23 February 2018), about 31,200 a year of age, in about 1.9 "
       "million; the national total fertility rate was 2.18 in 2020 (BPS, Long Form SP2020)",
       plausible=(14.0, 19.0), group="documents"),
    _p("death_rate_per_1000", float, 6.5, 0.0, 30.0, "per 1,000 persons/year", "Deaths per 1,000 persons a year",
       "Kematian per 1.000 penduduk per tahun", U, plausible=(5.0, 9.0), group="documents",
       note="about Indonesia's crude death rate before the pandemic; every death outdates the family card"),
    _p("marriage_rate_per_1000", float, 7.5, 0.0, 30.0, "per 1,000 persons/year",
       "Marriages per 1,000 persons a year", "Pernikahan per 1.000 penduduk per tahun", U, plausible=(5.0, 10.0),
       group="documents", note="about two million marriages a year in a population of about 270 million; each "
                               "needs a new family card and the spouse's e-KTP updated"),
    _p("move_rate_per_1000", float, 7.0, 0.0, 50.0, "per 1,000 persons/year", "Moves per 1,000 persons a year",
       "Pindah per 1.000 penduduk per tahun", U, "Kab. Serang, 2023: 12,904 residents moved out and 11,586 moved in "
       "of about 1.7 million, about 0.7% each way (Radar Banten, 9 January 2024); a neighbouring proxy",
       plausible=(4.0, 12.0), group="documents"),
    _p("ktp_replacement_rate_per_year", float, 0.02, 0.0, 0.5, "per holder/year", "Lost or damaged e-KTPs replaced",
       "KTP-el hilang atau rusak yang diganti", U, plausible=(0.005, 0.05), group="documents"),
    _p("ktp_at_17_share", float, 0.4, 0.0, 1.0, "share", "Young adults seeking the e-KTP when they turn 17",
       "Remaja yang mengurus KTP-el saat berusia 17 tahun", U, plausible=(0.2, 0.7), group="documents",
       note="Brebes, December 2023: 33,126 of 56,333 first-time voters (58.8%) had not recorded an e-KTP (Disdukcapil "
            "Brebes; Detik, 21 December 2023); the others seek it when a marriage, a move, an application or a "
            "catching up asks for it"),
    _p("birth_certificate_at_birth_share", float, 0.6, 0.0, 1.0, "share",
       "Births whose parents seek the certificate at once", "Kelahiran yang langsung diurus aktanya", U,
       plausible=(0.4, 0.9), group="documents",
       note="the others when the child enters school, which asks for it, or when the household catches up"),
    _p("awareness_slope", float, 4.0, 0.0, 20.0, "per unit of skill", "How much skill decides seeking a document "
       "early", "Pengaruh keterampilan pada mengurus dokumen lebih awal", U, plausible=(0.0, 6.0), group="documents",
       note="a household seeks a certificate at a birth, an e-KTP at 17 or a missing document with its chance times "
            "2 / (1 + exp(-this × (skill - 1/2))): 1 at middle skill, less below it. Low maternal education is a "
            "determinant of unregistered births (IDHS 2017); the size of the effect is an assumption"),
    _p("catch_up_rate_per_year", float, 0.1, 0.0, 2.0, "per household/year",
       "Households lacking a document that seek one without an occasion",
       "Rumah tangga yang belum memiliki dokumen dan mengurusnya tanpa keperluan", U,
       plausible=(0.02, 0.3), group="documents", note="awareness, a neighbour's example, a registration drive"),
    _p("assistance_eligible_share", float, 0.156, 0.0, 1.0, "share of households",
       "Households poor enough for social assistance", "Rumah tangga miskin yang berhak atas bansos", C,
       "Brebes, March 2024: 15.60% of residents below the poverty line (BPS; Databoks), the highest in Central "
       "Java; the poorest households by income", group="documents"),
    _p("assistance_apply_rate_per_year", float, 0.3, 0.0, 5.0, "per household/year",
       "Eligible households not enrolled who apply", "Rumah tangga berhak yang belum terdaftar dan mendaftar", U,
       plausible=(0.1, 0.6), group="documents", note="when the social-welfare register (DTKS) is updated"),
    _p("init_birth_certificate_share", float, 0.834, 0.0, 1.0, "share of children",
       "Children holding a birth certificate at the start", "Anak yang memiliki akta kelahiran di awal", C,
       "Brebes, 23 February 2018: 468,598 of 561,959 residents under 18 (83.39%; Dukcapil, Radar Tegal)",
       group="documents"),
    _p("init_ktp_share", float, 0.923, 0.0, 1.0, "share of adults", "Adults holding an e-KTP at the start",
       "Penduduk dewasa yang memiliki KTP-el di awal", C, "Brebes, 31 December 2018: 110,602 of 1,433,222 "
       "residents of e-KTP age not recorded (7.7%; Detik, 31 December 2018)", group="documents"),
    _p("init_kk_share", float, 0.95, 0.0, 1.0, "share of households", "Households with a current family card at "
       "the start", "Rumah tangga dengan KK yang mutakhir di awal", C, group="documents",
       note="no published figure was found"),
    _p("init_assistance_share", float, 0.8, 0.0, 1.0, "share of eligible households",
       "Eligible households enrolled in social assistance at the start",
       "Rumah tangga berhak yang terdaftar bansos di awal", C, group="documents",
       note="in January 2021, 83% of the social-welfare register's records matched a population number (KPK and "
            "Dukcapil; Republika, 15 January 2021)"),
    # --- channel choice ----------------------------------------------------------
    _p("document_value", float, 1.0, 0.0, 20.0, "utility", "Value of the document a need is for",
       "Nilai dokumen yang dibutuhkan", U, plausible=(0.5, 2.0), group="choice",
       note="what meeting a need is worth to its household, against each channel's costs; a need that does not "
            "press (a certificate at a birth, an e-KTP at 17, catching up) is let go when no channel is worth it"),
    _p("cost_sensitivity", float, 4.0, 0.0, 50.0, "utility per monthly income", "Sensitivity to cost",
       "Kepekaan terhadap biaya", U, plausible=(2.0, 8.0), group="choice"),
    _p("rejection_aversion", float, 1.0, 0.0, 20.0, "utility", "Aversion to being rejected",
       "Keengganan ditolak", U, plausible=(0.5, 2.0), group="choice"),
    _p("moral_cost_entrust", float, 0.8, 0.0, 10.0, "utility", "Moral cost of entrusting (titip)",
       "Biaya moral menitip", U, plausible=(0.2, 1.0), group="choice"),
    _p("moral_cost_broker", float, 1.0, 0.0, 10.0, "utility", "Moral cost of paying an outside broker (calo)",
       "Biaya moral memakai calo", U, plausible=(0.5, 2.0), group="choice"),
    _p("own_hamlet_head_bonus", float, 0.3, 0.0, 5.0, "utility", "Preference for one's own hamlet head (kadus)",
       "Preferensi pada kepala dusun sendiri", U, plausible=(0.1, 0.5), group="choice",
       note="in the pick of the official to entrust a need to"),
    _p("official_pick_noise", float, 0.1, 0.0, 5.0, "utility", "Idiosyncratic noise in picking an official",
       "Keacakan memilih perangkat", U, plausible=(0.05, 0.2), group="choice",
       note="uniform from 0 to this, added to each official's score"),
    _p("trust_weight", float, 0.7, 0.0, 20.0, "utility", "Weight of the tie with an official",
       "Bobot ikatan dengan perangkat", U, plausible=(0.5, 2.0), group="choice"),
    _p("favour_value", float, 0.3, 0.0, 10.0, "utility", "Value of favours to loyal clients",
       "Nilai balas budi bagi klien setia", U, plausible=(0.1, 0.6), group="choice"),
    _p("faction_trust", float, 0.3, 0.0, 5.0, "utility", "Trust bonus (penalty) for same (rival) faction",
       "Bonus (penalti) kepercayaan faksi sama (lawan)", U, plausible=(0.1, 0.6), group="choice"),
    _p("rival_camp_aversion", float, 1.0, 0.0, 3.0, "x", "Distrust of the rival camp's officials",
       "Ketidakpercayaan pada perangkat kubu lawan", U, plausible=(0.5, 1.5), group="choice",
       note="a household's affinity to an official of its own camp is +1 and to one of the rival camp minus this "
            "(neutral households: 0); faction_trust weighs both. 1: the rival camp repels as much as one's own "
            "attracts"),
    _p("imitation_weight", float, 0.3, 0.0, 20.0, "utility", "Weight of what neighbours did",
       "Bobot meniru tetangga", U, plausible=(0.2, 1.0), group="choice"),
    _p("online_aversion", float, 0.7, 0.0, 20.0, "utility", "Unfamiliarity cost of the online channel",
       "Keengganan layanan daring", U, plausible=(0.3, 1.5), group="choice"),
    _p("defer_cost_per_week", float, 0.05, 0.0, 10.0, "utility/week", "Urgency: cost of each week of waiting",
       "Biaya menunda per minggu", U, plausible=(0.02, 0.15), group="choice"),
    _p("lapse_prob_per_week", float, 0.1, 0.0, 1.0, "per week", "Chance a deferred need lapses that week",
       "Peluang kebutuhan yang ditunda batal per minggu", U, plausible=(0.02, 0.2), group="choice"),
    _p("abandon_after_weeks", int, 26, 1, 520, "weeks", "Weeks after which a deferred need is abandoned",
       "Minggu sebelum kebutuhan ditinggalkan", U, plausible=(12, 52), group="choice"),
    # --- self-service ------------------------------------------------------------
    _p("complexity_multiplier", float, 1.0, 0.1, 3.0, "x", "Procedural complexity (× every service's)",
       "Kerumitan prosedur (× tiap layanan)", U, plausible=(0.7, 1.3), group="self_service",
       note="scales the complexity (documents, rules, chance of rejection) of every service type in "
            "docs/parameters.md's service table; 1 is the table as it stands"),
    _p("online_min_literacy", float, 0.5, 0.0, 1.0, "0-1", "Literacy needed to use the online channel",
       "Literasi minimum layanan daring", U, plausible=(0.4, 0.6), group="self_service"),
    _p("online_cost_rupiah", float, 15_000.0, 0.0, 1_000_000.0, "Rp", "Cost of one online application",
       "Biaya satu pengajuan daring", U, plausible=(5_000.0, 30_000.0), group="self_service"),
    _p("trip_fixed_rupiah", float, 10_000.0, 0.0, 1_000_000.0, "Rp", "Fixed cost of a trip (ojek to the road)",
       "Biaya tetap perjalanan (ojek)", U, plausible=(5_000.0, 20_000.0), group="self_service"),
    _p("travel_cost_per_km_rupiah", float, 800.0, 0.0, 20_000.0, "Rp/km", "Bus fare per km beyond the village, one way",
       "Ongkos bus per km di luar desa sekali jalan", U, plausible=(500.0, 1_500.0), group="self_service"),
    _p("local_fare_per_km_rupiah", float, 3_000.0, 0.0, 50_000.0, "Rp/km",
       "Ojek fare per km inside the village, one way", "Ongkos ojek per km di dalam desa", U,
       plausible=(2_000.0, 5_000.0), group="self_service"),
    _p("local_speed_kmh", float, 15.0, 1.0, 60.0, "km/h", "Travel speed inside the village (hill roads)",
       "Kecepatan perjalanan di dalam desa", U, plausible=(10.0, 25.0), group="self_service"),
    _p("travel_speed_kmh", float, 30.0, 1.0, 120.0, "km/h", "Travel speed beyond the village",
       "Kecepatan perjalanan di luar desa", U, plausible=(20.0, 40.0), group="self_service"),
    _p("success_base", float, 1.3, 0.0, 3.0, "per complexity", "Failure per unit of complexity without skill",
       "Kegagalan per satuan kerumitan tanpa keterampilan", U, plausible=(1.2, 1.4), group="self_service",
       note="success curve: chance = clip(1 - complexity × (success_base - success_skill_slope × skill), "
            "success_min, success_max)"),
    _p("success_skill_slope", float, 1.2, 0.0, 3.0, "per complexity", "Failure avoided by full skill",
       "Kegagalan yang dihindari keterampilan penuh", U, plausible=(1.0, 1.3), group="self_service"),
    _p("skill_literacy_weight", float, 0.5, 0.0, 1.0, "share", "Weight of literacy in paperwork skill",
       "Bobot literasi dalam keterampilan mengurus dokumen", U, plausible=(0.3, 0.7), group="self_service",
       note="a household's real skill at its own attempt is this share of its digital literacy plus the rest of "
            "its confidence (know-how); its belief in success reads confidence alone"),
    _p("success_min", float, 0.05, 0.0, 1.0, "share", "Lowest chance of success", "Peluang berhasil terendah", U,
       plausible=(0.02, 0.1), group="self_service"),
    _p("success_max", float, 0.98, 0.0, 1.0, "share", "Highest chance of success", "Peluang berhasil tertinggi", U,
       plausible=(0.95, 0.99), group="self_service", note="some applications fail whatever the skill"),
    _p("walking_km", float, 2.0, 0.0, 20.0, "km", "Distance walked inside the village (ojek beyond)",
       "Jarak jalan kaki di dalam desa (ojek setelahnya)", U, plausible=(1.0, 3.0), group="self_service"),
    _p("registry_at_kecamatan_share", float, 0.65, 0.0, 1.0, "share of visits",
       "Civil-registry visits made at the kecamatan office", "Kunjungan adminduk yang dilayani di kantor kecamatan",
       U, plausible=(0.3, 0.8), group="self_service",
       note="e-KTP recording and most applications are taken at the kecamatan office; in Brebes a family card takes "
            "4 days there and 2 at the Dinas (Disdukcapil Brebes, Radar Tegal, after 2020), and 10 of the 17 "
            "kecamatan had e-KTP printers in 2017 (Medcom, 24 October 2017); the rest of the visits are to "
            "Disdukcapil in Brebes town. The share is an assumption"),
    _p("online_weeks", float, 1.0, 0.0, 52.0, "weeks", "Weeks an online application takes",
       "Minggu yang dibutuhkan pengajuan daring", U, plausible=(0.5, 3.0), group="self_service"),
    _p("entrusted_weeks", float, 3.0, 0.0, 52.0, "weeks", "Weeks an entrusted case takes",
       "Minggu yang dibutuhkan urusan titipan", U, plausible=(1.0, 8.0), group="self_service",
       note="the official takes the papers on his next trip to the office and brings the document back on a later "
            "one: a birth certificate entrusted to village staff came after a month (Kab. Serang; SuaraBanten, 9 "
            "July 2020), others after six months (Kab. Serang, 2014; Brebes, 2025, weak source); the registry "
            "itself needs 2 to 4 days for a family card (Disdukcapil Brebes). Rounded to whole weeks"),
    _p("broker_weeks", float, 1.0, 0.0, 52.0, "weeks", "Weeks a broker's case takes",
       "Minggu yang dibutuhkan urusan lewat calo", U, plausible=(0.5, 2.0), group="self_service",
       note="brokers sell speed: a place at the front of the queue, a card printed the same week (Ombudsman RI, "
            "2016; JPNN, 8 November 2016). Rounded to whole weeks"),
    _p("wait_hours_village", float, 1.0, 0.0, 24.0, "hours", "Hours spent at the village office per visit",
       "Jam di balai desa per kunjungan", U, plausible=(0.5, 2.0), group="self_service"),
    _p("wait_hours_kecamatan", float, 2.0, 0.0, 24.0, "hours", "Hours spent at the kecamatan office per visit",
       "Jam di kantor kecamatan per kunjungan", U, plausible=(1.0, 3.0), group="self_service"),
    _p("wait_hours_regency", float, 3.0, 0.0, 24.0, "hours", "Hours spent at a regency office per visit",
       "Jam di kantor kabupaten per kunjungan", U, plausible=(2.0, 5.0), group="self_service",
       note="queues and opening hours at Disdukcapil"),
    _p("work_hours_per_month", float, 176.0, 40.0, 400.0, "hours/month", "Working hours a month",
       "Jam kerja sebulan", C, group="self_service",
       note="22 days of 8 hours: time is valued at the household's income per working hour"),
    _p("confidence_gain", float, 0.15, 0.0, 1.0, "share of gap", "Confidence gained by a self-service success",
       "Kenaikan percaya diri setelah berhasil", U, plausible=(0.05, 0.3), group="self_service"),
    _p("confidence_loss", float, 0.2, 0.0, 1.0, "share", "Confidence lost by a rejection",
       "Penurunan percaya diri setelah ditolak", U, plausible=(0.1, 0.4), group="self_service"),
    _p("deskilling_rate", float, 0.05, 0.0, 1.0, "share", "Confidence lost with each entrusted need",
       "Penurunan percaya diri tiap kali menitip", U, plausible=(0.0, 0.1), group="self_service"),
    _p("practice_literacy_gain", float, 0.02, 0.0, 1.0, "share of gap", "Literacy gained by using the online channel",
       "Kenaikan literasi karena memakai layanan daring", U, plausible=(0.0, 0.05), group="self_service"),
    # --- ties --------------------------------------------------------------------
    _p("tie_gain", float, 0.3, 0.0, 1.0, "share of gap", "Tie strengthening per exchange",
       "Penguatan ikatan per transaksi", U, plausible=(0.15, 0.45), group="ties"),
    _p("tie_decay_per_year", float, 0.3, 0.0, 10.0, "1/year", "Tie decay rate without exchanges",
       "Laju melemahnya ikatan", U, plausible=(0.1, 0.6), group="ties"),
    _p("lockin_tie_threshold", float, 0.5, 0.01, 1.0, "0-1", "Tie strength of a loyal client (lock-in)",
       "Ambang ikatan klien setia (terkunci)", U, plausible=(0.4, 0.6), group="ties",
       note="drives behaviour, not only measurement: from this strength a client gets the loyal discount and "
            "favours, and counts as locked in"),
    # --- officials ---------------------------------------------------------------
    _p("n_office_staff", int, 7, 0, 30, "officials", "Office staff besides the hamlet heads",
       "Staf kantor desa selain kepala dusun", C,
       "Permendagri 84/2015 (Susunan Organisasi dan Tata Kerja Pemerintah Desa): a village secretary, two or three "
       "heads of affairs (kaur) and two or three heads of section (kasi), besides one kepala dusun per hamlet; the "
       "default is the full apparatus of a large village such as Bangbayang", plausible=(5, 7), group="officials"),
    _p("official_capacity_per_week", int, 12, 1, 100_000, "cases/week", "Cases an official handles per week",
       "Kasus per perangkat per minggu", U, plausible=(6, 20), group="officials"),
    _p("fee_seeking_mean", float, 0.3, 0.0, 1.0, "0-1", "Officials' mean fee-seeking propensity",
       "Rata-rata kecenderungan memungut", U, plausible=(0.3, 0.8), group="officials"),
    _p("fee_capture_share", float, 0.35, 0.0, 2.0, "share", "Share of the resident's saved cost asked as fee",
       "Porsi biaya yang dihemat yang diminta", U, plausible=(0.2, 0.5), group="officials"),
    _p("levy_rupiah", float, 15_000.0, 0.0, 1_000_000.0, "Rp", "Basic levy per document",
       "Pungutan dasar per dokumen", U, "Rp 10,000-20,000, the typical e-KTP levy cited by the Minister of Home "
                                        "Affairs (Tempo, 2 August 2017)",
       plausible=(10_000.0, 20_000.0), group="officials"),
    _p("fee_income_cap", float, 0.15, 0.0, 1.0, "share of income", "Most an official asks of a household",
       "Batas pungutan terhadap pendapatan", U, plausible=(0.1, 0.25), group="officials"),
    _p("broker_levy_rupiah", float, 40_000.0, 0.0, 5_000_000.0, "Rp", "Outside broker's basic fee",
       "Tarif dasar calo", U, plausible=(30_000.0, 100_000.0), group="officials"),
    _p("broker_capture_share", float, 0.25, 0.0, 2.0, "share", "Outside broker's share of the saved cost",
       "Porsi calo dari biaya yang dihemat", U, plausible=(0.15, 0.4), group="officials"),
    _p("loyal_fee_discount", float, 0.2, 0.0, 1.0, "share", "Fee discount for loyal clients",
       "Potongan bagi klien setia", U, plausible=(0.0, 0.4), group="officials"),
    _p("official_adapt_rate", float, 0.05, 0.0, 1.0, "per month", "Speed of officials' fee adaptation",
       "Laju penyesuaian pungutan", U, plausible=(0.02, 0.1), group="officials"),
    _p("peer_influence", float, 0.1, 0.0, 1.0, "per month", "Pull towards peers' fee-seeking",
       "Pengaruh sesama perangkat", U, plausible=(0.05, 0.2), group="officials"),
    _p("complaint_prob", float, 0.005, 0.0, 1.0, "per fee", "Chance an independent payer complains",
       "Peluang pengaduan", U, plausible=(0.001, 0.02), group="officials"),
    _p("detection_prob", float, 0.05, 0.0, 1.0, "per complaint", "Chance a complaint leads to a sanction",
       "Peluang pengaduan berujung sanksi", U, plausible=(0.02, 0.1), group="officials"),
    _p("sanction_deterrence", float, 0.5, 0.0, 1.0, "share", "Fee-seeking cut after a sanction",
       "Penurunan pungutan setelah sanksi", U, plausible=(0.3, 0.7), group="officials"),
    _p("fee_seeking_concentration", float, 6.0, 0.5, 100.0, "-", "Similarity of officials' fee-seeking",
       "Kemiripan kecenderungan memungut antarperangkat", U, plausible=(3.0, 12.0), group="officials",
       note="officials' initial fee-seeking is Beta-distributed with this concentration (sd ≈ 0.17 at mean 0.3 "
            "and 6)"),
    _p("fee_rounding_rupiah", float, 5_000.0, 1.0, 100_000.0, "Rp", "Fees are asked in multiples of",
       "Pungutan dibulatkan ke kelipatan", C, group="officials"),
    _p("weeks_per_adaptation", int, 4, 1, 52, "weeks", "Weeks between officials' reviews of their fees",
       "Minggu antara peninjauan pungutan", C, group="officials", note="officials adapt monthly"),
    _p("demand_high_share", float, 0.9, 0.0, 2.0, "share of capacity", "Busy month: more cases than this share",
       "Bulan sibuk: kasus melebihi porsi kapasitas ini", U, plausible=(0.8, 1.0), group="officials",
       note="a busy official asks more, an idle one (below demand_low_share) less"),
    _p("demand_low_share", float, 0.1, 0.0, 1.0, "share of capacity", "Idle month: fewer cases than this share",
       "Bulan sepi: kasus di bawah porsi kapasitas ini", U, plausible=(0.05, 0.2), group="officials"),
    _p("earnings_response", float, 0.5, 0.0, 5.0, "× adapt rate", "Pull of earnings relative to peers",
       "Tarikan pendapatan dibanding sesama perangkat", U, plausible=(0.25, 1.0), group="officials"),
    _p("risk_memory", float, 0.9, 0.0, 1.0, "per month", "Perceived sanction risk kept each quiet month",
       "Risiko sanksi yang masih dirasakan tiap bulan tenang", U, plausible=(0.8, 0.95), group="officials"),
    # --- the village office as gatekeeper ------------------------------------------
    _p("adminduk_gate_share", float, 0.5, 0.0, 1.0, "share", "Registry cases still routed through the village office",
       "Urusan adminduk yang masih lewat kantor desa", U,
       plausible=(0.2, 0.8), group="gatekeeping",
       note="Perpres 96/2018 (Persyaratan dan Tata Cara Pendaftaran Penduduk dan Pencatatan Sipil) dropped the "
            "covering letter (surat pengantar) of the RT, RW and village from the civil registry's requirements; "
            "the share of KTP, KK, birth-certificate and moving-letter cases in which residents still start at the "
            "village office is an assumption. Village and kecamatan documents always pass it"),
    _p("gate_delay_visits", float, 1.0, 0.0, 10.0, "visits", "Extra office visits a slow-walked letter costs",
       "Tambahan kunjungan karena surat diperlambat", U, plausible=(0.5, 2.0), group="gatekeeping",
       note="at full fee-seeking of the office staff; in proportion below it. Undue delay (penundaan berlarut) "
            "led Ombudsman RI's complaints in 2019 (1,837 of 5,464 reports, 33.6%; Tempo, Kontan) and in 2023 "
            "(967 of 3,415); the number of visits it costs is an assumption"),
    _p("gate_refusal_prob", float, 0.3, 0.0, 1.0, "share", "Chance a fee-seeking office withholds its letter",
       "Peluang surat ditahan kantor desa yang memungut", U, plausible=(0.1, 0.5), group="gatekeeping",
       note="at full fee-seeking of the office staff, per own attempt; in proportion below it. Of citizens who "
            "paid more than the official fee for a public service (17.2%), 23.0% paid because an official asked "
            "(BPS, Indeks Perilaku Anti Korupsi 2024); Ombudsman RI's 2016 e-KTP probe found fees asked by RT/RW, "
            "kecamatan and Dukcapil staff in 13 provinces. The chance itself is an assumption"),
    _p("coaching_gain", float, 0.3, 0.0, 1.0, "share of gap", "Skill a dutiful office adds by coaching",
       "Keterampilan yang ditambah kantor desa yang melayani", U, plausible=(0.1, 0.5), group="gatekeeping",
       note="the resident's skill and belief in success rise by this share of their gap to 1 at a fully "
            "dutiful office, in proportion to its duty (1 - fee-seeking)"),
    # --- village-head elections ------------------------------------------------------
    _p("election_term_years", int, 8, 1, 20, "years", "Village head's term", "Masa jabatan kepala desa", C,
       "UU 3/2024 (second amendment of the Village Law UU 6/2014): eight years, at most two terms; six years "
       "under UU 6/2014", plausible=(6, 8), group="politics"),
    _p("next_election_week", int, 104, -5_200, 5_200, "week", "Week of the next village-head election",
       "Minggu pemilihan kepala desa berikutnya", C,
       "Brebes held simultaneous elections (pilkades serentak) in 148 villages on 16 June 2019 and 108 on "
       "15 December 2019; UU 3/2024 extended those terms to eight years, so the next falls about two years "
       "after week 0 (Bangbayang's batch is an assumption)", group="politics",
       note="earlier elections follow every term before it, the spin-up's included"),
    _p("next_election_turnover", bool, False, None, None, "-", "The challenger wins the next election",
       "Penantang menang pada pemilihan berikutnya", C, group="politics",
       note="true with next_election_week 0: a contested election has just happened (scenario "
            "bangbayang_after_election); false: the outcome is drawn with turnover_prob"),
    _p("turnover_prob", float, 0.5, 0.0, 1.0, "share", "Chance the challenger's camp wins an election",
       "Peluang penantang menang pilkades", U, plausible=(0.3, 0.7), group="politics"),
    _p("perangkat_replacement_share", float, 0.3, 0.0, 1.0, "share",
       "Officials of the losing camp replaced after a turnover", "Perangkat kubu kalah yang diganti", U,
       plausible=(0.1, 0.6), group="politics",
       note="dismissal needs a cause and the camat's written recommendation (Permendagri 67/2017, amending "
            "83/2015), so most officials stay; yet new heads do dismiss (the perangkat association PPDI, 2021: "
            "'if there is a new village head, perangkat can be dismissed at once'; Ombudsman Jambi, 2023: "
            "dismissals without procedure). No count was found: the share is an assumption"),
    _p("opposition_gate_penalty", float, 0.3, 0.0, 1.0, "0-1", "Harder gate for the opposition after a contest",
       "Hambatan tambahan bagi kubu lawan setelah pilkades", U, plausible=(0.0, 0.5), group="politics",
       note="added to the office's deviation from duty that residents of the camp out of power meet, times "
            "the contest's salience"),
    _p("contest_salience_decay_per_year", float, 0.3, 0.0, 10.0, "1/year", "Fading of a contest's salience",
       "Memudarnya ketegangan pilkades", U, plausible=(0.1, 0.6), group="politics"),
    # --- social learning ---------------------------------------------------------
    _p("contact_rate_per_week", float, 0.05, 0.0, 1.0, "per week", "Chance of a learning contact each week",
       "Peluang belajar dari tetangga per minggu", U, plausible=(0.02, 0.1), group="learning"),
    _p("peer_learning_rate", float, 0.02, 0.0, 1.0, "share of gap", "Literacy learnt from a more literate contact",
       "Literasi yang dipelajari dari kontak", U, plausible=(0.01, 0.05), group="learning"),
    # --- policy effect sizes -----------------------------------------------------
    _p("training_literacy_gain", float, 0.25, 0.0, 1.0, "0-1", "Literacy gained by a trainee",
       "Kenaikan literasi peserta pelatihan", U, plausible=(0.1, 0.4), group="policy"),
    _p("training_screening_factor", int, 4, 1, 100, "×", "Targeted training: candidates screened per trainee",
       "Pelatihan terarah: calon yang disaring per peserta", U, plausible=(2, 8), group="policy",
       note="trainees are the least literate of this many random households per place", lever=None),
    _p("training_targeted", bool, True, None, None, "-", "Training targets the least literate",
       "Pelatihan menyasar yang paling rendah literasinya", L, group="policy",
       note="outreach usually seeks out those who lack the skill; false trains a random share",
       lever="digital_training"),
    _p("simplification_max_reduction", float, 0.5, 0.0, 1.0, "share", "Complexity cut by full simplification",
       "Pengurangan kerumitan oleh penyederhanaan penuh", U, plausible=(0.3, 0.7), group="policy"),
    _p("enforcement_complaint_boost", float, 4.0, 0.0, 100.0, "x", "Extra complaints under full enforcement",
       "Tambahan pengaduan saat penegakan penuh", U, plausible=(2.0, 8.0), group="policy"),
    _p("enforcement_detection_boost", float, 0.5, 0.0, 1.0, "share", "Extra detection under full enforcement",
       "Tambahan deteksi saat penegakan penuh", U, plausible=(0.3, 0.7), group="policy"),
]

_LEVER_TEXT = {
    "pemekaran": ("Pemekaran: share of the move to the new seat", "Pemekaran: porsi perpindahan ke pusat baru",
                  "share"),
    "digital_training": ("Digital training: households trained per year",
                         "Pelatihan digital: rumah tangga terlatih per tahun", "share/year"),
    "simplification": ("Simplification: intensity", "Penyederhanaan: intensitas", "0-1"),
    "enforcement": ("Enforcement (Saber Pungli, Ombudsman): intensity",
                    "Penegakan (Saber Pungli, Ombudsman): intensitas", "0-1"),
    "mobile_service": ("Mobile service (jemput bola): share of weeks with a visit",
                       "Jemput bola: porsi minggu dengan kunjungan", "share of weeks"),
}
# A lever acts from its start week up to the week before its end week; by default it never ends (NEVER_ENDS,
# a week beyond any run), so that a programme of limited length (a training drive of three years, a mobile
# service that stops) is a lever setting, and whether its gains outlast it a question the model can answer.
NEVER_ENDS = 100_000
for _pol in POLICY_NAMES:
    _en, _id, _unit = _LEVER_TEXT[_pol]
    _name_en, _name_id = _en.split(":")[0], _id.split(":")[0]
    _PARAMS.append(_p(f"{_pol}_intensity", float, 0.0, 0.0, 1.0, _unit, _en, _id, L, group="policy", lever=_pol))
    _PARAMS.append(_p(f"{_pol}_start_step", int, WEEKS_PER_YEAR, 0, 100_000, "week", f"{_name_en}: start week",
                      f"{_name_id}: minggu mulai", L, group="policy", lever=_pol))
    _PARAMS.append(_p(f"{_pol}_end_step", int, NEVER_ENDS, 1, NEVER_ENDS, "week", f"{_name_en}: end week",
                      f"{_name_id}: minggu berakhir", L, group="policy", lever=_pol,
                      note=f"the first week without the lever: it acts from its start week up to the week before; "
                           f"{NEVER_ENDS:,} (the default) means it never ends. An end week must come after the "
                           "week the lever starts acting"))

PARAMS: dict[str, Param] = {p.name: p for p in _PARAMS}


def lever_of(name: str) -> str | None:
    """The policy lever a parameter belongs to (``digital_training`` for ``digital_training_intensity`` or
    ``training_targeted``), or None for a parameter of the setting."""
    param = PARAMS.get(name)
    return param.lever if param is not None else None

# Shares of one population that together cannot exceed 1. Validation refuses a larger sum; experimental
# designs (``sim.experiments.design``) sample each later share within what the earlier ones leave, so that
# every sampled row is valid by construction.
SHARE_GROUPS: tuple[tuple[str, ...], ...] = (("faction_current_share", "faction_former_share"),)

# The length of a run, a setting of the run rather than of the model: weeks, at most a century (a 10-year
# run of the whole regency takes about 10 s, so the bound is about 17 minutes of it).
MAX_STEPS = 5_200
STEPS = Param("steps", int, 520, 1, MAX_STEPS, "weeks", "Run length", "Lama simulasi", C,
              note="10 years by default; at most 5,200 weeks (100 years)")

# Parameters that shape the village when it is built (or how ties are stored
# and measured); changing them during a run would have no effect, so
# ``ClientelismModel.set_parameter`` refuses them.
INIT_ONLY = frozenset({
    "n_households", "n_hamlets", "hamlet_radius_km", "hamlet_scatter_km", "literacy_mean", "literacy_sd",
    "income_median_rupiah", "income_sigma", "literacy_income_corr", "remoteness_disadvantage",
    "faction_current_share", "faction_former_share", "network_degree", "network_cross_hamlet_share",
    "init_patron_share", "init_tie_strength", "init_activated_share", "fee_seeking_mean", "n_office_staff",
    "tie_decay_per_year", "lockin_tie_threshold", "hamlet_angle_jitter", "hamlet_radius_min_share",
    "hamlet_size_spread", "init_literacy_min", "init_literacy_max", "confidence_noise_sd", "init_tie_jitter",
    "init_patron_own_head_share", "fee_seeking_concentration", "own_hamlet_head_bonus", "spinup_weeks",
    "rival_camp_aversion", "urban_advantage_sd", "persons_per_household", "adult_share", "init_birth_certificate_share",
    "init_ktp_share", "init_kk_share", "init_assistance_share", "assistance_eligible_share",
})


def check_steps(value: object, also: str = "") -> int:
    """A run length in weeks within the registry's bounds (``sim.params.registry.STEPS``), or ConfigError."""
    if isinstance(value, bool) or not isinstance(value, int) or not STEPS.low <= value <= STEPS.high:
        raise ConfigError("steps", value, f"a whole number of weeks from {STEPS.low:,} to {STEPS.high:,} "
                          f"({STEPS.high // WEEKS_PER_YEAR} years){', ' + also if also else ''}")
    return value


MAX_SEED = 2**63 - 1   # seeds are stored as int64 in result tables


def check_seed(value: object, name: str = "seed") -> int:
    """A seed as an int: a whole number from 0 to ``MAX_SEED`` (0 is a seed), also given as text of digits (a
    page's input box); anything else raises ConfigError naming ``name``. The one rule for every entry point."""
    number = value
    if isinstance(value, str):
        try:
            number = int(value.strip().replace("_", ""))
        except ValueError:
            number = None
    elif isinstance(value, bool) or not isinstance(value, int | np.integer):
        number = None
    if number is None or not 0 <= int(number) <= MAX_SEED:
        raise ConfigError(name, value, f"a whole number from 0 to {MAX_SEED:,} (0 is a seed)")
    return int(number)


def defaults() -> dict[str, float | int | bool]:
    """Registry defaults (the Bangbayang values, no policy)."""
    return {name: p.default for name, p in PARAMS.items()}


def validate(values: dict[str, object]) -> dict[str, float | int | bool]:
    """Check names, types and bounds; return the values converted to their types.

    Raises:
        UnknownNameError: a name that is not a registry parameter.
        ConfigError: a value of the wrong type or out of bounds.
    """
    out: dict[str, float | int | bool] = {}
    for name, value in values.items():
        if name not in PARAMS:
            raise UnknownNameError("parameter", name, close_names(name, PARAMS, "docs/parameters.md"))
        out[name] = PARAMS[name].check(value)
    for group in SHARE_GROUPS:
        total = sum(out.get(name, PARAMS[name].default) for name in group)
        if total > 1.0 + 1e-9:
            raise ConfigError(" + ".join(group), round(total, 6), "a sum of at most 1")
    for lever in POLICY_NAMES:
        check_lever_weeks(lever, out.get(f"{lever}_start_step", PARAMS[f"{lever}_start_step"].default),
                          out.get(f"{lever}_end_step", PARAMS[f"{lever}_end_step"].default))
    return out


def check_lever_weeks(lever: str, start: int, end: int) -> None:
    """Refuse a lever whose end week is not after the week it starts acting (``max(start, 1)``): it would never
    act. ``NEVER_ENDS`` is always accepted."""
    first = max(int(start), 1)
    if end != NEVER_ENDS and end <= first:
        raise ConfigError(f"{lever}_end_step", end, f"a week after the lever starts acting (week {first}, from "
                          f"{lever}_start_step={start}): it acts from its start week up to the week before its end "
                          f"week; {NEVER_ENDS:,} means it never ends")


def markdown_table() -> str:
    """The parameter table of ``docs/parameters.md``, generated from the registry."""
    lines = [
        "# Parameters",
        "",
        "Generated from `sim/params/registry.py` by `python -m sim.params.registry > docs/parameters.md`;",
        "a test keeps this file identical to the registry. Defaults are the Bangbayang",
        "values. *Role*: uncertainty (sampled by sensitivity analysis over the plausible",
        "range), lever (a policy instrument) or constant. *Provenance*: a source, or",
        "**assumption** with the plausible range used for sensitivity analysis.",
        "",
    ]
    groups: dict[str, list[Param]] = {}
    for p in PARAMS.values():
        groups.setdefault(p.group, []).append(p)
    for group, params in groups.items():
        lines += [f"## {group.replace('_', ' ').capitalize()}", "",
                  "| name | type | default | bounds | unit | label (EN) | label (ID) | role | provenance |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for p in params:
            bounds = "true/false" if p.type is bool else f"{_fmt(p.low)} – {_fmt(p.high)}"
            if p.sourced:
                prov = p.source
            elif p.plausible is not None:
                prov = f"**assumption**, plausible {_fmt(p.plausible[0])} – {_fmt(p.plausible[1])}"
            else:
                prov = "**assumption**"
            if p.note:
                prov += f" ({p.note})"
            default = str(p.default).lower() if p.type is bool else _fmt(p.default)
            lines.append(f"| `{p.name}` | {p.type.__name__} | {default} | {bounds} | {p.unit} | {p.label_en} "
                         f"| {p.label_id} | {p.role} | {prov} |")
        lines.append("")
    lines += ["## Run settings", "", "| name | type | default | bounds | unit | label (EN) | label (ID) | note |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |",
              f"| `{STEPS.name}` | int | {_fmt(STEPS.default)} | {_fmt(STEPS.low)} – {_fmt(STEPS.high)} "
              f"| {STEPS.unit} | {STEPS.label_en} | {STEPS.label_id} | {STEPS.note} |", ""]
    from sim.core.services import services_markdown

    lines += services_markdown()
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
