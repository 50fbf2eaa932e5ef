"""Scoping shared by the funding selectors."""

from django.db.models import QuerySet

from accounts.scopes import scope_for
from grids.models import GridNode, Level


def _scoped(qs: QuerySet, user, prefix: str = "street__") -> QuerySet:
    if user is None:
        return qs
    return qs.filter(scope_for(user).node_q(prefix))


def visible_streets(user) -> QuerySet[GridNode]:
    return _scoped(GridNode.objects.filter(level=Level.STREET), user, "").defer("boundary").order_by("code")
