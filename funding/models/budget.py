"""The rate per household and the budgets frozen from it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grids.models import GridNode
from grids.scopes import scope_for

from .money import yuan


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
