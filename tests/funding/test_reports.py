import datetime

import pytest

from funding import selectors, services, tasks
from funding.models import ExpenseReport, ReportStatus, StreetMonthLock, Voucher
from funding.selectors import FlagKind
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from grids.models import Assignment
from grids.services import assignment_end

from .conftest import YEAR, allocate, make_report
from .test_ledger import assert_books_balance

pytestmark = pytest.mark.django_db

M, A = "manager_subsidy", "assistant_subsidy"


def test_a_report_goes_submitted_returned_resubmitted_approved_and_posts_its_voucher(
    people, streets, staff, funded, clock
):
    clock.move_to(datetime.date(YEAR, 2, 3))
    report = make_report(
        people,
        streets["中心街街道"],
        1,
        [(M, 80_000, staff.manager), (A, 50_000, staff.assistant), ("training", 12_345, None)],
    )
    assert report.status == ReportStatus.SUBMITTED
    assert report.late_since is None
    report = services.expense_report_return(actor=people.auditor, report=report, comment="缺少培训发票")
    assert report.status == ReportStatus.RETURNED
    services.expense_line_add(
        actor=people.zhongxin, report=report, category="printing", amount_fen=3_000, description="表格印刷"
    )
    report = services.expense_report_submit(actor=people.zhongxin, report=report)
    report = services.expense_report_approve(actor=people.auditor, report=report)
    assert report.status == ReportStatus.APPROVED
    voucher = Voucher.objects.get(report=report)
    assert voucher.status == "posted"
    assert voucher.made_by == people.zhongxin
    assert voucher.approved_by == people.auditor
    assert sum(li.debit_fen for li in voucher.lines.all()) == 80_000 + 50_000 + 12_345 + 3_000
    assert StreetMonthLock.objects.filter(street=streets["中心街街道"], period__month=1).exists()
    assert [e.action for e in report.events.all()] == ["submit", "return", "submit", "approve"]
    assert report.events.get(action="return").comment == "缺少培训发票"
    assert_books_balance()
    # The month is locked for the street: even an allocation for it is refused now.
    with pytest.raises(Conflict):
        services.expense_line_add(actor=people.zhongxin, report=report, category="other", amount_fen=1)


@pytest.mark.parametrize(
    ("status_path", "action"),
    [([], "approve"), ([], "return"), (["submit", "approve"], "submit"), (["submit", "approve"], "return")],
)
def test_illegal_transitions_are_refused(people, streets, staff, funded, clock, status_path, action):
    clock.move_to(datetime.date(YEAR, 2, 3))
    report = make_report(people, streets["中心街街道"], 1, [("other", 100, None)], submit=False)
    steps = {
        "submit": lambda r: services.expense_report_submit(actor=people.zhongxin, report=r),
        "approve": lambda r: services.expense_report_approve(actor=people.auditor, report=r),
        "return": lambda r: services.expense_report_return(actor=people.auditor, report=r, comment="x"),
    }
    for step in status_path:
        report = steps[step](report)
    with pytest.raises(Conflict):
        steps[action](report)


def test_a_subsidy_for_an_unknown_person_or_someone_without_a_post_is_refused(people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 3))
    report = make_report(people, streets["中心街街道"], 1, [], submit=False)
    with pytest.raises(InvalidInput, match="No staff member"):
        services.expense_line_add(actor=people.zhongxin, report=report, category=M, amount_fen=100, payee_id=999_999)
    with pytest.raises(InvalidInput, match="held no"):
        services.expense_line_add(
            actor=people.zhongxin, report=report, category=M, amount_fen=100, payee_id=staff.stranger.pk
        )
    with pytest.raises(InvalidInput, match="held no"):  # another street's manager
        services.expense_line_add(
            actor=people.zhongxin, report=report, category=M, amount_fen=100, payee_id=staff.shuiguo_manager.pk
        )
    with pytest.raises(InvalidInput, match="held no"):  # a manager paid as an assistant
        services.expense_line_add(
            actor=people.zhongxin, report=report, category=A, amount_fen=100, payee_id=staff.manager.pk
        )
    with pytest.raises(InvalidInput):
        services.expense_line_add(
            actor=people.zhongxin, report=report, category=M, amount_fen=-100, payee_id=staff.manager.pk
        )
    assert not report.lines.exists()


def test_only_the_streets_own_officer_prepares_and_only_auditors_review(people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 3))
    with pytest.raises(NotFound):
        services.expense_report_create(actor=people.shuiguo, street=streets["中心街街道"], year=YEAR, month=1)
    with pytest.raises(NotAllowed):
        services.expense_report_create(actor=people.auditor, street=streets["中心街街道"], year=YEAR, month=1)
    report = make_report(people, streets["中心街街道"], 1, [("other", 100, None)])
    for who in (people.zhongxin, people.center, people.bureau):
        with pytest.raises(NotAllowed):
            services.expense_report_approve(actor=who, report=report)
    with pytest.raises(InvalidInput, match="comment"):
        services.expense_report_return(actor=people.auditor, report=report, comment="  ")


def test_a_report_submitted_after_the_fifth_is_late_and_the_task_flags_unsubmitted_ones_once(
    people, streets, staff, funded, clock
):
    clock.move_to(datetime.date(YEAR, 2, 7))
    late = make_report(people, streets["中心街街道"], 1, [("other", 100, None)])
    assert late.late_since == datetime.date(YEAR, 2, 6)
    clock.move_to(datetime.date(YEAR, 3, 6))
    assert services.due_date(YEAR, 2) == datetime.date(YEAR, 3, 5)
    first = services.expense_reports_mark_late()
    # Last month's reports not begun are opened and flagged; January's was flagged at submission.
    assert {(r.street.name, r.month) for r in first} == {("税郭镇", 2), ("中心街街道", 2)}
    assert tasks.mark_late_reports() == {"reminded": 0, "late": 0}  # a second run flags nothing twice
    assert ExpenseReport.objects.filter(year=YEAR, month=2).count() == 2
    listed = {(r.street.name, r.month) for r in selectors.late_reports(people.auditor)}
    assert ("中心街街道", 1) in listed
    assert ("税郭镇", 2) in listed
    assert {r.street.name for r in selectors.late_reports(people.zhongxin)} == {"中心街街道"}


def test_reports_due_within_three_days_are_on_the_reminder_list(people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 1))
    make_report(people, streets["中心街街道"], 1, [], submit=False)
    clock.move_to(datetime.date(YEAR, 2, 3))
    assert [r.month for r in selectors.reports_due_soon(people.zhongxin)] == [1]
    assert list(selectors.reports_due_soon(people.shuiguo)) == []


def test_reminders_go_out_once_in_the_three_days_before_the_fifth(people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 1))
    assert services.expense_reports_remind() == []  # the 5th is four days away
    make_report(people, streets["中心街街道"], 1, [("other", 100, None)])  # submitted: no reminder
    clock.move_to(datetime.date(YEAR, 2, 2))
    reminded = services.expense_reports_remind()
    # 税郭镇 had not started January's report: it is opened, and reminded.
    assert [(r.street.name, r.month) for r in reminded] == [("税郭镇", 1)]
    assert services.expense_reports_remind() == []
    clock.move_to(datetime.date(YEAR, 2, 4))
    assert tasks.mark_late_reports() == {"reminded": 0, "late": 0}


def flag_kinds(user, month=None):
    return {(f.kind, f.street_name, f.month) for f in selectors.flags(user, YEAR, month)}


def test_each_auditor_flag_fires_on_its_case(people, streets, staff, funded, budgets, clock):
    zx, sg = streets["中心街街道"], streets["税郭镇"]
    clock.move_to(datetime.date(YEAR, 2, 3))
    # Duplicate payee: the same manager twice in 中心街's January.
    make_report(people, zx, 1, [(M, 80_000, staff.manager), (M, 80_000, staff.manager)])
    # Over the allocation: 税郭镇 spends more in January than its January installment.
    jan = budgets["税郭镇"].amount_fen // 12 + 1
    make_report(people, sg, 1, [("devices", jan + 100, None)], actor=people.shuiguo)
    # Late: 中心街's February report is submitted on 6 March.
    clock.move_to(datetime.date(YEAR, 3, 6))
    make_report(people, zx, 2, [(A, 50_000, staff.assistant)])
    # No valid assignment: the assistant's post is ended, backdated to 1 February, after the report.
    assignment = Assignment.objects.get(user=staff.assistant)
    assignment_end(actor=None, assignment=assignment, valid_to=datetime.date(YEAR, 2, 1))

    found = flag_kinds(people.auditor)
    assert (FlagKind.DUPLICATE_PAYEE, "中心街街道", 1) in found
    assert (FlagKind.OVER_ALLOCATION, "税郭镇", 1) in found
    assert (FlagKind.LATE, "中心街街道", 2) in found
    assert (FlagKind.NO_ASSIGNMENT, "中心街街道", 2) in found
    assert (FlagKind.OVER_ALLOCATION, "中心街街道", 1) not in found
    # A street officer sees only their own street's flags.
    assert {f[1] for f in flag_kinds(people.zhongxin)} == {"中心街街道"}


def test_the_submitter_cannot_approve_even_holding_both_roles(people, streets, staff, funded, clock):
    from grids.services import assignment_start

    clock.move_to(datetime.date(YEAR, 2, 3))
    assignment_start(actor=None, user=people.zhongxin, role="auditor", node=streets["中心街街道"].parent)
    people.zhongxin._gridgov_scope = None
    report = make_report(people, streets["中心街街道"], 1, [("other", 100, None)])
    with pytest.raises(NotAllowed):
        services.expense_report_approve(actor=people.zhongxin, report=report)
    assert ExpenseReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_an_approved_month_refuses_a_late_allocation_for_that_street(people, streets, staff, budgets, clock):
    clock.move_to(datetime.date(YEAR, 2, 3))
    allocate(budgets["中心街街道"], 1, maker=people.center, approver=people.admin)
    report = make_report(people, streets["中心街街道"], 1, [("other", 100, None)])
    services.expense_report_approve(actor=people.auditor, report=report)
    with pytest.raises(Conflict, match="locked"):
        services.voucher_reverse(
            actor=people.center, voucher=Voucher.objects.get(report=report), date=datetime.date(YEAR, 1, 31)
        )
    # Into an open month the correction goes through.
    reversal = services.voucher_reverse(
        actor=people.center, voucher=Voucher.objects.get(report=report), date=datetime.date(YEAR, 2, 3)
    )
    services.voucher_post(actor=people.admin, voucher=reversal)
    assert_books_balance()


def test_late_and_due_reports_reach_the_street_officers_notification_centre(
    people, streets, staff, funded, clock, django_capture_on_commit_callbacks
):
    from accounts.models import Notification

    clock.move_to(datetime.date(YEAR, 2, 2))
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_reports_remind()
    clock.move_to(datetime.date(YEAR, 3, 6))
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_reports_mark_late()
        services.expense_reports_mark_late()  # a second run sends nothing twice
    kinds = sorted(Notification.objects.filter(recipient=people.shuiguo).values_list("kind", flat=True))
    assert kinds == ["report_due", "report_late", "report_late"]  # January reminded; January and February late
    assert not Notification.objects.exclude(recipient__in=[people.zhongxin, people.shuiguo]).exists()
