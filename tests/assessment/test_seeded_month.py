"""The demo district's scores, recomputed by hand from the raw appeals and slips, one row at a
time in Python, must equal what the scoring stored."""

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessment import services
from assessment.models import Period, PeriodStatus
from grids.models import GridNode, Level
from petitions.models import Appeal, SupervisionSlip


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def unit_of(department_id, node_id, levels):
    if department_id:
        return ("department", department_id)
    return {Level.STREET: ("street", node_id), Level.COMMUNITY: ("community", node_id)}.get(levels.get(node_id))


def scores_by_hand(period: Period) -> dict:
    start, end = local_midnight(period.start), local_midnight(period.end)
    levels = dict(GridNode.objects.values_list("id", "level"))
    counts: dict = defaultdict(Counter)
    for appeal in Appeal.objects.filter(created_at__gte=start, created_at__lt=end).prefetch_related("extensions"):
        key = unit_of(appeal.handling_department_id, appeal.handling_node_id, levels)
        if key is None or appeal.status in ("rejected", "merged"):
            continue
        c = counts[key]
        c["handled"] += 1
        c["completed"] += appeal.status == "closed"
        c["on_time"] += appeal.replied_at is not None and appeal.replied_at <= appeal.deadline
        c["rated"] += appeal.satisfaction in ("satisfied", "basic", "dissatisfied")
        c["satisfied"] += appeal.satisfaction in ("satisfied", "basic")
        c["reworked"] += appeal.rework_count > 0
        c["return_visited"] += appeal.satisfaction != ""
        c["extensions"] += any(e.status == "approved" for e in appeal.extensions.all())
    for slip in SupervisionSlip.objects.filter(issued_at__gte=start, issued_at__lt=end):
        key = unit_of(slip.handling_department_id, slip.handling_node_id, levels)
        if key is not None:
            counts[key][slip.colour] += 1
    rules = period.rules
    out = {}
    for key, c in counts.items():

        def rate(part, whole):
            return Fraction(part, whole) if whole else Fraction(1)

        score = (
            Fraction(rules.on_time) * rate(c["on_time"], c["handled"])
            + Fraction(rules.completion) * rate(c["completed"], c["handled"])
            + Fraction(rules.satisfaction) * rate(c["satisfied"], c["rated"])
            + Fraction(rules.no_rework) * (1 - (Fraction(c["reworked"], c["handled"]) if c["handled"] else 0))
            - Fraction(rules.yellow) * c["yellow"]
            - Fraction(rules.orange) * c["orange"]
            - Fraction(rules.red) * c["red"]
        )
        score = max(Fraction(0), score)
        exact = Decimal(score.numerator) / Decimal(score.denominator)
        out[key] = (c, exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return out


@pytest.mark.django_db
def test_each_units_score_in_a_seeded_month_equals_a_recomputation_by_hand(mid_month):
    # Mid-month: the month so far holds enough appeals for every kind of unit to be scored.
    call_command("seed_district", "--scale", "small", verbosity=0)
    today = mid_month.today
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    # The seed scored last month; this month (with the slips the seed's sweep issued) is scored
    # here as if it had ended.
    this_month = f"{today:%Y-%m}"
    services.period_score(actor=None, label=this_month, today=services.period_bounds(this_month)[2])

    slips_seen = 0
    for label in (last_month, this_month):
        period = Period.objects.get(label=label)
        assert period.status == PeriodStatus.CLOSED
        stored = {(s.kind, s.department_id or s.node_id): s for s in period.current_run.unit_scores.all()}
        expected = scores_by_hand(period)
        assert set(stored) == set(expected) and len(stored) > 10
        for key, (counts, score) in expected.items():
            row = stored[key]
            for name in ("handled", "completed", "on_time", "rated", "satisfied", "reworked", "return_visited"):
                assert getattr(row, name) == counts[name], (label, key, name)
            assert (row.extensions, row.blue, row.yellow, row.orange, row.red) == (
                counts["extensions"], counts["blue"], counts["yellow"], counts["orange"], counts["red"],
            )  # fmt: skip
            assert row.score == score, (label, key)
            slips_seen += row.yellow + row.orange + row.red
        # Ranks follow the scores within each level.
        for kind in ("department", "street", "community"):
            rows = sorted((r for r in stored.values() if r.kind == kind), key=lambda r: r.rank)
            assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert slips_seen > 0  # the deductions were exercised, not only the rates
