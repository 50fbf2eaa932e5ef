"""Hot spots (热点) and proactive tasks (未诉先办): rules as data, editable by the center; a hit
of a rule becomes a task for the unit grid's manager, with the appeals behind it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import GridNode


class RuleKind(models.TextChoices):
    GRID_MODULE = "grid_module", _("Same unit grid and module N times in M days")
    REPEAT_CALLER = "repeat_caller", _("The same caller N times in M days")
    SURGE = "surge", _("A module's count today against its same-weekday baseline")


class HotspotRule(models.Model):
    """One rule of the hot-spot detector (dashboard.hotspots). `threshold` is N (appeals) for
    the first two kinds and the z-score for a surge; `days` is M (the surge's baseline is always
    the same weekday of the last 4 weeks)."""

    name = models.CharField(_("rule name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    module = models.ForeignKey(
        "petitions.ServiceModule", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Module")
    )
    threshold = models.FloatField(_("threshold"), default=3)
    days = models.PositiveSmallIntegerField(_("days"), default=30)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hot-spot rule")
        verbose_name_plural = _("hot-spot rules")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gt=0) & Q(days__gt=0), name="hotspot_rule_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("proactive task", "Open")
    CLOSED = "closed", pgettext_lazy("proactive task", "Closed")


class ProactiveTask(models.Model):
    """未诉先办: a hot spot handed to the unit grid's manager before anyone appeals again. One
    open task per rule and key (a unit grid + module, a caller, a module's day): the detector may
    run any number of times."""

    rule = models.ForeignKey(HotspotRule, on_delete=models.PROTECT, related_name="tasks")
    key = models.CharField(max_length=100)
    reason = models.TextField(_("why"))
    unit_grid = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="proactive_tasks", blank=True)
    appeals = models.ManyToManyField("petitions.Appeal", related_name="proactive_tasks")
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proactive task")
        verbose_name_plural = _("proactive tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"], condition=Q(status="open"), name="proactive_task_one_open_per_key"
            ),
        ]
        indexes = [
            # The dashboard lists a street's open tasks, newest first.
            models.Index(fields=["street", "status", "created_at"], name="proactive_street_status"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.key}"
