"""Funding (经费): the per-household budget, a double-entry ledger, the streets' monthly
expense reports (拨付经费使用明细单) and the auditors' review. DESIGN.md section 7.

Money is integer fen (分) everywhere: no float, no rounding drift, and sums are exact.
The ledger's rules are enforced twice: in the services (clear messages) and in the database
(funding/migrations/0002_ledger_triggers.py), so that no path (admin, shell, raw SQL) can edit
a posted voucher, post an unbalanced one, or post into a closed or locked month.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grids.models import GridNode

# Anything above ten million yuan on one line is a typing error, not a grid subsidy: the
# whole district's year is about 11.4 M yuan.
MAX_LINE_FEN = 10_000_000 * 100


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators: 1234567 → '12,345.67'."""
    fen = fen or 0
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


class FundingRate(models.Model):
    """The budget rate per household per year (60 yuan by default), as data with the date
    it takes effect. Rows are added, never edited: the rate on any day is the latest row
    whose effective_from is on or before it."""

    fen_per_household = models.BigIntegerField(_("fen per household per year"))
    effective_from = models.DateField(_("effective from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("funding rate")
        verbose_name_plural = _("funding rates")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fen_per_household__gt=0, fen_per_household__lte=100_000), name="fundingrate_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{yuan(self.fen_per_household)} / {self.effective_from}"


class AllocationFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BudgetQuerySet":
        from accounts.scopes import scope_for

        return self.filter(scope_for(user).node_q("street__"))


class Budget(models.Model):
    """A street's budget for a year, frozen once: rate × the street's households on 1 January."""

    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("households on 1 January"))
    fen_per_household = models.BigIntegerField(_("rate (fen per household)"))
    amount_fen = models.BigIntegerField(_("budget (fen)"))
    frequency = models.CharField(
        _("allocation"), max_length=10, choices=AllocationFrequency.choices, default=AllocationFrequency.MONTHLY
    )
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(auto_now_add=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["year", "street__code"]
        constraints = [
            models.UniqueConstraint(fields=["street", "year"], name="budget_one_per_street_year"),
            models.CheckConstraint(
                condition=Q(amount_fen=F("households") * F("fen_per_household")), name="budget_is_rate_times_households"
            ),
            models.CheckConstraint(condition=Q(fen_per_household__gt=0), name="budget_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.street.name} {self.year}: {yuan(self.amount_fen)}"


class BudgetShare(models.Model):
    """The budget broken down to a community or grid under the street (households × rate)."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="shares")
    node = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField()
    amount_fen = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["budget", "node"], name="budgetshare_once")]

    def __str__(self) -> str:
        return f"{self.node_id}: {yuan(self.amount_fen)}"


class AccountKind(models.TextChoices):
    FUND = "fund", _("District fund")  # 区级网格化管理经费
    ALLOCATION = "allocation", _("Street allocation")  # 街道拨付经费
    EXPENSE = "expense", _("Expense")


class Category(models.TextChoices):
    """Expense categories of the monthly report."""

    MANAGER_SUBSIDY = "manager_subsidy", _("Grid manager subsidy")  # 网格管理员补贴
    ASSISTANT_SUBSIDY = "assistant_subsidy", _("Grid assistant subsidy")  # 网格协管员补贴
    DEVICES = "devices", _("Devices and phone fees")  # 设备及通讯费
    TRAINING = "training", _("Training")  # 培训费
    PRINTING = "printing", _("Printing")  # 印刷费
    OTHER = "other", _("Other")  # 其他


SUBSIDY_CATEGORIES = {Category.MANAGER_SUBSIDY: "grid_manager", Category.ASSISTANT_SUBSIDY: "grid_assistant"}


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AccountQuerySet":
        from accounts.scopes import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(scope.node_q("street__"), street__isnull=False)


class Account(models.Model):
    """A ledger account: the district fund, each street's allocation, and each street's
    expense accounts by category. Debit-normal except the fund (credit-normal)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["street", "kind", "category"], name="account_once_per_street"),
            models.CheckConstraint(
                condition=Q(kind="fund", street__isnull=True) | ~Q(kind="fund") & Q(street__isnull=False),
                name="account_street_unless_fund",
            ),
            models.CheckConstraint(
                condition=Q(kind="expense") & ~Q(category="") | ~Q(kind="expense") & Q(category=""),
                name="account_category_iff_expense",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Period(models.Model):
    """An accounting month. Holds the counter that numbers its vouchers without gaps; once
    closed it refuses postings (a database trigger) and never reopens."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=6, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    # The number the next posted voucher of this month gets; read and bumped under a row lock.
    next_number = models.PositiveIntegerField(default=1)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("accounting period")
        verbose_name_plural = _("accounting periods")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="period_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="period_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)


class StreetMonthLock(models.Model):
    """A street's month, locked when the auditor approves its report: no more postings for
    that street in that month (a database trigger). Append-only."""

    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="locks")
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["street", "period"], name="streetmonthlock_once")]

    def __str__(self) -> str:
        return f"{self.street_id} {self.period}"


class VoucherStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class VoucherKind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")  # 拨款
    EXPENSE = "expense", _("Expense report")  # 经费使用
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")  # 红字冲销


class VoucherQuerySet(models.QuerySet):
    def posted(self) -> "VoucherQuerySet":
        return self.filter(status=VoucherStatus.POSTED)

    def visible_to(self, user) -> "VoucherQuerySet":
        from accounts.scopes import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(scope.node_q("street__"), street__isnull=False)


class Voucher(models.Model):
    """A journal voucher (记账凭证). Drafts may change; posting numbers it, and from then on
    neither it nor its lines change or disappear: corrections are reversal vouchers."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="vouchers")
    # Gapless within the period: given at posting from Period.next_number.
    number = models.PositiveIntegerField(null=True, blank=True)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=VoucherKind.choices)
    status = models.CharField(_("status"), max_length=6, choices=VoucherStatus.choices, default=VoucherStatus.DRAFT)
    # The street whose books the voucher belongs to; scoping and the street-month lock read it.
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    memo = models.CharField(_("memo"), max_length=200)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    report = models.ForeignKey(
        "ExpenseReport", on_delete=models.PROTECT, null=True, blank=True, related_name="vouchers"
    )
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["period__year", "period__month", "number", "id"]
        indexes = [models.Index(fields=["street", "period"], name="voucher_street_period")]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="voucher_number_once_per_period"),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, approved_by__isnull=True, posted_at__isnull=True)
                | Q(status="posted", number__isnull=False, approved_by__isnull=False, posted_at__isnull=False),
                name="voucher_posted_has_number_and_approver",
            ),
            # Maker ≠ approver (制单与审核分离).
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("made_by")), name="voucher_maker_not_approver"
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | Q(kind="reversal"), name="voucher_only_reversals_reverse"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.number is None:
            return f"{_('draft')} #{self.pk}"
        return f"{self.period_id and self.period}-{self.number:04d}"


class VoucherLine(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit_fen = models.BigIntegerField(_("debit (fen)"), default=0)
    credit_fen = models.BigIntegerField(_("credit (fen)"), default=0)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            # One side only, positive, and not absurd.
            models.CheckConstraint(
                condition=Q(debit_fen__gt=0, debit_fen__lte=MAX_LINE_FEN, credit_fen=0)
                | Q(credit_fen__gt=0, credit_fen__lte=MAX_LINE_FEN, debit_fen=0),
                name="voucherline_one_positive_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} Dr {yuan(self.debit_fen)} Cr {yuan(self.credit_fen)}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class ExpenseReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExpenseReportQuerySet":
        from accounts.scopes import scope_for

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
    return f"funding/receipts/{instance.report.year}/{instance.report.street_id}/{filename}"


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
