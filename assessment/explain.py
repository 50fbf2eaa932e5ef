"""How a stored score came about, term by term, for the score pages, the exports and the API:
the counts of a UnitScore or StaffScore turned back into the rates and points of
`indicators`, with the weights of the run's rule set. No queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import indicators
from .models import RuleSet, StaffScore, UnitScore

# The counts of a unit's score, in the order the scorecard lists them, with what each counts.
UNIT_COUNTS: dict[str, object] = {
    "handled": _("appeals dispatched to the unit and received in the period (not rejected or merged)"),
    "completed": _("of them closed (办结)"),
    "on_time": _("of them replied by the deadline (按期)"),
    "rated": _("of them rated at the return visit (satisfied, basically satisfied or dissatisfied)"),
    "satisfied": _("of them rated satisfied or basically satisfied"),
    "reworked": _("of them sent back for rework at least once (返工)"),
    "return_visited": _("of them with a return visit recorded (回访)"),
    "extensions": _("of them extended (an extension approved)"),
    "blue": _("blue supervision slips issued to the unit in the period"),
    "yellow": _("yellow supervision slips"),
    "orange": _("orange supervision slips"),
    "red": _("red supervision slips"),
}
DRILLABLE = frozenset((*indicators.APPEAL_COUNTS, *indicators.COLOURS))


def unit_counts(score: UnitScore) -> indicators.UnitCounts:
    return indicators.UnitCounts(
        **{name: getattr(score, name) for name in indicators.APPEAL_COUNTS},
        slips={colour: getattr(score, colour) for colour in indicators.COLOURS},
    )


@dataclass
class Term:
    name: str
    weight: Decimal
    part: str  # the count above the line, or the slips counted
    whole: str  # the count below it ("" for a deduction)
    rate: Decimal | None  # None for a deduction
    points: Decimal
    part_n: int = 0
    whole_n: int = 0
    complement: bool = False  # the term scores 1 − part / whole (rework)

    # The counts in words, as the scorecard's count table names them; never the field names.
    @property
    def part_label(self) -> str:
        return UnitScore._meta.get_field(self.part).verbose_name

    @property
    def whole_label(self) -> str:
        return UnitScore._meta.get_field(self.whole).verbose_name if self.whole else ""


def unit_terms(score: UnitScore, rules: RuleSet) -> tuple[list[Term], Decimal]:
    """The score's terms and their sum before the floor at 0 and rounding."""
    c = unit_counts(score)
    terms = [
        Term(_("On-time completion"), rules.on_time, "on_time", "handled", c.on_time_rate, 0),
        Term(_("Completion"), rules.completion, "completed", "handled", c.completion_rate, 0),
        Term(_("Satisfaction rate"), rules.satisfaction, "satisfied", "rated", c.satisfaction_rate, 0),
        Term(_("No rework (1 − rework rate)"), rules.no_rework, "reworked", "handled", 1 - c.rework_rate, 0),
    ]
    terms[-1].complement = True
    for term in terms:
        term.points = term.weight * term.rate
        term.part_n, term.whole_n = getattr(c, term.part), getattr(c, term.whole)
    for colour, label in (("yellow", _("Yellow slips")), ("orange", _("Orange slips")), ("red", _("Red slips"))):
        weight = getattr(rules, colour)
        terms.append(Term(label, weight, colour, "", None, -weight * c.slips[colour], part_n=c.slips[colour]))
    return terms, sum((t.points for t in terms), Decimal(0))


def unit_rates(score: UnitScore) -> dict[str, Decimal]:
    c = unit_counts(score)
    return {
        "on_time_rate": c.on_time_rate,
        "completion_rate": c.completion_rate,
        "satisfaction_rate": c.satisfaction_rate,
        "rework_rate": c.rework_rate,
        "return_visit_rate": c.return_visit_rate,
    }


def staff_counts(score: StaffScore) -> indicators.StaffCounts:
    return indicators.StaffCounts(
        user_id=score.user_id,
        role=score.role,
        node_id=score.node_id,
        name=score.name,
        households=score.households,
        visited=score.visited,
        reports=score.reports,
        services=score.services,
        services_on_time=score.services_on_time,
        diary_days=score.diary_days,
    )


@dataclass
class StaffTerm:
    name: str
    weight: Decimal
    part: int
    target: Decimal  # what a full rate takes
    target_text: str
    rate: Decimal
    points: Decimal


def staff_terms(score: StaffScore, rules: RuleSet, months: int) -> tuple[list[StaffTerm], Decimal]:
    rates = indicators.staff_rates(staff_counts(score), rules, months)
    visit_target = score.households * rules.visit_share * months
    rows = [
        (
            "visit_coverage",
            _("Visit coverage"),
            score.visited,
            visit_target,
            _("%(households)s households × %(share)s × %(months)s month(s)")
            % {"households": score.households, "share": f"{rules.visit_share.normalize():f}", "months": months},
        ),
        (
            "reports",
            _("Reports filed"),
            score.reports,
            Decimal(rules.reports_target * months),
            _("%(target)s per month × %(months)s") % {"target": rules.reports_target, "months": months},
        ),
        (
            "response",
            _("Response time"),
            score.services_on_time,
            Decimal(score.services),
            _("services taken on; in time = done within %(hours)s hours") % {"hours": rules.response_hours},
        ),
        (
            "diary",
            _("People's diary"),
            score.diary_days,
            Decimal(rules.diary_target * months),
            _("%(target)s days per month × %(months)s") % {"target": rules.diary_target, "months": months},
        ),
    ]
    terms = [
        StaffTerm(label, getattr(rules, name), part, target, text, rates[name], getattr(rules, name) * rates[name])
        for name, label, part, target, text in rows
    ]
    return terms, sum((t.points for t in terms), Decimal(0))
