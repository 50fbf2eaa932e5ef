"""The monthly expense report (拨付经费使用明细单): prepared by the street office, reviewed
by an auditor, and on approval posted to the ledger and locked for the month."""

import calendar
import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import require_role, scope_for
from gridgov import files
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gridgov.workflow import Move, Workflow
from grids.models import Assignment, GridNode, Level

from .. import notices
from ..models import (
    SUBSIDY_CATEGORIES,
    Category,
    ExpenseLine,
    ExpenseReport,
    Receipt,
    ReportEvent,
    ReportStatus,
    StreetMonthLock,
    VoucherKind,
)
from .ledger import LineSpec, _draft, _post, check_amount, period_for, street_accounts

PREPARERS = (Role.STREET_OFFICE,)
REVIEWERS = (Role.AUDITOR,)

# The one table of the report's workflow.
WORKFLOW = Workflow(
    "expense report",
    ReportStatus.values,
    [
        # From returned: the resubmission after fixes.
        Move("submit", (ReportStatus.DRAFT, ReportStatus.RETURNED), ReportStatus.SUBMITTED, PREPARERS),
        Move("approve", ReportStatus.SUBMITTED, ReportStatus.APPROVED, REVIEWERS),
        Move("return", ReportStatus.SUBMITTED, ReportStatus.RETURNED, REVIEWERS),
    ],
)
# (state, action) → the move.
TRANSITIONS: dict[tuple[str, str], Move] = WORKFLOW.table

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
RECEIPT_TYPES = frozenset({"pdf", "jpg", "png"})  # checked by content (gridgov/files.py)


def due_date(year: int, month: int) -> datetime.date:
    """Reports are due by the 5th of the next month."""
    return datetime.date(year + month // 12, month % 12 + 1, 5)


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _check_street_actor(actor, street: GridNode) -> None:
    if actor is not None and not actor.is_superuser and not scope_for(actor).contains_node(street):
        raise NotFound(_("No such report in your area."))


def _transition(report: ExpenseReport, action: str, *, actor, comment: str = "") -> ExpenseReport:
    """Lock the report, apply `action` from the table, record the event."""
    locked = ExpenseReport.objects.select_for_update().get(pk=report.pk)
    move = WORKFLOW.move(locked.status, action)
    if move is None:
        raise Conflict(
            _("This report is %(status)s: it cannot be %(action)s now.")
            % {"status": ReportStatus(locked.status).label.lower(), "action": _action_label(action)}
        )
    old, new = locked.status, move.to
    locked.status = new
    locked.save(update_fields=["status"])
    ReportEvent.objects.create(
        report=locked, action=action, from_status=old, to_status=new, actor=actor, comment=comment
    )
    return locked


def _action_label(action: str) -> str:
    return {"submit": _("submitted"), "approve": _("approved"), "return": _("returned")}.get(action, action)


@transaction.atomic
def expense_report_create(*, actor, street: GridNode, year: int, month: int) -> ExpenseReport:
    """Open the report of a street's month as a draft."""
    require_role(actor, *PREPARERS, action=_("prepare expense reports"))
    _check_street_actor(actor, street)
    if street.level != Level.STREET:
        raise InvalidInput(_("Expense reports are per street or township."), field="street")
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise InvalidInput(_("That is not a month."), field="month")
    if datetime.date(year, month, 1) > timezone.localdate():
        raise InvalidInput(_("A month is reported once it has begun."), field="month")
    if ExpenseReport.objects.filter(street=street, year=year, month=month).exists():
        raise Conflict(
            _("%(street)s already has a report for %(year)s-%(month)02d.")
            % {"street": street.name, "year": year, "month": month}
        )
    return ExpenseReport.objects.create(
        street=street, year=year, month=month, due_date=due_date(year, month), prepared_by=actor
    )


def subsidy_problem(report: ExpenseReport, category: str, payee) -> str | None:
    """Why a subsidy line for `payee` does not hold, or None: the payee must hold a grid
    manager (or assistant) assignment inside the street valid on some day of the month."""
    if payee is None:
        return _("A subsidy line names the grid staff member paid.")
    start = report.first_day
    end = month_end(report.year, report.month) + datetime.timedelta(days=1)
    street = report.street
    valid = Assignment.objects.overlapping(start, end).filter(
        user=payee,
        role=SUBSIDY_CATEGORIES[category],
        node__tree_id=street.tree_id,
        node__lft__gte=street.lft,
        node__rght__lte=street.rght,
    )
    if not valid.exists():
        return _("%(person)s held no %(role)s post in %(street)s during %(year)s-%(month)02d.") % {
            "person": payee,
            "role": Role(SUBSIDY_CATEGORIES[category]).label,
            "street": street.name,
            "year": report.year,
            "month": report.month,
        }
    return None


def _editable(actor, report: ExpenseReport) -> ExpenseReport:
    require_role(actor, *PREPARERS, action=_("prepare expense reports"))
    _check_street_actor(actor, report.street)
    report = ExpenseReport.objects.select_for_update().select_related("street").get(pk=report.pk)
    if not report.is_editable:
        raise Conflict(
            _("This report is %(status)s: it can no longer be changed.")
            % {"status": ReportStatus(report.status).label.lower()}
        )
    return report


@transaction.atomic
def expense_line_add(
    *, actor, report: ExpenseReport, category: str, amount_fen: int, payee_id: int | None = None, description: str = ""
) -> ExpenseLine:
    report = _editable(actor, report)
    if category not in Category.values:
        raise InvalidInput(_("Unknown expense category %(c)s.") % {"c": category}, field="category")
    amount = check_amount(amount_fen)
    payee = None
    if payee_id is not None:
        payee = get_user_model().objects.filter(pk=payee_id).first()
        if payee is None:
            raise InvalidInput(
                _("No staff member %(id)s: subsidies go to known grid staff.") % {"id": payee_id}, field="payee"
            )
    if category in SUBSIDY_CATEGORIES:
        if problem := subsidy_problem(report, category, payee):
            raise InvalidInput(problem, field="payee")
    elif payee is not None:
        raise InvalidInput(_("Only subsidy lines name a payee."), field="payee")
    return ExpenseLine.objects.create(
        report=report, category=category, amount_fen=amount, payee=payee, description=(description or "").strip()[:200]
    )


@transaction.atomic
def expense_lines_add_many(*, actor, report: ExpenseReport, lines: list[dict]) -> int:
    """Add many lines at once (a month's subsidy roll of a whole street), checked exactly as
    expense_line_add checks one, with the assignments read in one query. Each dict holds
    category, amount_fen, and payee_id / description where they apply. Returns the count."""
    report = _editable(actor, report)
    payee_ids = {li["payee_id"] for li in lines if li.get("payee_id") is not None}
    payees = get_user_model().objects.in_bulk(payee_ids)
    start = report.first_day
    end = month_end(report.year, report.month) + datetime.timedelta(days=1)
    street = report.street
    held = set(
        Assignment.objects.overlapping(start, end)
        .filter(user_id__in=payee_ids, node__tree_id=street.tree_id, node__lft__gte=street.lft,
                node__rght__lte=street.rght)
        .values_list("user_id", "role")
    )  # fmt: skip
    rows = []
    for i, li in enumerate(lines, start=1):
        category, payee_id = li.get("category"), li.get("payee_id")
        if category not in Category.values:
            raise InvalidInput(_("Line %(n)d: unknown expense category.") % {"n": i}, field="category")
        amount = check_amount(li.get("amount_fen"))
        if payee_id is not None and payee_id not in payees:
            raise InvalidInput(_("Line %(n)d: no staff member %(id)s.") % {"n": i, "id": payee_id}, field="payee")
        if category in SUBSIDY_CATEGORIES:
            if (payee_id, SUBSIDY_CATEGORIES[category]) not in held:
                raise InvalidInput(
                    subsidy_problem(report, category, payees.get(payee_id))
                    or _("Line %(n)d: no valid post.") % {"n": i},
                    field="payee",
                )
        elif payee_id is not None:
            raise InvalidInput(_("Only subsidy lines name a payee."), field="payee")
        rows.append(
            ExpenseLine(report=report, category=category, amount_fen=amount, payee_id=payee_id,
                        description=(li.get("description") or "").strip()[:200])
        )  # fmt: skip
    ExpenseLine.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def expense_line_remove(*, actor, report: ExpenseReport, line_id: int) -> None:
    report = _editable(actor, report)
    deleted, _detail = ExpenseLine.objects.filter(report=report, pk=line_id).delete()
    if not deleted:
        raise NotFound(_("No such line on this report."))


@transaction.atomic
def receipt_attach(*, actor, report: ExpenseReport, file, line_id: int | None = None) -> Receipt:
    report = _editable(actor, report)
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1][:200]
    if file.size > MAX_RECEIPT_BYTES:
        raise InvalidInput(_("A receipt is at most 10 MB."), field="file")
    # By content, not by name: a "receipt.pdf" that is really HTML is refused.
    checked = files.checked_content(
        file.read(MAX_RECEIPT_BYTES + 1),
        accept=RECEIPT_TYPES,
        refusal=_("A receipt is a PDF, JPEG or PNG file."),
        field="file",
    )
    line = None
    if line_id is not None:
        line = ExpenseLine.objects.filter(report=report, pk=line_id).first()
        if line is None:
            raise NotFound(_("No such line on this report."), field="line")
    stored = ContentFile(checked.data, name=f"receipt.{checked.extension}")
    return Receipt.objects.create(report=report, line=line, file=stored, name=name, uploaded_by=actor)


def expense_report_problems(report: ExpenseReport) -> list[str]:
    """What stops the report from being submitted (the 'validate' button shows these)."""
    problems = []
    for line in report.lines.select_related("payee"):
        if line.category in SUBSIDY_CATEGORIES and (p := subsidy_problem(report, line.category, line.payee)):
            problems.append(p)
    return problems


@transaction.atomic
def expense_report_submit(*, actor, report: ExpenseReport) -> ExpenseReport:
    require_role(actor, *PREPARERS, action=_("submit expense reports"))
    _check_street_actor(actor, report.street)
    if problems := expense_report_problems(report):
        raise InvalidInput(_("The report cannot be submitted: %(problems)s") % {"problems": " ".join(problems)})
    report = _transition(report, "submit", actor=actor)
    now = timezone.now()
    report.submitted_at, report.submitted_by = now, actor
    fields = ["submitted_at", "submitted_by"]
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        fields.append("first_submitted_at")
        if report.late_since is None and timezone.localdate(now) > report.due_date:
            report.late_since = report.due_date + datetime.timedelta(days=1)
            fields.append("late_since")
    report.save(update_fields=fields)
    return report


@transaction.atomic
def expense_report_return(*, actor, report: ExpenseReport, comment: str) -> ExpenseReport:
    """Send the report back to the street with the auditor's comments (退回)."""
    require_role(actor, *REVIEWERS, action=_("review expense reports"))
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(_("Say what the street must fix: a return needs a comment."), field="comment")
    report = _transition(report, "return", actor=actor, comment=comment[:4000])
    report.reviewed_by = actor
    report.save(update_fields=["reviewed_by"])
    return report


@transaction.atomic
def expense_report_approve(*, actor, report: ExpenseReport, comment: str = "") -> ExpenseReport:
    """Approve: post the report's expense voucher (debit each category, credit the street's
    allocation; made by the submitter, approved by the auditor) and lock the street's month."""
    require_role(actor, *REVIEWERS, action=_("review expense reports"))
    report = _transition(report, "approve", actor=actor, comment=(comment or "").strip()[:4000])
    if actor is not None and actor.pk == report.submitted_by_id:
        raise NotAllowed(_("The person who submitted a report cannot also approve it."))
    street = GridNode.objects.get(pk=report.street_id)
    totals = dict(report.lines.values_list("category").annotate(total=Sum("amount_fen")).order_by("category"))
    if totals:
        accounts = street_accounts(street)
        memo = _("Expenses of %(street)s, %(year)s-%(month)02d") % {
            "street": street.name,
            "year": report.year,
            "month": report.month,
        }
        lines = [LineSpec(accounts[c], debit_fen=fen, memo=Category(c).label) for c, fen in totals.items()]
        lines.append(LineSpec(accounts["allocation"], credit_fen=sum(totals.values()), memo=memo))
        voucher = _draft(
            made_by=report.submitted_by,
            street=street,
            date=month_end(report.year, report.month),
            kind=VoucherKind.EXPENSE,
            memo=memo,
            lines=lines,
            report=report,
        )
        _post(approver=actor, voucher=voucher)
    StreetMonthLock.objects.create(street=street, period=period_for(report.first_day), locked_by=actor)
    report.approved_at, report.reviewed_by = timezone.now(), actor
    report.save(update_fields=["approved_at", "reviewed_by"])
    return report


def _open_missing_drafts(year: int, month: int) -> None:
    """A draft for each street with a budget that has not started the month's report (the
    unique constraint makes a second run, or a race, a no-op)."""
    from ..models import Budget

    have = set(ExpenseReport.objects.filter(year=year, month=month).values_list("street_id", flat=True))
    missing = Budget.objects.filter(year=year).exclude(street_id__in=have).values_list("street_id", flat=True)
    ExpenseReport.objects.bulk_create(
        [ExpenseReport(street_id=sid, year=year, month=month, due_date=due_date(year, month)) for sid in missing],
        ignore_conflicts=True,
    )


@transaction.atomic
def expense_reports_mark_late(*, today: datetime.date | None = None) -> list[ExpenseReport]:
    """Flag every report not submitted by its due date, opening a draft for any street
    with a budget that has not started last month's report. Safe to run again: a report
    is flagged once (late_since is set once), and opened once (the unique constraint).
    Returns the reports newly found late; their notice goes out after commit."""

    today = today or timezone.localdate()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    if today > due_date(last_month_end.year, last_month_end.month):
        _open_missing_drafts(last_month_end.year, last_month_end.month)
    late = list(
        ExpenseReport.objects.select_for_update()
        .filter(due_date__lt=today, late_since__isnull=True, first_submitted_at__isnull=True)
        .select_related("street")
    )
    if late:
        ExpenseReport.objects.filter(pk__in=[r.pk for r in late]).update(late_since=today)
        for report in late:
            report.late_since = today
        transaction.on_commit(lambda: notices.reports_late(late))
    return late


REMIND_DAYS_BEFORE = 3


@transaction.atomic
def expense_reports_remind(*, today: datetime.date | None = None) -> list[ExpenseReport]:
    """Remind the streets of reports due within three days and not yet submitted, opening a
    draft for a street with a budget that has not started last month's report. Each report
    is reminded once (reminded_on is set once). Returns those reminded now; their notice
    goes out after commit."""

    today = today or timezone.localdate()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    year, month = last_month_end.year, last_month_end.month
    if today <= due_date(year, month) <= today + datetime.timedelta(days=REMIND_DAYS_BEFORE):
        _open_missing_drafts(year, month)
    due = list(
        ExpenseReport.objects.select_for_update()
        .filter(
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
            reminded_on__isnull=True,
            first_submitted_at__isnull=True,
        )
        .select_related("street")
    )
    if due:
        ExpenseReport.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
        for report in due:
            report.reminded_on = today
        transaction.on_commit(lambda: notices.reports_due_soon(due))
    return due
