"""What a user may see: the one place that decides it.

A user sees the subtrees of the grid nodes they hold an active assignment on, and the
departments they are assigned to. An assignment on the district node (the command center,
the supervision bureau, hotline operators, auditors, admins) or a superuser sees everything.
Every list, detail, API endpoint and export filters through `scope_for(user)`.

It lives beside the tree it reads (`accounts.scopes` re-exports it). The big tables that store
their street, community and unit grid beside each row (households, residents, visits,
appeals, ...) take `LocatedQuerySet`: `visible_to(user)` and `in_node(node)` as plain
indexed equality filters on those columns.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.errors import NotAllowed

from .levels import Level
from .models import Assignment, GridNode


@dataclass(frozen=True)
class ScopeNode:
    id: int
    level: int
    tree_id: int
    lft: int
    rght: int


# "Every row" as a condition that survives being or-ed: Q() | Q(x=1) is just Q(x=1) in Django,
# which made `scope.located_q() | Q(visitor=user)` hide everything from the district's staff.
# A negated empty `__in` compiles to no WHERE clause at all, alone or inside an OR.
ALL_ROWS = ~Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    nodes: tuple[ScopeNode, ...] = ()
    department_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    # The unit grids under each base-grid root, so that located rows can be filtered
    # by plain equality on their stored unit grid.
    unit_ids_by_base: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.nodes and not self.department_ids

    def node_q(self, prefix: str = "") -> Q:
        """Rows of GridNode (or a relation to it, via `prefix`) inside the scope."""
        if self.everything:
            return ALL_ROWS
        q = Q(pk__in=[])
        for node in self.nodes:
            q |= Q(
                **{
                    f"{prefix}tree_id": node.tree_id,
                    f"{prefix}lft__gte": node.lft,
                    f"{prefix}rght__lte": node.rght,
                }
            )
        return q

    def located_q(self, *, street: str = "street", community: str = "community", unit_grid: str = "unit_grid") -> Q:
        """Rows that store their street, community and unit grid beside them (households,
        appeals, ...): the scope becomes indexed equality filters on those columns."""
        if self.everything:
            return ALL_ROWS
        q = Q(pk__in=[])
        for node in self.nodes:
            if node.level == Level.STREET:
                q |= Q(**{f"{street}_id": node.id})
            elif node.level == Level.COMMUNITY:
                q |= Q(**{f"{community}_id": node.id})
            elif node.level == Level.BASE_GRID:
                q |= Q(**{f"{unit_grid}_id__in": self.unit_ids_by_base.get(node.id, ())})
            elif node.level == Level.UNIT_GRID:
                q |= Q(**{f"{unit_grid}_id": node.id})
        return q

    def department_q(self, lookup: str = "department_id") -> Q:
        """Rows whose `lookup` names one of the user's departments."""
        if self.everything:
            return ALL_ROWS
        return Q(**{f"{lookup}__in": sorted(self.department_ids)})

    def contains_node(self, node: GridNode) -> bool:
        return self.everything or any(
            n.tree_id == node.tree_id and n.lft <= node.lft and node.rght <= n.rght for n in self.nodes
        )

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


EVERYTHING = Scope(everything=True)


def compute_scope(user) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope()
    assignments = list(
        Assignment.objects.active()
        .filter(user=user)
        .select_related("node")
        .only("role", "department_id", "node__id", "node__level", "node__tree_id", "node__lft", "node__rght")
    )
    roles = frozenset(a.role for a in assignments)
    if user.is_superuser or any(a.node and a.node.level == Level.DISTRICT for a in assignments):
        return Scope(everything=True, roles=roles)
    nodes = tuple(
        sorted(
            {
                ScopeNode(a.node.id, a.node.level, a.node.tree_id, a.node.lft, a.node.rght)
                for a in assignments
                if a.node
            },
            key=lambda n: (n.tree_id, n.lft),
        )
    )
    # Drop nodes already inside another root of the scope.
    roots: list[ScopeNode] = []
    for node in nodes:
        if not any(r.tree_id == node.tree_id and r.lft <= node.lft and node.rght <= r.rght for r in roots):
            roots.append(node)
    base_ids = [n.id for n in roots if n.level == Level.BASE_GRID]
    unit_ids_by_base: dict[int, list[int]] = {}
    if base_ids:
        for unit_id, parent_id in GridNode.objects.filter(parent_id__in=base_ids).values_list("id", "parent_id"):
            unit_ids_by_base.setdefault(parent_id, []).append(unit_id)
    return Scope(
        nodes=tuple(roots),
        department_ids=frozenset(a.department_id for a in assignments if a.department_id),
        roles=roles,
        unit_ids_by_base={k: tuple(v) for k, v in unit_ids_by_base.items()},
    )


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (that is, once per request)."""
    cached = getattr(user, "_gridgov_scope", None)
    if cached is None:
        cached = compute_scope(user)
        user._gridgov_scope = cached
    return cached


def require_role(actor, *roles: str, action: str) -> None:
    """Refuse unless the actor holds one of `roles`. `actor=None` is the system itself:
    management commands and tasks acting on no one's behalf. A superuser counts as an
    administrator and nothing more (separation of duties, docs/security.md): it passes where
    the administrator may act (configuration), never in a workflow's moves."""
    if actor is None or (actor.is_superuser and "admin" in roles):
        return
    if not scope_for(actor).has_role(*roles):
        raise NotAllowed(_("You may not %(action)s.") % {"action": action})


def in_node_q(node: GridNode | None, *, prefix: str = "") -> Q:
    """Rows located in a node's subtree, by the stored street / community / unit grid columns
    (through `prefix`, e.g. "household__"). The district, or no node, is every row."""
    if node is None or node.level == Level.DISTRICT:
        return ALL_ROWS
    if node.level == Level.STREET:
        return Q(**{f"{prefix}street_id": node.pk})
    if node.level == Level.COMMUNITY:
        return Q(**{f"{prefix}community_id": node.pk})
    if node.level == Level.BASE_GRID:
        return Q(**{f"{prefix}unit_grid__parent_id": node.pk})
    return Q(**{f"{prefix}unit_grid_id": node.pk})


class LocatedQuerySet(models.QuerySet):
    """For models that store `street`, `community` and `unit_grid` beside each row."""

    def visible_to(self, user):
        return self.filter(scope_for(user).located_q())

    def in_node(self, node: GridNode | None):
        return self if node is None else self.filter(in_node_q(node))
