"""The streets' monthly expense reports, their lines, receipts and history."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.files import extension_of, file_url, stored_name
from grids.models import GridNode
from grids.scopes import scope_for

from .ledger import SUBSIDY_CATEGORIES, Category
from .money import MAX_LINE_FEN, yuan


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class ExpenseReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExpenseReportQuerySet":
        return self.filter(scope_for(user).node_q("street__"))

    def unsubmitted(self) -> "ExpenseReportQuerySet":
        return self.filter(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], first_submitted_at__isnull=True)


class ExpenseReport(models.Model):
    """A street's monthly expense report (拨付经费使用明细单), due by the 5th of the next month."""

    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="expense_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # Read by funding.tasks.mark_late_reports through the index below.
    due_date = models.DateField(_("due"))
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Set once, by the lateness service, the first day the report was found late.
    late_since = models.DateField(_("late since"), null=True, blank=True)
    # Set once, by the reminder service, the day the due-soon reminder went out.
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    # Empty when the lateness task opened the report for a street that had not started it.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExpenseReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense report")
        verbose_name_plural = _("expense reports")
        ordering = ["-year", "-month", "street__code"]
        indexes = [
            # funding.tasks.mark_late_reports: unsubmitted reports past their due date.
            models.Index(fields=["due_date", "late_since"], name="report_due_late"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["street", "year", "month"], name="report_once_per_street_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="report_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.street.name} {self.year}-{self.month:02d}"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ExpenseLine(models.Model):
    report = models.ForeignKey(ExpenseReport, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    # Subsidy lines name the grid staff member paid; other lines leave it empty.
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["payee", "report"], name="expenseline_payee")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_LINE_FEN), name="expenseline_amount_sane"
            ),
            models.CheckConstraint(
                condition=Q(category__in=list(SUBSIDY_CATEGORIES), payee__isnull=False)
                | ~Q(category__in=list(SUBSIDY_CATEGORIES)),
                name="expenseline_subsidy_has_payee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {yuan(self.amount_fen)}"


def receipt_path(instance, filename: str) -> str:
    # A random name of ours (gridgov/files.py); `filename` only lends the extension, which
    # receipt_attach took from the content. The uploader's name is kept in `name` for downloads.
    return stored_name("funding/receipts", extension_of(filename))


class Receipt(models.Model):
    """A scanned receipt (票据) attached to a report, optionally to one of its lines."""

    report = models.ForeignKey(ExpenseReport, on_delete=models.PROTECT, related_name="receipts")
    line = models.ForeignKey(ExpenseLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="receipts")
    file = models.FileField(_("file"), upload_to=receipt_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    # Not the storage URL: there is no public /media/; gridgov.files checks the viewer's scope.
    @property
    def url(self) -> str:
        return file_url("receipt", self.pk)


class ReportEvent(models.Model):
    """Append-only history of a report: who did what, when, and the auditor's comment."""

    report = models.ForeignKey(ExpenseReport, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12)
    from_status = models.CharField(max_length=10, choices=ReportStatus.choices)
    to_status = models.CharField(max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"
