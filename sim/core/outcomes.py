"""Outcome names and definitions (the same names in code, tables and plots).

Flow outcomes are measured over the needs resolved in a trailing window of
``WINDOW_WEEKS`` steps (the whole run so far when it is shorter), so that the
per-step series are yearly rates; stock outcomes (lock-in, literacy, documents
held, ...) are their weekly values averaged over the same window, so that no
single week's event (an election, a launch) moves them at once; end-of-run
outcomes are the last step's values, i.e. the final year of the run.
"""

from dataclasses import dataclass
from typing import Literal

WINDOW_WEEKS = 52

Kind = Literal["share", "gap", "rupiah", "level", "weeks"]


@dataclass(frozen=True)
class Outcome:
    """Declaration of one outcome: its name in code, tables and plots, its unit and its definition.

    ``kind`` fixes how it is shown everywhere (tables in the terminal, the report, the studies):

    * ``share`` — a fraction 0–1, stored as such; shown in percent, effects in percentage points (pp);
    * ``gap`` — a difference of mean access shortfall (an index 0–1, not a share; see ``SHORTFALL``),
      shown and compared in index points (0.010 = one hundredth of the index);
    * ``rupiah`` — rupiah per household or per official per year;
    * ``level`` — a mean on a 0–1 scale (literacy, fee-seeking), shown as such;
    * ``weeks`` — a duration or a difference of durations, in weeks.
    """

    name: str
    label: str
    kind: Kind
    unit: str
    definition: str

    @property
    def header(self) -> str:
        """An effect's name in a table, with its unit: ``paid dependence (pp)``."""
        unit = {"gap": "index pts", "rupiah": self.unit.replace("household", "hh").replace("official", "off.")
                .replace("/year", "/yr")}.get(self.kind, self.effect_unit)
        return f"{self.label} ({unit})"

    @property
    def scale(self) -> float:
        """Factor from the stored value to the shown one (percent for shares)."""
        return 100.0 if self.kind == "share" else 1.0

    @property
    def shown_unit(self) -> str:
        """Unit of a shown value."""
        return {"share": "%", "gap": "index points", "rupiah": self.unit, "level": "0–1", "weeks": "weeks"}[self.kind]

    @property
    def effect_unit(self) -> str:
        """Unit of a shown difference (an effect)."""
        return {"share": "pp", "gap": "index points", "rupiah": self.unit, "level": "0–1", "weeks": "weeks"}[self.kind]

    @property
    def digits(self) -> int:
        """Decimals shown: shares in percent to 0.1, rupiah whole, indices and levels to 0.001, weeks to 0.01."""
        return {"share": 1, "gap": 3, "level": 3, "rupiah": 0, "weeks": 2}[self.kind]

    def _number(self, x: float, signed: bool) -> str:
        x = round(x * self.scale, self.digits)
        if x == 0:
            x = 0.0   # no "-0.0"
        return f"{x:{'+' if signed and x else ''},.{self.digits}f}"

    def format(self, value: float, unit: bool = True) -> str:
        """A value as shown: ``75.8%``, ``0.026``, ``41,827 Rp/household/year`` (``–`` when not measured)."""
        if value != value:   # NaN: nothing measured (e.g. no completed need in the window)
            return "–"
        text = self._number(value, signed=False)
        if not unit:
            return text
        return text + ("%" if self.kind == "share" else f" {self.unit}" if self.kind in ("rupiah", "weeks") else "")

    def format_effect(self, effect: float, half_width: float | None = None, unit: bool = True) -> str:
        """A paired effect with the half-width of its 95% CI: ``-3.2 ± 0.8 pp``; without a CI (one
        replicate) ``-3.2 pp (no CI)``."""
        if effect != effect:
            return "–"
        text = self._number(effect, signed=True)
        if half_width is not None and half_width == half_width:
            text += f" ± {self._number(abs(half_width), signed=False)}"
        if unit:
            text += f" {self.effect_unit}"
        if half_width is None or half_width != half_width:
            text += " (no CI)"
        return text

    def axis_title(self, effect: bool = False) -> str:
        """Axis title of a figure showing this outcome (or a change of it), with its unit."""
        if effect:
            return f"change in {self.label} ({self.effect_unit})"
        return f"{self.label} ({self.shown_unit})"


SHORTFALL = ("The **access shortfall** of a resolved need is 1 if it was abandoned; otherwise its cost burden "
             "(fees, fares, online costs and the value of time spent, over the household's monthly income) plus "
             "its delay (weeks from arrival to completion over `abandon_after_weeks`), capped at 1. It is an index "
             "from 0 (a need met at once and for nothing) to 1 (a need not met, or met at a month's income or more).")

_DISADVANTAGED = {"literacy": ("least literate", "most literate"), "distance": ("farthest", "nearest"),
                  "income": ("poorest", "richest")}


def _gaps() -> list[Outcome]:
    out = []
    for dim, (worse, better) in _DISADVANTAGED.items():
        out += [
            Outcome(f"completion_gap_{dim}", f"{dim} completion gap", "share", "share of resolved needs",
                    f"Completion rate (completed over resolved needs) of the {better} quarter of households minus "
                    f"that of the {worse} quarter, trailing year."),
            Outcome(f"delay_gap_{dim}", f"{dim} delay gap", "weeks", "weeks",
                    f"Mean weeks from a need's arising to its completion for the {worse} quarter of households "
                    f"minus that for the {better} quarter, trailing year."),
            Outcome(f"burden_gap_{dim}", f"{dim} cost-burden gap", "share", "share of monthly income",
                    f"Mean cost burden of a resolved need (fees, fares, online costs and the value of time spent, over "
                    f"the household's monthly income) for the {worse} quarter minus that for the {better} quarter, "
                    "trailing year."),
            Outcome(f"coverage_gap_{dim}", f"{dim} document-coverage gap", "share", "share of persons",
                    f"Document coverage (persons holding their identity document: adults an e-KTP, children a birth "
                    f"certificate) of the {better} quarter of households minus that of the {worse} quarter, "
                    "averaged over the trailing year."),
        ]
    return out


_HEADLINE = [
    Outcome("paid_dependence_share", "paid dependence", "share", "share of completed needs",
            "Share of completed needs that a household paid a village official (titip with a fee) or an outside "
            "broker (calo) to handle, trailing year: dependence as the study means it."),
    Outcome("unpaid_facilitation_share", "unpaid facilitation", "share", "share of completed needs",
            "Share of completed needs a village official handled for free, as his duty (tupoksi) asks, trailing "
            "year."),
    Outcome("brokered_share", "brokered share", "share", "share of completed needs",
            "Share of completed needs handled through a village official (titip, paid or free) or an outside broker "
            "(calo), trailing year."),
    Outcome("patron_lockin_share", "patron lock-in", "share", "share of households",
            "Share of households whose tie to some official is at or above `lockin_tie_threshold` (dependence in "
            "stock), averaged over the trailing year."),
    Outcome("repeat_patron_rate", "repeat-patron rate", "share", "share of repeat-eligible exchanges",
            "Among needs entrusted to an official by a household that had entrusted one before, the share handled "
            "by the same official as its previous one, trailing year (clientelism: clearly above the same model "
            "without ties, faction and hamlet preferences, where a household picks any official)."),
    Outcome("access_gap_literacy", "literacy access gap", "gap", "shortfall index difference",
            "Mean access shortfall of the least literate quarter of households minus that of the most literate "
            "quarter (quartiles fixed at the start), trailing year."),
    Outcome("access_gap_distance", "distance access gap", "gap", "shortfall index difference",
            "Mean access shortfall of the farthest quarter of households minus that of the nearest quarter, "
            "trailing year; remoteness is the road distance from home to the village office plus the village's "
            "distances to the kecamatan and regency seats (within one village: the distance to its office)."),
    Outcome("access_gap_income", "income access gap", "gap", "shortfall index difference",
            "Mean access shortfall of the poorest quarter of households minus that of the richest quarter, "
            "trailing year."),
    *_gaps(),
    Outcome("document_coverage", "document coverage", "share", "share of persons",
            "Share of persons holding their identity document — adults (17 or older) an e-KTP, children a birth "
            "certificate — averaged over the trailing year."),
    Outcome("birth_certificate_coverage", "birth-certificate coverage", "share", "share of children",
            "Share of children (under 17) holding a birth certificate, averaged over the trailing year."),
    Outcome("ktp_coverage", "e-KTP coverage", "share", "share of adults",
            "Share of adults (17 or older) holding an e-KTP, averaged over the trailing year."),
    Outcome("exclusion_share", "exclusion", "share", "share of resolved needs",
            "Share of resolved needs that were abandoned while the household lacked a document they require (a "
            "family card for an e-KTP; a family card and an adult's e-KTP for a birth certificate, a moving letter "
            "or social assistance), trailing year."),
    Outcome("assistance_exclusion_share", "excluded from social assistance", "share", "share of eligible households",
            "Share of the households eligible for social assistance that are not enrolled and lack a family card "
            "or any e-KTP, the documents enrolment requires, averaged over the trailing year."),
    Outcome("independence_share", "independence (kemandirian)", "share", "share of active households",
            "Among households that completed a need in the trailing year, the share that completed every one of "
            "them themselves, in person or online: able and willing to handle their documents without an official "
            "or a broker."),
    Outcome("unmet_share", "unmet share", "share", "share of resolved needs",
            "Share of resolved needs that were abandoned unmet (a deferred need that lapsed, or any need waiting "
            "`abandon_after_weeks`), trailing year."),
    Outcome("fees_per_household_rupiah", "fees", "rupiah", "Rp/household/year",
            "Fees paid to officials and outside brokers, rupiah per household per year, trailing year."),
    Outcome("official_earnings_rupiah", "officials' earnings", "rupiah", "Rp/official/year",
            "Fees received by village officials, rupiah per official per year, trailing year."),
    Outcome("online_share", "online share", "share", "share of completed needs",
            "Share of completed needs handled through the online channel, trailing year."),
    Outcome("mean_literacy", "mean literacy", "level", "0–1",
            "Mean digital literacy of households (0–1), averaged over the trailing year."),
]
_EXTRA = [
    Outcome("in_person_share", "in-person share", "share", "share of completed needs",
            "Share of completed needs handled in person by the household itself, trailing year."),
    Outcome("online_activated_share", "activated online accounts", "share", "share of households",
            "Share of households with an activated online account (digital ID), averaged over the trailing year."),
    Outcome("mean_fee_seeking", "officials' fee-seeking", "level", "0–1",
            "Mean fee-seeking propensity of officials (0–1: the chance an official asks a fee for a case), "
            "averaged over the trailing year."),
    Outcome("broker_share_of_paid", "brokers' share of paid cases", "share", "share of paid cases",
            "Share of the completed needs paid to an intermediary that an outside broker (calo) handled, the rest "
            "being village officials who asked a fee, trailing year."),
    Outcome("kk_coverage", "family-card coverage", "share", "share of households",
            "Share of households whose family card (KK) lists their members as they are, averaged over the "
            "trailing year."),
    Outcome("assistance_enrolment", "social-assistance enrolment", "share", "share of eligible households",
            "Share of the households eligible for social assistance that are enrolled, averaged over the trailing "
            "year."),
    *(Outcome(f"delay_weeks_{key}", f"delay, {label}", "weeks", "weeks",
              f"Mean weeks from a need's arising to its completion, of the needs completed {label}, trailing year.")
      for key, label in (("in_person", "in person"), ("online", "online"), ("entrusted", "by an official"),
                         ("broker", "by a broker"))),
]

OUTCOMES: dict[str, Outcome] = {o.name: o for o in _HEADLINE}
EXTRA_OUTCOMES: dict[str, Outcome] = {o.name: o for o in _EXTRA}   # recorded beside the headline ones

# Per-quartile values kept beside the outcomes (``RunResult.groups``): ``<measure>_<dimension>_q<k>``, quartile
# k = 1 (least literate, nearest, poorest) to 4 (most literate, farthest, richest); quartiles are fixed at the start.
GROUP_DIMENSIONS = ("literacy", "distance", "income")
QUARTILES = (1, 2, 3, 4)
GROUP_MEASURES: dict[str, Outcome] = {
    "brokered_share": OUTCOMES["brokered_share"],
    "paid_dependence_share": OUTCOMES["paid_dependence_share"],
    "shortfall": Outcome("shortfall", "access shortfall", "gap", "shortfall index",
                         "Mean access shortfall of the quarter's resolved needs, trailing year."),
    "completion_rate": Outcome("completion_rate", "completion rate", "share", "share of resolved needs",
                               "Completed over resolved (completed or abandoned) needs of the quarter, trailing "
                               "year."),
    "delay_weeks": Outcome("delay_weeks", "delay", "weeks", "weeks",
                           "Mean weeks from arising to completion of the quarter's completed needs, trailing year."),
    "cost_burden": Outcome("cost_burden", "cost burden", "share", "share of monthly income",
                           "Mean cost of the quarter's resolved needs over the household's monthly income, "
                           "trailing year."),
    "exclusion_share": OUTCOMES["exclusion_share"],
    "document_coverage": OUTCOMES["document_coverage"],
    "birth_certificate_coverage": OUTCOMES["birth_certificate_coverage"],
}
QUARTILE_LABELS = {"literacy": "literacy quartile (1 = least literate)", "distance": "distance quartile (1 = nearest)",
                   "income": "income quartile (1 = poorest)"}

# Per service type (``RunResult.services``): ``<measure>_<service>``, e.g. ``paid_dependence_share_ktp``; the civil
# registry's documents (e-KTP, family card, birth certificate, moving letter) also pooled, as ``civil_registry``.
SERVICE_MEASURES: dict[str, Outcome] = {
    "paid_dependence_share": Outcome("paid_dependence_share", "paid dependence", "share", "share of completed needs",
                                     "Share of the service's completed needs paid to an official or a broker."),
    "unpaid_facilitation_share": Outcome("unpaid_facilitation_share", "unpaid facilitation", "share",
                                         "share of completed needs",
                                         "Share of the service's completed needs an official handled for free."),
    "self_service_share": Outcome("self_service_share", "self-service", "share", "share of completed needs",
                                  "Share of the service's completed needs the household handled itself, in person "
                                  "or online."),
    "completion_rate": GROUP_MEASURES["completion_rate"],
    "fee_per_paid_case_rupiah": Outcome("fee_per_paid_case_rupiah", "fee per paid case", "rupiah", "Rp/case",
                                        "Mean fee of the service's cases paid to an official or a broker."),
    "broker_share_of_paid": Outcome("broker_share_of_paid", "brokers' share of paid cases", "share",
                                    "share of paid cases",
                                    "Share of the service's paid cases that an outside broker handled."),
    "delay_weeks": Outcome("delay_weeks", "delay", "weeks", "weeks",
                           "Mean weeks from arising to completion of the service's completed needs."),
}
SERVICE_GROUPS = ("civil_registry",)   # pooled services beside the service types

# Per political camp of the village (``RunResult.camps``): ``<measure>_camp_<camp>``, e.g.
# ``paid_dependence_share_camp_opposition``. The camps as they stood when each need was completed: the village
# head's, the opposition (the camp that lost the last election, or the former head's), the unaligned; counted since
# the last village-head election (or the start of the spin-up, before any), as ``sim.core.elections.CampLedger``.
CAMPS = ("head", "opposition", "neutral")
CAMP_MEASURES: dict[str, Outcome] = {
    "self_service_share": Outcome("self_service_share", "self-service", "share", "share of completed needs",
                                  "Share of the camp's completed needs since the last election that the household "
                                  "handled itself, in person or online."),
    "paid_dependence_share": Outcome("paid_dependence_share", "paid dependence", "share", "share of completed needs",
                                     "Share of the camp's completed needs since the last election paid to an "
                                     "official or a broker."),
    "fee_per_paid_case_rupiah": Outcome("fee_per_paid_case_rupiah", "fee per paid case", "rupiah", "Rp/case",
                                        "Mean fee of the camp's paid cases since the last election."),
}


def group_name(measure: str, dimension: str, quartile: int) -> str:
    """Column name of a per-quartile value, e.g. ``brokered_share_literacy_q1`` (quartile 1 to 4)."""
    return f"{measure}_{dimension}_q{quartile}"


def service_name(measure: str, service: str) -> str:
    """Column name of a per-service value, e.g. ``paid_dependence_share_ktp``."""
    return f"{measure}_{service}"


def camp_name(measure: str, camp: str) -> str:
    """Column name of a per-camp value, e.g. ``paid_dependence_share_camp_opposition``."""
    return f"{measure}_camp_{camp}"


CAMP_NAMES = tuple(camp_name(m, c) for m in CAMP_MEASURES for c in CAMPS)


OUTCOME_NAMES = tuple(OUTCOMES)
ALL_OUTCOME_NAMES = (*OUTCOMES, *EXTRA_OUTCOMES)


def outcome(name: str) -> Outcome:
    """The declaration of an outcome (headline, extra, per-quartile or per-service measure)."""
    from sim.core.services import SERVICE_NAMES

    if name in OUTCOMES:
        return OUTCOMES[name]
    if name in EXTRA_OUTCOMES:
        return EXTRA_OUTCOMES[name]
    for measure, declared in GROUP_MEASURES.items():
        for dim in GROUP_DIMENSIONS:
            if name.startswith(f"{measure}_{dim}_q"):
                return declared
    for measure, declared in SERVICE_MEASURES.items():
        if any(name == service_name(measure, svc) for svc in (*SERVICE_NAMES, *SERVICE_GROUPS)):
            return declared
    for measure, declared in CAMP_MEASURES.items():
        if any(name == camp_name(measure, camp) for camp in CAMPS):
            return declared
    raise KeyError(name)


def _service_names() -> tuple[str, ...]:
    from sim.core.services import SERVICE_NAMES

    return SERVICE_NAMES


def outcomes_markdown() -> str:
    """The outcome table of ``docs/outcomes.md``, generated from the declarations above."""
    lines = ["# Outcomes", "",
             "Generated from `sim/core/outcomes.py` by `python -m sim.core.outcomes > docs/outcomes.md`; a test keeps",
             "this file identical to the declarations. Flows are measured over the needs resolved in the trailing",
             f"{WINDOW_WEEKS} weeks, stocks averaged over the same weeks; a run's outcomes are those of its final",
             "week. Tables and parquet files store shares as fractions (0–1); the terminal, the report and the",
             "studies show them in percent, and effects on them in percentage points (pp).", "",
             "| outcome | label | unit (stored) | shown as | effects in | definition |",
             "| --- | --- | --- | --- | --- | --- |"]
    rows = [(f"`{o.name}`", o) for o in (*OUTCOMES.values(), *EXTRA_OUTCOMES.values())]
    rows += [(f"`{m}_<dimension>_q<1-4>`", o if o.name not in OUTCOMES else Outcome(
        m, o.label + " of the quarter", o.kind, o.unit, "The same, for the quarter's households only."))
        for m, o in GROUP_MEASURES.items()]
    rows += [(f"`{m}_<service>`", o) for m, o in SERVICE_MEASURES.items()]
    rows += [(f"`{m}_camp_<camp>`", o) for m, o in CAMP_MEASURES.items()]
    for name, o in rows:
        lines.append(f"| {name} | {o.label} | {o.unit} | {o.shown_unit} | {o.effect_unit} | {o.definition} |")
    lines += ["", SHORTFALL, "",
              "Per-quartile columns (`brokered_share_literacy_q1`, …, `cost_burden_income_q4`): quartile 1 is the "
              "least literate, nearest or poorest quarter of households, 4 the most literate, farthest or richest; "
              "quartiles are fixed at the start so that they follow the same households.", "",
              "Per-service columns (`paid_dependence_share_ktp`, …): services are "
              + ", ".join(f"`{name}`" for name in _service_names()) + " (`docs/parameters.md`, Service types), and "
              "`civil_registry`, the e-KTP, family card, birth certificate and moving letter pooled.", "",
              "Per-camp columns (`paid_dependence_share_camp_opposition`, …): camps are "
              + ", ".join(f"`{camp}`" for camp in CAMPS) + " — the village head's camp, the opposition (the camp "
              "that lost the last village-head election) and the unaligned, as they stood when each need was "
              "completed — counted since the last election (or since the start of the spin-up, before any), not "
              "over the trailing year.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(outcomes_markdown(), end="")
