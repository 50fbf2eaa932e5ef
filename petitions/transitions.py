"""The one table of the appeal lifecycle (docs/domain.md §4). Every service looks its move up here;
nothing else decides which move is legal or who may make it.

`unit=True` means the actor must also belong to the appeal's current handling unit (the
department, or a node whose subtree holds the handling node); otherwise scope is enough.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from accounts.scopes import scope_for
from gridgov.errors import Conflict, NotAllowed

from .models import Status

S = Status
CENTER = frozenset({Role.COMMAND_CENTER})
HANDLERS = frozenset({Role.STREET_OFFICE, Role.COMMUNITY, Role.DEPARTMENT})
REVISITORS = frozenset({Role.COMMAND_CENTER, Role.HOTLINE})


@dataclass(frozen=True)
class Move:
    to: str
    roles: frozenset
    unit: bool = False


# (from status, action) → the move. Actions that keep the status still write an event.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.RECEIVED, "register"): Move(S.REGISTERED, CENTER),  # 立案: classify, locate
    (S.RECEIVED, "merge"): Move(S.MERGED, CENTER),  # 重复件: links to the open case
    (S.RECEIVED, "reject"): Move(S.REJECTED, CENTER),
    (S.REGISTERED, "reject"): Move(S.REJECTED, CENTER),
    (S.REGISTERED, "dispatch"): Move(S.DISPATCHED, CENTER),  # 分流交办
    # A street office passes its case down to one of its communities (下派).
    (S.DISPATCHED, "dispatch_down"): Move(S.DISPATCHED, frozenset({Role.STREET_OFFICE}), unit=True),
    (S.IN_PROGRESS, "dispatch_down"): Move(S.DISPATCHED, frozenset({Role.STREET_OFFICE}), unit=True),
    (S.DISPATCHED, "sign"): Move(S.IN_PROGRESS, HANDLERS, unit=True),  # 签收
    (S.DISPATCHED, "return"): Move(S.REGISTERED, HANDLERS, unit=True),  # 回退: not ours
    (S.IN_PROGRESS, "transfer"): Move(S.REGISTERED, HANDLERS, unit=True),  # 转办: someone else's
    (S.IN_PROGRESS, "request_extension"): Move(S.IN_PROGRESS, HANDLERS, unit=True),  # 申请延期
    (S.IN_PROGRESS, "decide_extension"): Move(S.IN_PROGRESS, CENTER),  # 审批延期
    (S.IN_PROGRESS, "reply"): Move(S.REPLIED, HANDLERS, unit=True),  # 答复
    (S.REPLIED, "verify"): Move(S.VERIFIED, CENTER),  # 核查通过
    (S.REPLIED, "rework"): Move(S.DISPATCHED, CENTER),  # 核查不通过 → 返工
    (S.VERIFIED, "revisit"): Move(S.CLOSED, REVISITORS),  # 回访 → 办结
    (S.VERIFIED, "revisit_rework"): Move(S.DISPATCHED, REVISITORS),  # 回访不满意 (实质) → 返工
    (S.CLOSED, "reopen"): Move(S.REGISTERED, CENTER),  # 重新办理, within 30 days
}

ACTION_LABELS = {
    "create": gettext_lazy("received"),
    "register": gettext_lazy("register"),
    "merge": gettext_lazy("merge as a repeat"),
    "repeat": gettext_lazy("repeat appeal linked"),
    "reject": gettext_lazy("reject"),
    "dispatch": gettext_lazy("dispatch"),
    "dispatch_down": gettext_lazy("dispatch down"),
    "sign": gettext_lazy("sign"),
    "return": gettext_lazy("return"),
    "transfer": gettext_lazy("transfer"),
    "request_extension": gettext_lazy("request an extension"),
    "decide_extension": gettext_lazy("decide an extension"),
    "reply": gettext_lazy("reply"),
    "verify": gettext_lazy("verify"),
    "rework": gettext_lazy("send back for rework"),
    "revisit": gettext_lazy("return visit"),
    "revisit_rework": gettext_lazy("return visit: rework"),
    "reopen": gettext_lazy("reopen"),
    "photo": gettext_lazy("add a photo"),
    "slip": gettext_lazy("supervision slip"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def move_for(status: str, action: str) -> Move:
    move = TRANSITIONS.get((status, action))
    if move is None:
        raise Conflict(
            _("An appeal that is %(status)s cannot be given the action “%(action)s”.")
            % {"status": Status(status).label.lower(), "action": action_label(action)},
            code="illegal_transition",
        )
    return move


def in_handling_unit(actor, appeal) -> bool:
    """Whether the actor belongs to the appeal's handling unit (its department, or a node
    whose subtree holds the handling node)."""
    scope = scope_for(actor)
    if appeal.handling_department_id:
        return appeal.handling_department_id in scope.department_ids
    if appeal.handling_node_id:
        return scope.contains_node(appeal.handling_node)
    return False


def check_allowed(actor, appeal, action: str) -> Move:
    """The move, or a refusal naming the state and the action. `actor=None` is the system."""
    move = move_for(appeal.status, action)
    # A superuser is an administrator: it configures, it takes no part in an appeal's moves.
    if actor is None:
        return move
    scope = scope_for(actor)
    if not scope.has_role(*move.roles):
        raise NotAllowed(_("Your role may not %(action)s an appeal.") % {"action": action_label(action)}, code="role")
    if move.unit and not in_handling_unit(actor, appeal):
        raise NotAllowed(
            _("Only the handling unit may %(action)s this appeal.") % {"action": action_label(action)},
            code="not_handling_unit",
        )
    return move


def available_actions(actor, appeal) -> list[str]:
    """The actions the actor may take on the appeal now (for the pages)."""
    actions = []
    for (status, action), _move in TRANSITIONS.items():
        if status != appeal.status:
            continue
        try:
            check_allowed(actor, appeal, action)
        except (NotAllowed, Conflict):
            continue
        actions.append(action)
    return actions
