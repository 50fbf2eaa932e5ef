"""The hot-spot detector (热点发现) and its proactive tasks (未诉先办).

Each active `HotspotRule` is one grouped query over the appeals received in its window:

- `grid_module`: a unit grid and module with at least N appeals in the last M days;
- `repeat_caller`: a caller (the reporter's phone hash: nothing is decrypted) with at least N
  appeals in the last M days;
- `surge`: a module's count today against its counts on the same weekday of the last 4 weeks:
  flagged when today > mean and (today - mean) / max(sd, 1) >= N (a z-score; the floor of 1 keeps
  a flat baseline from flagging one extra appeal).

`hotspot_detect` lists the hits with why and the appeals behind them; `hotspot_tasks_create`
turns each hit into a proactive task for the unit grid's grid manager (`post_holders`), or the
street office when the grid has none; a hit whose task is still open adds its new appeals to it.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grids.models import GridNode, Level
from grids.roles import Role
from grids.scopes import scope_for
from grids.selectors import post_holders
from petitions.models import Appeal

from .models import HotspotRule, ProactiveTask, RuleKind, TaskStatus


@dataclass
class Hit:
    rule: HotspotRule
    key: str
    reason: str
    appeal_ids: list[int] = field(default_factory=list)
    unit_grid_id: int | None = None
    street_id: int | None = None


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def hotspot_detect(now: datetime.datetime | None = None) -> list[Hit]:
    """The hits of every active rule now: one grouped query per rule, one for their appeals."""
    now = now or timezone.now()
    hits: list[Hit] = []
    # The reasons are stored with the tasks: in the site's language (the district's), whoever
    # or whatever (the beat task) runs the detector.
    with translation.override(settings.LANGUAGE_CODE):
        for rule in HotspotRule.objects.filter(active=True).order_by("id"):
            hits.extend(DETECTORS[rule.kind](rule, now))
    return hits


def _window(rule: HotspotRule, now):
    qs = Appeal.objects.filter(created_at__gt=now - datetime.timedelta(days=rule.days)).exclude(status="merged")
    return qs.filter(module_id=rule.module_id) if rule.module_id else qs


def _grid_module(rule: HotspotRule, now) -> list[Hit]:
    qs = _window(rule, now)
    groups = (
        qs.order_by().values("unit_grid_id", "module_id", "module__name", "unit_grid__name", "street_id")
        .annotate(n=Count("id")).filter(n__gte=rule.threshold)
    )  # fmt: skip
    hits = []
    for g in groups:
        ids = list(
            qs.filter(unit_grid_id=g["unit_grid_id"], module_id=g["module_id"]).order_by("created_at", "id")
            .values_list("id", flat=True)
        )  # fmt: skip
        reason = _("%(n)s appeals of %(module)s in %(grid)s in the last %(days)s days (rule: %(threshold)s).") % {
            "n": g["n"], "module": g["module__name"], "grid": g["unit_grid__name"], "days": rule.days,
            "threshold": int(rule.threshold),
        }  # fmt: skip
        hits.append(Hit(rule, f"{g['unit_grid_id']}:{g['module_id']}", reason, ids, g["unit_grid_id"], g["street_id"]))
    return hits


def _repeat_caller(rule: HotspotRule, now) -> list[Hit]:
    qs = _window(rule, now).exclude(reporter_phone_hash="")
    groups = qs.order_by().values("reporter_phone_hash").annotate(n=Count("id")).filter(n__gte=rule.threshold)
    hits = []
    for g in groups:
        rows = list(
            qs.filter(reporter_phone_hash=g["reporter_phone_hash"]).order_by("-created_at", "-id")
            .values_list("id", "unit_grid_id", "street_id")
        )  # fmt: skip
        reason = _("The same caller appealed %(n)s times in the last %(days)s days (rule: %(threshold)s).") % {
            "n": g["n"], "days": rule.days, "threshold": int(rule.threshold),
        }  # fmt: skip
        # The task goes to the grid of the caller's latest appeal.
        key = f"caller:{g['reporter_phone_hash'][:40]}"
        hits.append(Hit(rule, key, reason, sorted(r[0] for r in rows), rows[0][1], rows[0][2]))
    return hits


def _surge(rule: HotspotRule, now) -> list[Hit]:
    today = timezone.localdate(now)
    days = [today - datetime.timedelta(weeks=w) for w in range(5)]  # today and 4 same weekdays
    qs = Appeal.objects.exclude(status="merged")
    if rule.module_id:
        qs = qs.filter(module_id=rule.module_id)
    counts: dict[int, dict[datetime.date, int]] = {}
    names: dict[int, str] = {}
    for day in days:
        start = _local_day_start(day)
        for row in (
            qs.filter(created_at__gte=start, created_at__lt=start + datetime.timedelta(days=1))
            .order_by().values("module_id", "module__name").annotate(n=Count("id"))
        ):  # fmt: skip
            counts.setdefault(row["module_id"], {})[day] = row["n"]
            names[row["module_id"]] = row["module__name"]
    hits = []
    for module_id, by_day in counts.items():
        n = by_day.get(today, 0)
        baseline = [by_day.get(d, 0) for d in days[1:]]
        mean = statistics.fmean(baseline)
        z = (n - mean) / max(statistics.pstdev(baseline), 1.0)
        if n > mean and z >= rule.threshold:
            start = _local_day_start(today)
            ids = list(
                qs.filter(module_id=module_id, created_at__gte=start, created_at__lt=start + datetime.timedelta(days=1))
                .order_by("id").values_list("id", flat=True)
            )  # fmt: skip
            reason = _("%(n)s appeals of %(module)s today against %(mean).1f on the same weekday of the last 4 weeks "
                       "(z = %(z).1f, rule: %(threshold)s).") % {
                "n": n, "module": names[module_id], "mean": mean, "z": z, "threshold": rule.threshold,
            }  # fmt: skip
            hits.append(Hit(rule, f"surge:{module_id}:{today.isoformat()}", reason, ids))
    return hits


DETECTORS = {RuleKind.GRID_MODULE: _grid_module, RuleKind.REPEAT_CALLER: _repeat_caller, RuleKind.SURGE: _surge}


def hotspot_tasks_create(*, actor=None, now: datetime.datetime | None = None) -> list[ProactiveTask]:
    """Every hit becomes a proactive task (or adds its appeals to the open one of its key),
    assigned to the unit grid's grid manager (its base grid's post), else the street office.
    Safe to run twice."""
    now = now or timezone.now()
    tasks = []
    for hit in hotspot_detect(now):
        with transaction.atomic():
            task = (
                ProactiveTask.objects.select_for_update()
                .filter(rule=hit.rule, key=hit.key, status=TaskStatus.OPEN)
                .first()
            )
            if task is None:
                task = ProactiveTask.objects.create(
                    rule=hit.rule, key=hit.key, reason=hit.reason, unit_grid_id=hit.unit_grid_id,
                    street_id=hit.street_id, created_at=now,
                )  # fmt: skip
                task.assignees.set(_assignees(hit))
            else:
                task.reason = hit.reason
                task.save(update_fields=["reason"])
            task.appeals.add(*hit.appeal_ids)
        tasks.append(task)
    return tasks


def _assignees(hit: Hit):
    if hit.unit_grid_id:
        base = GridNode.objects.filter(pk=hit.unit_grid_id).values_list("parent_id", flat=True).first()
        managers = list(post_holders(Role.GRID_MANAGER, node=base))
        if managers:
            return managers
    if hit.street_id:
        return list(post_holders(Role.STREET_OFFICE, node=hit.street_id))
    return list(post_holders(Role.COMMAND_CENTER))


def open_tasks(user, node: GridNode):
    """The open proactive tasks inside a dashboard's node, for the dashboard. A department
    officer (whose dashboard is their department's appeals, not an area) sees none."""
    scope = scope_for(user)
    if scope.department_ids and not scope.nodes and not scope.everything:
        return ProactiveTask.objects.none()
    qs = ProactiveTask.objects.filter(status=TaskStatus.OPEN).select_related("rule", "unit_grid")
    if node.level == Level.STREET:
        qs = qs.filter(street_id=node.pk)
    elif node.level > Level.STREET:
        qs = qs.filter(unit_grid__in=node.get_descendants(include_self=True).filter(level=Level.UNIT_GRID))
    return qs.annotate(n_appeals=Count("appeals")).order_by("-created_at", "-id")


__all__ = ["Hit", "RuleKind", "hotspot_detect", "hotspot_tasks_create", "open_tasks"]
