"""Assessment (考核): the rules units and grid staff are scored by, the periods scored, every
scoring run of a period, and the scores each run stored with the counts they came from.

History is kept: a rule set is never edited once a period used it (a new one takes effect
from a later date), and a recomputation is a new run beside the old one, not an overwrite.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import Department, GridNode


def _weight(label, default: str, **kwargs):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default), **kwargs)


UNIT_WEIGHTS = ("on_time", "completion", "satisfaction", "no_rework")
SLIP_DEDUCTIONS = ("yellow", "orange", "red")
STAFF_WEIGHTS = ("visit_coverage", "reports", "response", "diary")
# The date of the built-in rule set: before any period the platform can score.
SYSTEM_START = datetime.date(2000, 1, 1)


class RuleSet(models.Model):
    """The weights, deductions and targets of the scores (评分规则), in force from
    `effective_from` until the next rule set's date. A period is scored with the rule set in
    force on its first day and keeps it for good."""

    effective_from = models.DateField(_("in force from"), unique=True)
    # Unit score: four weights that add up to 100, then deductions per slip (docs/domain.md §6).
    on_time = _weight(_("on-time completion (按期办结率)"), "40")
    completion = _weight(_("completion (办结率)"), "20")
    satisfaction = _weight(_("satisfaction (满意率)"), "30")
    no_rework = _weight(_("no rework (1 − 返工率)"), "10")
    yellow = _weight(_("deduction per yellow slip"), "0.2")
    orange = _weight(_("deduction per orange slip"), "0.5")
    red = _weight(_("deduction per red slip"), "1")
    # Staff score: four weights that add up to 100, each applied to a rate capped at 1.
    visit_coverage = _weight(_("visit coverage"), "40")
    reports = _weight(_("reports filed"), "20")
    response = _weight(_("response time"), "20")
    diary = _weight(_("people's diary"), "20")
    # Monthly targets (a quarter's are three times these).
    visit_share = models.DecimalField(
        _("share of the grid's households to visit per month"), max_digits=4, decimal_places=3, default=Decimal("0.25")
    )
    reports_target = models.PositiveSmallIntegerField(_("reports to file per month"), default=4)
    response_hours = models.PositiveSmallIntegerField(
        _("hours to complete a service done on a resident's behalf"), default=72
    )
    diary_target = models.PositiveSmallIntegerField(_("diary days per month"), default=20)

    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scoring rule set")
        verbose_name_plural = _("scoring rule sets")
        ordering = ["-effective_from"]
        constraints = [
            # The services say which weights are off; these keep raw SQL from storing it anyway.
            models.CheckConstraint(
                condition=Exact(F("on_time") + F("completion") + F("satisfaction") + F("no_rework"), 100),
                name="ruleset_unit_weights_100",
            ),
            models.CheckConstraint(
                condition=Exact(F("visit_coverage") + F("reports") + F("response") + F("diary"), 100),
                name="ruleset_staff_weights_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from}"

    @property
    def is_system_default(self) -> bool:
        """The built-in rule set (系统默认规则), in force since the platform started: its date is a
        placeholder before any period, so pages say "since the platform started" instead."""
        return self.effective_from == SYSTEM_START

    @property
    def unit_weights(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in (*UNIT_WEIGHTS, *SLIP_DEDUCTIONS)}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class PeriodStatus(models.TextChoices):
    PENDING = "pending", _("Not scored yet")
    CLOSED = "closed", pgettext_lazy("assessment period", "Closed")


class Period(models.Model):
    """A month or quarter of assessment: [start, end) in local dates. Scored once, then closed;
    only an explicit, logged recomputation (a new run) changes what it shows."""

    kind = models.CharField(_("kind"), max_length=7, choices=PeriodKind.choices)
    label = models.CharField(_("period"), max_length=7, unique=True)  # 2026-05, 2026-Q2
    start = models.DateField(_("from"))
    end = models.DateField(_("until (exclusive)"))
    status = models.CharField(_("status"), max_length=7, choices=PeriodStatus.choices, default=PeriodStatus.PENDING)
    rules = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="periods")
    current_run = models.ForeignKey(
        "ScoringRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("current run")
    )

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-start", "kind"]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="period_start_before_end")]

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> int:
        return 3 if self.kind == PeriodKind.QUARTER else 1


class ScoringRun(models.Model):
    """One computation of a period's scores: the first (by the task or `score_period`) or a
    recomputation, which names who asked for it and why. Never edited or deleted."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveSmallIntegerField(_("run"))
    rules = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    seconds = models.FloatField(_("seconds taken"), default=0)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["period", "number"]
        constraints = [models.UniqueConstraint(fields=["period", "number"], name="scoringrun_once_per_number")]

    def __str__(self) -> str:
        return f"{self.period_id} #{self.number}"


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


class UnitScore(models.Model):
    """A handling unit's score in one run, with every count it came from (docs/domain.md §6)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="unit_scores")
    kind = models.CharField(_("level"), max_length=10, choices=UnitKind.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    node = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("unit"), max_length=100)
    handled = models.PositiveIntegerField(_("handled"))
    completed = models.PositiveIntegerField(_("completed"))
    on_time = models.PositiveIntegerField(_("on time"))
    rated = models.PositiveIntegerField(_("rated"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    reworked = models.PositiveIntegerField(_("reworked"))
    return_visited = models.PositiveIntegerField(_("return-visited"))
    extensions = models.PositiveIntegerField(_("extended"))  # appeals with an approved extension
    blue = models.PositiveIntegerField(_("blue slips"))
    yellow = models.PositiveIntegerField(_("yellow slips"))
    orange = models.PositiveIntegerField(_("orange slips"))
    red = models.PositiveIntegerField(_("red slips"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))  # among the run's units of the same kind

    class Meta:
        verbose_name = _("unit score")
        verbose_name_plural = _("unit scores")
        ordering = ["run", "kind", "rank", "name"]
        indexes = [
            # Rankings: a run's units of one level in rank order.
            models.Index(fields=["run", "kind", "rank"], name="unitscore_run_kind_rank"),
            # A unit's trend across periods.
            models.Index(fields=["node", "run"], name="unitscore_node_run"),
            models.Index(fields=["department", "run"], name="unitscore_department_run"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True, node__isnull=False)
                | Q(department__isnull=False, node__isnull=True),
                name="unitscore_one_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.score}"


class StaffScore(models.Model):
    """A grid manager's or assistant's score in one run, with the counts it came from."""

    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="staff_scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    # The grid the person held in the period (the first by code when several).
    node = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    name = models.CharField(_("name"), max_length=100)
    households = models.PositiveIntegerField(_("households in the grid"))
    visited = models.PositiveIntegerField(_("households visited"))
    reports = models.PositiveIntegerField(_("reports filed"))
    services = models.PositiveIntegerField(_("services done on residents' behalf"))
    services_on_time = models.PositiveIntegerField(_("of them in time"))
    diary_days = models.PositiveIntegerField(_("diary days"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))  # among the run's staff of the same role

    class Meta:
        verbose_name = _("staff score")
        verbose_name_plural = _("staff scores")
        ordering = ["run", "role", "rank", "name"]
        indexes = [
            models.Index(fields=["run", "role", "rank"], name="staffscore_run_role_rank"),
            models.Index(fields=["user", "run"], name="staffscore_user_run"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.score}"
