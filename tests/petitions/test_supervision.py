"""The supervision sweep, slips by hand, and the lifecycle keeping next_check_at."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification
from gridgov.errors import Conflict, NotAllowed
from grids.models import Level
from petitions import calendar, services
from petitions.models import AppealEvent, CalendarDay, SupervisionSlip
from petitions.services.supervision import (
    appeal_supervise,
    slip_acknowledge,
    slip_close,
    slip_issue,
    slips_issue_due,
)

from .conftest import reload

pytestmark = pytest.mark.django_db


def share(appeal, fraction):
    return appeal.window_start + (appeal.deadline - appeal.window_start) * fraction


def working_day_after(when: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(when)
    exceptions = calendar.load_exceptions(local.date(), local.date() + datetime.timedelta(days=30))
    day = calendar.add_working_days(local.date(), 1, exceptions)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


def colours(appeal):
    return sorted(SupervisionSlip.objects.filter(appeal=appeal).values_list("colour", flat=True))


def test_dispatch_sets_the_next_check_at_seventy_percent_of_the_window(make_appeal):
    appeal = make_appeal("dispatched")
    assert appeal.next_check_at == share(appeal, 0.70)


def test_the_sweep_issues_blue_at_seventy_percent_and_nothing_twice(make_appeal, people):
    appeal = make_appeal("in_progress")
    assert slips_issue_due(now=share(appeal, 0.69))["appeals"] == 0
    counts = slips_issue_due(now=share(appeal, 0.70))
    assert counts["blue"] == 1
    assert slips_issue_due(now=share(appeal, 0.70))["blue"] == 0
    assert colours(appeal) == ["blue"]
    appeal = reload(appeal)
    assert appeal.colour == "blue"
    # Yellow is next: at 85 % of the window, or one working day after the unacknowledged blue if
    # that comes first (which one depends on the week and its holidays).
    assert appeal.next_check_at == min(share(appeal, 0.85), working_day_after(share(appeal, 0.70)))
    # The street office that handles it is told.
    assert Notification.objects.filter(recipient=people.zhongxin, kind="slip").count() == 1
    assert AppealEvent.objects.filter(appeal=appeal, action="slip").count() == 1


def test_a_late_sweep_issues_every_colour_the_rule_calls_for_once(make_appeal):
    appeal = make_appeal("in_progress")
    late = appeal.deadline + datetime.timedelta(days=30)
    counts = slips_issue_due(now=late)
    assert {c: counts[c] for c in ("blue", "yellow", "orange", "red")} == {
        "blue": 1,
        "yellow": 1,
        "orange": 1,
        "red": 1,
    }
    assert reload(appeal).next_check_at is None
    assert slips_issue_due(now=late + datetime.timedelta(days=1))["appeals"] == 0


def test_the_database_refuses_a_second_rule_slip_of_a_colour_in_one_window(make_appeal):
    appeal = make_appeal("in_progress")
    slips_issue_due(now=share(appeal, 0.7))
    blue = SupervisionSlip.objects.get(appeal=appeal)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionSlip.objects.create(appeal=appeal, colour="blue", reason="x", window_start=blue.window_start)


def test_orange_escalates_a_community_case_to_its_street_and_red_goes_to_the_bureau(make_appeal, people, places):
    appeal = make_appeal("dispatched", unit="community")
    appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(seconds=1))
    appeal = reload(appeal)
    assert appeal.colour == "orange"
    assert appeal.supervising_node == places["zhongxin_street"]
    orange = SupervisionSlip.objects.get(appeal=appeal, colour="orange")
    assert orange.escalated_to == places["zhongxin_street"]
    assert Notification.objects.filter(recipient=people.zhongxin, key=f"slip:{orange.pk}").exists()
    appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(days=10))
    red = SupervisionSlip.objects.get(appeal=appeal, colour="red")
    assert red.to_bureau
    assert Notification.objects.filter(recipient=people.bureau, key=f"slip:{red.pk}").exists()


def test_orange_on_a_street_case_escalates_to_the_district(make_appeal, district):
    appeal = make_appeal("in_progress")
    appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(seconds=1))
    assert reload(appeal).supervising_node == district
    assert district.level == Level.DISTRICT


def test_a_reply_one_second_before_the_deadline_earns_no_orange(make_appeal, people, clock):
    appeal = make_appeal("in_progress")
    clock.move_to(appeal.deadline - datetime.timedelta(seconds=1))
    services.appeal_reply(actor=people.zhongxin, appeal=appeal, reply="已修复")
    assert reload(appeal).next_check_at is None
    slips_issue_due(now=appeal.deadline + datetime.timedelta(days=10))
    assert colours(appeal) == []


def test_an_extension_granted_after_a_blue_slip_closes_it_and_moves_the_next_check(make_appeal, people, clock):
    appeal = make_appeal("in_progress")
    clock.move_to(share(appeal, 0.75))
    slips_issue_due()
    assert colours(appeal) == ["blue"]
    services.appeal_request_extension(actor=people.zhongxin, appeal=appeal, days=5, reason="需协调")
    appeal = services.appeal_decide_extension(actor=people.center, appeal=appeal, approve=True)
    blue = SupervisionSlip.objects.get(appeal=appeal)
    assert blue.closed_at is not None
    appeal = reload(appeal)
    # Yellow comes at 85 % of the extended window, not from the closed reminder.
    assert appeal.next_check_at == share(appeal, 0.85)
    slips_issue_due(now=share(appeal, 0.84))
    assert colours(appeal) == ["blue"]
    slips_issue_due(now=share(appeal, 0.85))
    assert colours(appeal) == ["blue", "yellow"]


def test_a_blue_slip_unacknowledged_for_a_working_day_turns_yellow_unless_acknowledged(make_appeal, people):
    long_window = make_appeal("in_progress")
    # Stretch the window so that 85 % lies far ahead.
    long_window.deadline = long_window.window_start + datetime.timedelta(days=60)
    long_window.save(update_fields=["deadline"])
    other = make_appeal("in_progress")
    other.deadline, other.window_start = long_window.deadline, long_window.window_start
    other.save(update_fields=["deadline", "window_start"])
    for a in (long_window, other):
        a.next_check_at = share(a, 0.7)
        a.save(update_fields=["next_check_at"])
    at = share(long_window, 0.7)
    slips_issue_due(now=at)
    slip_acknowledge(actor=people.zhongxin, slip=SupervisionSlip.objects.get(appeal=other))
    slips_issue_due(now=at + datetime.timedelta(days=7))
    assert colours(long_window) == ["blue", "yellow"]
    assert colours(other) == ["blue"]


def test_a_holiday_delays_red(make_appeal):
    appeal = make_appeal("in_progress")
    day = appeal.deadline.date()
    for n in range(1, 15):
        CalendarDay.objects.update_or_create(date=day + datetime.timedelta(days=n), defaults={"is_workday": False})
    appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(days=10))
    assert colours(appeal) == ["blue", "orange", "yellow"]


def test_rework_opens_a_new_window_that_earns_new_slips_and_the_third_is_red(make_appeal, people):
    appeal = make_appeal("in_progress")
    slips_issue_due(now=share(appeal, 0.7))
    for n in range(3):
        appeal = services.appeal_reply(actor=people.zhongxin, appeal=appeal, reply="已修复")
        appeal = services.appeal_rework(actor=people.center, appeal=appeal, reason="未整改")
        if n < 2:
            appeal = services.appeal_sign(actor=people.zhongxin, appeal=appeal)
    appeal = reload(appeal)
    assert appeal.rework_count == 3
    assert appeal.next_check_at is not None
    slips_issue_due(now=appeal.next_check_at)
    assert "red" in colours(appeal)
    assert SupervisionSlip.objects.filter(appeal=appeal, window_start=appeal.window_start, colour="red").count() == 1


def test_a_repeat_appeal_issues_a_yellow_slip_once_per_window(make_appeal, people):
    target = make_appeal("in_progress")
    for _ in range(2):
        repeat = make_appeal("received")
        services.appeal_merge(actor=people.center, appeal=repeat, into=target)
    assert colours(target) == ["yellow"]
    assert reload(target).colour == "yellow"


def test_the_command_center_and_the_bureau_issue_slips_by_hand_others_may_not(make_appeal, people):
    appeal = make_appeal("in_progress")
    slip_issue(actor=people.center, appeal=appeal, colour="orange", reason="群众反映强烈")
    slip_issue(actor=people.bureau, appeal=appeal, colour="orange", reason="再次督办")
    assert colours(appeal) == ["orange", "orange"]
    with pytest.raises(NotAllowed):
        slip_issue(actor=people.zhongxin, appeal=appeal, colour="red", reason="x")


def test_a_slip_is_acknowledged_by_its_unit_and_closed_by_the_supervisors_once(make_appeal, people):
    appeal = make_appeal("in_progress")
    slips_issue_due(now=share(appeal, 0.7))
    slip = SupervisionSlip.objects.get(appeal=appeal)
    with pytest.raises(NotAllowed):
        slip_acknowledge(actor=people.shuiguo, slip=slip)
    slip_acknowledge(actor=people.zhongxin, slip=slip)
    with pytest.raises(Conflict):
        slip_acknowledge(actor=people.zhongxin, slip=slip)
    with pytest.raises(NotAllowed):
        slip_close(actor=people.zhongxin, slip=slip)
    slip_close(actor=people.bureau, slip=slip, note="已整改")
    with pytest.raises(Conflict):
        slip_close(actor=people.center, slip=slip)


def test_sweep_deadlines_command_prints_the_slips_by_colour(make_appeal):
    appeal = make_appeal("in_progress")
    out = StringIO()
    call_command("sweep_deadlines", "--now", (appeal.deadline + datetime.timedelta(days=1)).isoformat(), stdout=out)
    assert "Blue: 1" in out.getvalue() and "Orange: 1" in out.getvalue() and "Red: 0" in out.getvalue()
    out = StringIO()
    call_command("sweep_deadlines", "--now", (appeal.deadline + datetime.timedelta(days=1)).isoformat(), stdout=out)
    assert "Blue: 0" in out.getvalue() and "Appeals checked: 0" in out.getvalue()


def test_a_verified_appeal_tells_the_command_center_a_return_visit_is_due(make_appeal, people):
    appeal = make_appeal("verified")
    assert Notification.objects.filter(recipient=people.center, kind="revisit", url=f"/appeals/{appeal.pk}/").exists()


def test_a_dispatch_tells_the_handling_unit(make_appeal, people):
    appeal = make_appeal("dispatched")
    assert Notification.objects.filter(
        recipient=people.zhongxin, kind="dispatch", url=f"/appeals/{appeal.pk}/"
    ).exists()


def _open(appeal):
    return list(SupervisionSlip.objects.filter(appeal=appeal, closed_at__isnull=True).values_list("colour", flat=True))


def test_each_higher_slip_supersedes_the_lower_ones_so_the_appeal_holds_one_open_slip(make_appeal):
    appeal = make_appeal("in_progress")
    for fraction, colour in ((0.7, "blue"), (0.85, "yellow")):
        slips_issue_due(now=share(appeal, fraction))
        assert _open(appeal) == [colour]
    slips_issue_due(now=appeal.deadline + datetime.timedelta(days=30))
    assert _open(appeal) == ["red"]
    closed = SupervisionSlip.objects.filter(appeal=appeal, closed_at__isnull=False).order_by("issued_at", "id")
    assert [(s.colour, s.close_note) for s in closed] == [
        ("blue", "superseded by the Yellow slip"),
        ("yellow", "superseded by the Orange slip"),
        ("orange", "superseded by the Red slip"),
    ]
    assert reload(appeal).colour == "red"


def test_a_sweep_slip_below_an_open_repeat_slip_is_covered_by_it(make_appeal, people):
    target = make_appeal("in_progress")
    services.appeal_merge(actor=people.center, appeal=make_appeal("received"), into=target)
    slips_issue_due(now=share(target, 0.7))
    assert sorted(colours(target)) == ["blue", "yellow"]
    assert _open(target) == ["yellow"]
    blue = SupervisionSlip.objects.get(appeal=target, colour="blue")
    assert blue.close_note == "covered by the open Yellow slip"


def test_a_repeat_on_an_appeal_with_an_open_orange_slip_issues_no_second_slip(make_appeal, people):
    target = make_appeal("in_progress")
    appeal_supervise(appeal=target, now=target.deadline + datetime.timedelta(hours=1))
    services.appeal_merge(actor=people.center, appeal=make_appeal("received"), into=target)
    assert _open(target) == ["orange"]
    assert reload(target).repeat_count == 1


def _end(how, appeal, people, make_appeal):
    if how == "close":
        return services.appeal_return_visit(actor=people.center, appeal=appeal, rating="satisfied")
    if how == "merge":
        return services.appeal_merge(actor=people.center, appeal=appeal, into=make_appeal("in_progress"))
    return services.appeal_reject(actor=people.center, appeal=appeal, reason="不属于受理范围")


@pytest.mark.parametrize("colour", ["blue", "yellow", "orange", "red"])
@pytest.mark.parametrize(("how", "status", "note"), [
    ("close", "verified", "appeal closed"),
    ("merge", "received", "merged into #"),
    ("reject", "registered", "appeal rejected"),
])  # fmt: skip
def test_closing_merging_or_rejecting_an_appeal_closes_its_open_slips_of_every_colour(
    make_appeal, people, how, status, note, colour
):
    appeal = make_appeal(status)
    slip = slip_issue(actor=people.bureau, appeal=appeal, colour=colour, reason="督办")
    ended = _end(how, appeal, people, make_appeal)
    slip.refresh_from_db()
    assert slip.closed_at == reload(ended).closed_at
    assert slip.closed_by == people.center
    assert slip.close_note.startswith(note)
    assert _open(appeal) == []


def test_a_failed_close_leaves_the_slips_open(make_appeal, people):
    appeal = make_appeal("in_progress")
    slip_issue(actor=people.bureau, appeal=appeal, colour="orange", reason="督办")
    # Closing is refused from in_progress: nothing is half-written.
    with pytest.raises(Conflict):
        services.appeal_return_visit(actor=people.center, appeal=appeal, rating="satisfied")
    assert _open(appeal) == ["orange"]
