"""Reads of the assessment, scoped: a user sees the scores of the units and staff inside their
own scope (the district sees all; a street its street, its communities and their grid staff; a
department itself; a grid worker their own score and those of the grids below theirs)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import scope_for

from .models import Period, PeriodStatus, ScoringRun, StaffScore, UnitKind, UnitScore

STAFF_ROLE_NAMES = {Role.GRID_MANAGER: Role.GRID_MANAGER.label, Role.GRID_ASSISTANT: Role.GRID_ASSISTANT.label}


def unit_scores(user) -> QuerySet:
    scope = scope_for(user)
    qs = UnitScore.objects.all()
    if not scope.everything:
        qs = qs.filter(scope.node_q("node__") | scope.department_q("department_id"))
    return qs


def staff_scores(user) -> QuerySet:
    scope = scope_for(user)
    qs = StaffScore.objects.all()
    if not scope.everything:
        qs = qs.filter(scope.node_q("node__") | Q(user=user))
    return qs


def closed_periods(kind: str | None = None) -> QuerySet:
    qs = Period.objects.filter(status=PeriodStatus.CLOSED).select_related("current_run", "rules")
    return qs.filter(kind=kind) if kind else qs


def run_rankings(run: ScoringRun, *, top: int | None = None) -> list[tuple[str, list]]:
    """Every level's ranking of one run, unscoped (the command line and exports of the district)."""
    out = []
    for kind, label in UnitKind.choices:
        rows = run.unit_scores.filter(kind=kind).order_by("rank", "name")
        out.append((_("Units: %(level)s") % {"level": label}, list(rows[:top] if top else rows)))
    for role, label in STAFF_ROLE_NAMES.items():
        rows = run.staff_scores.filter(role=role).order_by("rank", "name")
        out.append((str(label), list(rows[:top] if top else rows)))
    return out
