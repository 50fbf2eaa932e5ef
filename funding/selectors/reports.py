"""Reads of the monthly expense reports: lists, the review queue, late and due-soon reports, payees."""

import datetime

from django.db.models import Count, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import Role
from grids.models import Assignment

from ..access import can_read_funding
from ..models import (
    SUBSIDY_CATEGORIES,
    ExpenseLine,
    ExpenseReport,
    Receipt,
    ReportStatus,
    Voucher,
)
from ..services.reports import month_end
from .common import _scoped

# ---- reports -------------------------------------------------------------------------


def visible_reports(user) -> QuerySet[ExpenseReport]:
    """Reports with their street and total (one query for a whole list)."""
    return (
        _scoped(ExpenseReport.objects.all(), user)
        .select_related("street", "prepared_by", "submitted_by", "reviewed_by")
        .defer("street__boundary")
        .annotate(total_fen=Coalesce(Sum("lines__amount_fen"), Value(0)), line_count=Count("lines"))
        .order_by("-year", "-month", "street__code")
    )


def visible_receipts(user) -> QuerySet[Receipt]:
    """Receipts of the reports the user may open (gridgov.files serves them); none for users
    funding is not for."""
    if user is not None and not can_read_funding(user):
        return Receipt.objects.none()
    return Receipt.objects.filter(report__in=_scoped(ExpenseReport.objects.all(), user))


def report_detail(user, pk: int) -> ExpenseReport:
    return (
        visible_reports(user)
        .prefetch_related(
            Prefetch("lines", queryset=ExpenseLine.objects.select_related("payee").prefetch_related("receipts")),
            "receipts",
            "events__actor",
            Prefetch("vouchers", queryset=Voucher.objects.select_related("period")),
        )
        .get(pk=pk)
    )


def review_queue(user) -> QuerySet[ExpenseReport]:
    """Submitted reports waiting for an auditor, oldest submission first."""
    return visible_reports(user).filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "id")


def late_reports(user) -> QuerySet[ExpenseReport]:
    """Reports not submitted by the 5th of the next month (the plain list that stands in for
    the notification centre's late notices)."""
    return visible_reports(user).filter(late_since__isnull=False).order_by("-year", "-month", "street__code")


def reports_due_soon(user, *, today: datetime.date | None = None, days: int = 3) -> QuerySet[ExpenseReport]:
    """Unsubmitted reports due within `days` days: the reminder list."""
    today = today or timezone.localdate()
    return visible_reports(user).filter(
        status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
        first_submitted_at__isnull=True,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=days),
    )


def payee_choices(report: ExpenseReport) -> list[tuple[int, str]]:
    """Grid staff who may be paid a subsidy on this report: a post under the street valid
    on some day of the month. One query."""
    street = report.street
    start, end = report.first_day, month_end(report.year, report.month) + datetime.timedelta(days=1)
    rows = (
        Assignment.objects.overlapping(start, end)
        .filter(
            role__in=list(SUBSIDY_CATEGORIES.values()),
            node__tree_id=street.tree_id,
            node__lft__gte=street.lft,
            node__rght__lte=street.rght,
        )
        .values_list("user_id", "user__name", "user__username", "role", "node__name")
        .order_by("role", "node__code", "user__username")
    )
    return [(uid, f"{name or username} · {Role(role).label} · {node}") for uid, name, username, role, node in rows]
