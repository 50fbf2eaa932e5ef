"""The first part of the assessment: unit indicators and the default score, recomputed by hand
from the appeals made here."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import indicators
from assessment.indicators import UnitCounts, UnitKey, unit_score
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401


def period():
    now = timezone.now()
    return now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)


def test_unit_indicators_count_each_units_appeals_and_the_score_matches_a_hand_computation(
    make_appeal,  # noqa: F811
    places,  # noqa: F811
):
    make_appeal("closed", unit="street")
    make_appeal("in_progress", unit="street")
    make_appeal("closed", unit="department")
    make_appeal("rejected")
    make_appeal("dispatched", unit="community")

    got = indicators.unit_indicators(*period())

    street = got[UnitKey("street", places["zhongxin_street"].pk)]
    assert (street.handled, street.completed, street.on_time, street.rated, street.satisfied) == (2, 1, 1, 1, 1)
    # 40 × 1/2 + 20 × 1/2 + 30 × 1/1 + 10 × (1 − 0) = 70
    assert unit_score(street) == Decimal("70.00")
    community = got[UnitKey("community", places["zhongxin_community"].pk)]
    # Nothing completed or rated yet: 40 × 0 + 20 × 0 + 30 × 1 (no ratings) + 10 = 40
    assert (community.handled, community.completed) == (1, 0) and unit_score(community) == Decimal("40.00")
    department = got[UnitKey("department", places["civil"].pk)]
    assert unit_score(department) == Decimal("100.00")
    # The rejected appeal was never a unit's to handle.
    assert sum(c.handled for c in got.values()) == 4


def test_slips_are_deducted_by_colour_and_the_score_never_goes_below_zero():
    counts = UnitCounts(handled=10, completed=10, on_time=10, rated=10, satisfied=10)
    counts.slips.update(yellow=5, orange=2, red=3)
    assert unit_score(counts) == Decimal("100") - Decimal("1") - Decimal("1") - Decimal("3")
    counts.slips.update(red=500)
    assert unit_score(counts) == Decimal("0.00")


def test_unit_indicators_take_the_same_queries_however_many_units(make_appeal):  # noqa: F811
    make_appeal("closed", unit="street")
    with CaptureQueriesContext(connection) as few:
        indicators.unit_indicators(*period())
    make_appeal("closed", unit="department")
    make_appeal("closed", unit="street", where="shuiguo")
    make_appeal("dispatched", unit="community")
    with CaptureQueriesContext(connection) as more:
        assert len(indicators.unit_indicators(*period())) == 4
    assert len(more.captured_queries) == len(few.captured_queries)


def test_slips_count_against_the_unit_that_held_the_appeal_when_they_were_issued(
    make_appeal,  # noqa: F811
    places,  # noqa: F811
):
    from petitions.models import SupervisionSlip

    appeal = make_appeal("in_progress", unit="street")
    for colour in ("blue", "yellow", "yellow", "orange"):
        SupervisionSlip.objects.create(
            appeal=appeal,
            colour=colour,
            reason="test",
            manual=True,
            window_start=timezone.now(),
            handling_node=places["zhongxin_street"],
        )
    street = indicators.unit_indicators(*period())[UnitKey("street", places["zhongxin_street"].pk)]
    assert street.slips == {"blue": 1, "yellow": 2, "orange": 1, "red": 0}
    # 40 × 0 + 20 × 0 + 30 × 1 + 10 × 1 − 0.2 × 2 − 0.5 × 1 = 39.10
    assert unit_score(street) == Decimal("39.10")
