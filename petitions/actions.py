"""The one registry of appeal actions: each action's name, its input and its service.

The pages (`petitions.views.appeal_act`, POST /appeals/<pk>/act/<name>/), the API
(`petitions.api`, POST /api/appeals/<pk>/<name with dashes>/) and the tests read this table;
none of them names a service of its own. Which actions a user may take now comes from the
transition table (`petitions.transitions`): `table` lists the table's moves an action makes
(回访 makes `revisit`, or `revisit_rework` when the reporter is substantively dissatisfied).

An action's input is read twice because pages and API clients post different shapes: the page
form (`page`: strings from a form, the dispatch select's "department:3") and the API's
serializer (`serializer`, then `api`). Both end in the same keyword arguments of `service`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from gridgov import numbers
from gridgov.errors import InvalidInput
from grids.models import Department, GridNode

from . import services
from .ids import MAX_ID, as_id
from .models import Priority
from .transitions import TRANSITIONS, available_actions

# ---------------------------------------------------------------------------------------------
# API inputs


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class RegisterSerializer(NoteSerializer):
    module = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class MergeSerializer(NoteSerializer):
    into = numbers.ApiIntegerField(min_value=1, max_value=MAX_ID)


class DispatchSerializer(NoteSerializer):
    department = numbers.ApiIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    node = numbers.ApiIntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class DispatchDownSerializer(NoteSerializer):
    community = numbers.ApiIntegerField(min_value=1, max_value=MAX_ID)


class ExtensionRequestSerializer(ReasonSerializer):
    days = numbers.ApiIntegerField(min_value=1, max_value=20)


class ExtensionDecisionSerializer(NoteSerializer):
    approve = serializers.BooleanField()


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReturnVisitSerializer(NoteSerializer):
    rating = serializers.ChoiceField(choices=["satisfied", "basic", "dissatisfied", "unreachable"])
    substantive = serializers.BooleanField(default=False, help_text="dissatisfied for a substantive reason: rework")


class PhotosSerializer(NoteSerializer):
    photos = serializers.ListField(child=serializers.FileField(), min_length=1)


# ---------------------------------------------------------------------------------------------
# Looking up what an input names


def department_or_none(pk) -> Department | None:
    if pk in (None, ""):
        return None
    department = Department.objects.filter(pk=as_id(pk) or 0).first()
    if department is None:
        raise InvalidInput(f"No department {pk}.", field="department")
    return department


def node_or_none(pk) -> GridNode | None:
    if pk in (None, ""):
        return None
    node = GridNode.objects.filter(pk=as_id(pk) or 0).first()
    if node is None:
        raise InvalidInput(f"No grid node {pk}.", field="node")
    return node


def unit_choice(value: str) -> dict:
    """'department:3' or 'node:12' from the page's dispatch select."""
    kind, _sep, pk = (value or "").partition(":")
    if as_id(pk) is None:
        raise InvalidInput(_("Choose a department, street or community."), field="unit")
    if kind == "department":
        department = Department.objects.filter(pk=as_id(pk)).first()
        if department is None:
            raise InvalidInput(_("Choose a department, street or community."), field="unit")
        return {"department": department}
    node = GridNode.objects.filter(pk=as_id(pk)).first()
    if kind != "node" or node is None:
        raise InvalidInput(_("Choose a department, street or community."), field="unit")
    return {"node": node}


def community_choice(value: str) -> GridNode:
    node = GridNode.objects.filter(pk=as_id(value)).first() if as_id(value) else None
    if node is None:
        raise InvalidInput(_("Choose a community."), field="community")
    return node


# ---------------------------------------------------------------------------------------------
# The registry


def _note(p, f) -> dict:
    return {"note": p.get("note", "")}


def _reason(p, f) -> dict:
    return {"reason": p.get("reason", "")}


@dataclass(frozen=True)
class AppealAction:
    name: str  # the page's slug; the API's URL is the same with dashes
    service: Callable  # called as service(actor=, appeal=, **input)
    serializer: type[serializers.Serializer]  # the API's input
    page: Callable[[dict, dict], dict]  # page form (POST, FILES) → the service's input
    done: str  # the message a page shows after it
    doc: str  # the API's description
    table: tuple[str, ...] = ()  # its moves in the transition table; () = its own name
    api: Callable[[dict], dict] = dict  # the serializer's data → the service's input
    aliases: tuple[str, ...] = field(default=())  # older page slugs that still work

    @property
    def moves(self) -> tuple[str, ...]:
        return self.table or (self.name,)

    @property
    def url(self) -> str:
        return self.name.replace("_", "-")

    def run(self, *, actor, appeal, **data):
        return self.service(actor=actor, appeal=appeal, **data)


ACTIONS: dict[str, AppealAction] = {
    a.name: a
    for a in (
        AppealAction(
            "register", services.appeal_register, RegisterSerializer,
            lambda p, f: {"module": p.get("module") or None, "priority": p.get("priority") or None, **_note(p, f)},
            gettext_lazy("Registered."), "立案: confirm or correct module and priority.",
            api=lambda d: {**d, "module": d.get("module") or None},
        ),
        AppealAction(
            "merge", services.appeal_merge, MergeSerializer,
            lambda p, f: {"into": as_id(p.get("into")) or 0, **_note(p, f)},
            gettext_lazy("Merged as a repeat."), "重复件: merge into an open appeal.",
        ),
        AppealAction(
            "reject", services.appeal_reject, ReasonSerializer, _reason,
            gettext_lazy("Rejected."), "不予受理, with the reason.",
        ),
        AppealAction(
            "dispatch", services.appeal_dispatch, DispatchSerializer,
            lambda p, f: {**unit_choice(p.get("unit", "")), **_note(p, f)},
            gettext_lazy("Dispatched."), "分流交办 to a department or a street/community.",
            api=lambda d: {
                "department": department_or_none(d.get("department")), "node": node_or_none(d.get("node")),
                "note": d["note"],
            },
        ),
        AppealAction(
            "dispatch_down", services.appeal_dispatch_down, DispatchDownSerializer,
            lambda p, f: {"community": community_choice(p.get("community", "")), **_note(p, f)},
            gettext_lazy("Dispatched to the community."), "下派: a street passes its case to one of its communities.",
            api=lambda d: {"community": node_or_none(d["community"]), "note": d["note"]},
        ),
        AppealAction("sign", services.appeal_sign, NoteSerializer, _note, gettext_lazy("Signed for."), "签收."),
        AppealAction(
            "return", services.appeal_return, ReasonSerializer, _reason,
            gettext_lazy("Returned to the command center."), "回退 to the command center, with the reason.",
        ),
        AppealAction(
            "transfer", services.appeal_transfer, ReasonSerializer, _reason,
            gettext_lazy("Sent back for transfer."),
            "转办: back to the command center for another unit, with the reason.",
        ),
        AppealAction(
            "request_extension", services.appeal_request_extension, ExtensionRequestSerializer,
            lambda p, f: {"days": p.get("days", ""), **_reason(p, f)},
            gettext_lazy("Extension requested."), "申请延期, before the deadline.",
        ),
        AppealAction(
            "decide_extension", services.appeal_decide_extension, ExtensionDecisionSerializer,
            lambda p, f: {"approve": p.get("approve") == "yes", **_note(p, f)},
            gettext_lazy("Extension decided."), "审批延期: approve or refuse the pending request.",
        ),
        AppealAction(
            "reply", services.appeal_reply, ReplySerializer,
            lambda p, f: {"reply": p.get("reply", ""), "photos": f.getlist("photos")},
            gettext_lazy("Reply sent."), "答复, with photos of the work if any.",
        ),
        AppealAction("verify", services.appeal_verify, NoteSerializer, _note, gettext_lazy("Verified."), "核查通过."),
        AppealAction(
            "rework", services.appeal_rework, ReasonSerializer, _reason,
            gettext_lazy("Sent back for rework."), "返工: verification failed.",
        ),
        AppealAction(
            "return_visit", services.appeal_return_visit, ReturnVisitSerializer,
            lambda p, f: {"rating": p.get("rating", ""), "substantive": p.get("substantive") == "on", **_note(p, f)},
            gettext_lazy("Return visit recorded."), "回访 with the rating: closes the case, or sends it to rework.",
            table=("revisit", "revisit_rework"),
        ),
        AppealAction(
            "reopen", services.appeal_reopen, ReasonSerializer, _reason,
            gettext_lazy("Reopened."), "重新办理, within 30 days of closing.",
        ),
        # Not a move of the table: it keeps the status (its event is `photo`).
        AppealAction(
            "add_photos", services.appeal_add_photos, PhotosSerializer,
            lambda p, f: {"photos": f.getlist("photos"), **_note(p, f)},
            gettext_lazy("Photos added."), "More photos for an open appeal.",
            table=("photo",), aliases=("photos",),
        ),
    )
}  # fmt: skip
ALIASES = {alias: a for a in ACTIONS.values() for alias in a.aliases}
# The table's move → the action that makes it.
BY_MOVE = {move: a for a in ACTIONS.values() for move in a.moves}
TABLE_MOVES = {action for _status, action in TRANSITIONS}


def action_named(name: str) -> AppealAction | None:
    """The action a page slug names (its current name or an older one), or None."""
    return ACTIONS.get(name) or ALIASES.get(name)


def actions_for(actor, appeal) -> list[str]:
    """The names of the actions the actor may take on the appeal now, in the table's order
    (each once: 回访 is one action whichever way it goes)."""
    names: list[str] = []
    for move in available_actions(actor, appeal):
        name = BY_MOVE[move].name
        if name not in names:
            names.append(name)
    return names
