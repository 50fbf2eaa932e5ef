"""The one table of the appeal lifecycle (docs/domain.md §4). Every service looks its move up here;
nothing else decides which move is legal or who may make it.

A move that needs `"unit"` means the actor must also belong to the appeal's current handling unit (the
department, or a node whose subtree holds the handling node); otherwise scope is enough.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from accounts.scopes import scope_for
from gridgov.errors import Conflict, NotAllowed
from gridgov.workflow import Move, Workflow

from .models import Status

S = Status
CENTER = frozenset({Role.COMMAND_CENTER})
HANDLERS = frozenset({Role.STREET_OFFICE, Role.COMMUNITY, Role.DEPARTMENT})
REVISITORS = frozenset({Role.COMMAND_CENTER, Role.HOTLINE})


UNIT = ("unit",)

# The table (docs/domain.md §4). Actions that keep the status still write an event.
WORKFLOW = Workflow(
    "appeal",
    Status.values,
    [
        Move("register", S.RECEIVED, S.REGISTERED, CENTER),  # 立案: classify, locate
        Move("merge", S.RECEIVED, S.MERGED, CENTER),  # 重复件: links to the open case
        Move("reject", (S.RECEIVED, S.REGISTERED), S.REJECTED, CENTER),
        Move("dispatch", S.REGISTERED, S.DISPATCHED, CENTER),  # 分流交办
        # A street office passes its case down to one of its communities (下派).
        Move("dispatch_down", (S.DISPATCHED, S.IN_PROGRESS), S.DISPATCHED, {Role.STREET_OFFICE}, UNIT),
        Move("sign", S.DISPATCHED, S.IN_PROGRESS, HANDLERS, UNIT),  # 签收
        Move("return", S.DISPATCHED, S.REGISTERED, HANDLERS, UNIT),  # 回退: not ours
        Move("transfer", S.IN_PROGRESS, S.REGISTERED, HANDLERS, UNIT),  # 转办: someone else's
        Move("request_extension", S.IN_PROGRESS, S.IN_PROGRESS, HANDLERS, UNIT),  # 申请延期
        Move("decide_extension", S.IN_PROGRESS, S.IN_PROGRESS, CENTER),  # 审批延期
        Move("reply", S.IN_PROGRESS, S.REPLIED, HANDLERS, UNIT),  # 答复
        Move("verify", S.REPLIED, S.VERIFIED, CENTER),  # 核查通过
        Move("rework", S.REPLIED, S.DISPATCHED, CENTER),  # 核查不通过 → 返工
        Move("revisit", S.VERIFIED, S.CLOSED, REVISITORS),  # 回访 → 办结
        Move("revisit_rework", S.VERIFIED, S.DISPATCHED, REVISITORS),  # 回访不满意 (实质) → 返工
        Move("reopen", S.CLOSED, S.REGISTERED, CENTER),  # 重新办理, within 30 days
    ],
)
# (from status, action) → the move.
TRANSITIONS: dict[tuple[str, str], Move] = WORKFLOW.table

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
    move = WORKFLOW.move(status, action)
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
    if not WORKFLOW.role_allows(actor, move):
        raise NotAllowed(_("Your role may not %(action)s an appeal.") % {"action": action_label(action)}, code="role")
    if "unit" in move.needs and not in_handling_unit(actor, appeal):
        raise NotAllowed(
            _("Only the handling unit may %(action)s this appeal.") % {"action": action_label(action)},
            code="not_handling_unit",
        )
    return move


def available_actions(actor, appeal) -> list[str]:
    """The moves the actor may make on the appeal now (for the pages: through
    `petitions.actions.actions_for`)."""
    return WORKFLOW.moves_for(actor, appeal.status, needs=lambda m: _has_needs(actor, appeal, m))


def _has_needs(actor, appeal, move: Move) -> bool:
    if actor is None:
        return True
    return "unit" not in move.needs or in_handling_unit(actor, appeal)
