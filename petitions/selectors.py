"""Reads of the appeals app, and the one place that decides which appeals a user sees.

A user sees an appeal when it lies in their subtree (its stored street, community or unit
grid, via Scope.located_q), when it is dispatched to their department or to a node of their
subtree, or when they took it in themselves. The command center sees everything. Every list
is a constant number of queries whatever the page size.
"""

import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.scopes import scope_for
from grids.models import Level

from .models import HANDLING_STATUSES, Appeal, AppealEvent, AppealPhoto, ExtensionRequest, Status

DUE_SOON = datetime.timedelta(days=2)


def _unit_q(user) -> Q:
    """Appeals whose handling unit is the user's department, or a street/community of the
    user's subtree (equality filters on the stored handling street and node)."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    if scope.department_ids:
        q |= Q(handling_department_id__in=sorted(scope.department_ids))
    for node in scope.nodes:
        if node.level == Level.STREET:
            q |= Q(handling_street_id=node.id)
        elif node.level == Level.COMMUNITY:
            q |= Q(handling_node_id=node.id)
    return q


def appeal_scope_q(user) -> Q:
    scope = scope_for(user)
    if scope.everything:
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return scope.located_q() | _unit_q(user) | Q(created_by_id=user.pk)


LIST_RELATED = ("module", "street", "community", "handling_department", "handling_node")


def appeal_list(user) -> QuerySet[Appeal]:
    """Visible appeals with what a list row shows, in one query."""
    return (
        Appeal.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .defer("description", "reply", "reporter_name_cipher", "reporter_phone_cipher")
    )


def appeal_photos(user) -> QuerySet[AppealPhoto]:
    """Photos of the appeals the user may see (gridgov.files serves them): a grid worker's
    report, a unit's reply proof, the reporter's own."""
    return AppealPhoto.objects.filter(appeal__in=Appeal.objects.visible_to(user))


def appeal_queue(user, tab: str = "mine", now: datetime.datetime | None = None) -> QuerySet[Appeal]:
    """The handling queue (待办): cases dispatched to the user's unit and not yet replied."""
    now = now or timezone.now()
    qs = appeal_list(user).filter(_unit_q(user), status__in=HANDLING_STATUSES)
    if tab == "overdue":
        qs = qs.filter(deadline__lt=now)
    elif tab == "due_soon":
        qs = qs.filter(deadline__gte=now, deadline__lt=now + DUE_SOON)
    return qs.order_by("deadline", "id")


def appeal_inbox(user) -> QuerySet[Appeal]:
    """The command center's inbox: received (to register) and registered (to dispatch)."""
    return appeal_list(user).filter(status__in=[Status.RECEIVED, Status.REGISTERED]).order_by("created_at", "id")


def appeal_to_verify(user) -> QuerySet[Appeal]:
    """Replied by the handling unit, waiting for the command center's verification (待核查),
    oldest reply first."""
    return appeal_list(user).filter(status=Status.REPLIED).order_by("replied_at", "id")


def appeal_return_visits(user) -> QuerySet[Appeal]:
    """Verified cases waiting for their return visit (回访)."""
    return appeal_list(user).filter(status=Status.VERIFIED).order_by("updated_at", "id")


def appeal_detail(user, pk: int) -> Appeal:
    """One visible appeal with its timeline, photos and extension requests (a fixed number of
    queries). Raises Appeal.DoesNotExist when the user may not see it."""
    return (
        Appeal.objects.visible_to(user)
        .select_related(*LIST_RELATED, "unit_grid", "handling_street", "duplicate_of", "created_by")
        .prefetch_related(
            Prefetch("events", queryset=AppealEvent.objects.select_related("actor").prefetch_related("photos")),
            Prefetch("photos", queryset=AppealPhoto.objects.order_by("uploaded_at", "id")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by")),
            Prefetch("repeats", queryset=Appeal.objects.only("id", "created_at", "duplicate_of_id")),
        )
        .get(pk=pk)
    )


def possible_duplicates(user, appeal: Appeal, limit: int = 5) -> list[Appeal]:
    """Open appeals that may be the same matter: same module and unit grid, or the same
    caller (phone hash), within the last 30 days."""
    since = appeal.created_at - datetime.timedelta(days=30)
    same = Q(module_id=appeal.module_id, unit_grid_id=appeal.unit_grid_id)
    if appeal.reporter_phone_hash:
        same |= Q(reporter_phone_hash=appeal.reporter_phone_hash)
    return list(
        appeal_list(user)
        .open()
        .filter(same, created_at__gte=since)
        .exclude(pk=appeal.pk)
        .exclude(status=Status.RECEIVED)
        .order_by("-created_at")[:limit]
    )


CALLER_LIMIT = 20
ADDRESS_LIMIT = 10


def address_lookup(user, text: str) -> list:
    """Registered households whose address contains the text, within the user's scope: the
    hotline places an appeal "by address" at a household's point."""
    from residents.models import Household

    text = (text or "").strip()
    if len(text) < 2 or "\x00" in text:
        return []
    return list(
        Household.objects.visible_to(user)
        .filter(address__icontains=text)
        .only("id", "address", "lon", "lat")
        .order_by("address", "id")[:ADDRESS_LIMIT]
    )


def caller_lookup(user, phone: str) -> dict:
    """The residents registered with this phone and the caller's earlier appeals, both within
    the user's scope, through the phone's blind index (two queries)."""
    from residents.models import Resident

    from .reporter import phone_lookup_hash

    digest = phone_lookup_hash(phone)
    if not digest:
        return {"residents": [], "appeals": []}
    residents = (
        Resident.objects.visible_to(user)
        .filter(phone_hash=digest)
        .select_related("household")
        .only("id", "name", "phone_masked", "household__address", "household__lon", "household__lat")
        .order_by("id")[:CALLER_LIMIT]
    )
    appeals = appeal_list(user).filter(reporter_phone_hash=digest).order_by("-created_at", "-id")[:CALLER_LIMIT]
    return {"residents": list(residents), "appeals": list(appeals)}


SLIP_RELATED = ("appeal", "appeal__module", "handling_department", "handling_node", "escalated_to")


def slip_list(user) -> QuerySet:
    """Supervision slips of the appeals the user sees (a street: its own appeals' slips), with
    what a board row shows, in one query."""
    from .models import SupervisionSlip

    qs = SupervisionSlip.objects.select_related(*SLIP_RELATED).defer(
        "appeal__description", "appeal__reply", "appeal__reporter_name_cipher", "appeal__reporter_phone_cipher"
    )
    if scope_for(user).everything:
        return qs
    return qs.filter(appeal_id__in=Appeal.objects.visible_to(user).values("pk"))


def slip_board(user, *, colour: str = "", state: str = "open", unit: str = "") -> QuerySet:
    """The supervision board: slips by colour, state and handling unit, oldest first. Each row
    counts the appeal's slips issued before it (`earlier`: the ladder it climbed, on the
    appeal's page), a correlated count in the same query."""
    from .models import SupervisionSlip

    earlier = (
        SupervisionSlip.objects.filter(appeal_id=OuterRef("appeal_id"))
        .filter(Q(issued_at__lt=OuterRef("issued_at")) | Q(issued_at=OuterRef("issued_at"), pk__lt=OuterRef("pk")))
        .order_by()
        .values("appeal_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = slip_list(user).annotate(earlier=Coalesce(Subquery(earlier), 0))
    if colour:
        qs = qs.filter(colour=colour)
    if state == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif state == "unacknowledged":
        qs = qs.filter(closed_at__isnull=True, acknowledged_at__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_at__isnull=False)
    if unit.startswith("d") and unit[1:].isdigit():
        qs = qs.filter(handling_department_id=int(unit[1:]))
    elif unit.startswith("n") and unit[1:].isdigit():
        qs = qs.filter(handling_node_id=int(unit[1:]))
    return qs.order_by("issued_at", "id")
