"""The double-entry ledger: accounts, periods, street-month locks, vouchers and their lines."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import GridNode
from grids.scopes import scope_for

from .money import MAX_LINE_FEN, yuan


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
    OPEN = "open", pgettext_lazy("accounting period", "Open")
    CLOSED = "closed", pgettext_lazy("accounting period", "Closed")


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
