"""Pages of the appeals app: hotline intake, the command center's inbox, the street and
department queues, the appeal page with its timeline, the return-visit list and the phone
report page. Every write goes through petitions.services; every read through selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.roles import REVEAL_PERSONAL_DATA, Role
from accounts.scopes import scope_for
from accounts.sections import can_supervise, section_page
from gridgov.errors import DomainError, InvalidInput
from gridgov.personal_data import refuse_in_url
from grids import selectors as grid_selectors
from grids.models import Department, GridNode, Level

from . import selectors, services
from .actions import action_named, actions_for
from .ids import as_id
from .models import Appeal, Colour, Priority, Rating, ServiceModule, Source, Status
from .pagination import CappedPaginator
from .reporter import phone_lookup_hash
from .transitions import action_label

PAGE_SIZE = 50


def _page(request, queryset):
    return CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@section_page("appeals-home")
def appeals_home(request):
    """Straight to the page the user's role works from."""
    scope = scope_for(request.user)
    if scope.has_role(Role.COMMAND_CENTER):
        return redirect("appeal-inbox")
    if scope.has_role(Role.HOTLINE):
        return redirect("appeal-hotline")
    if scope.has_role(Role.STREET_OFFICE, Role.DEPARTMENT, Role.COMMUNITY):
        return redirect("appeal-queue")
    if scope.has_role(Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.CADRE):
        return redirect("appeal-report")
    return redirect("appeal-list")


@section_page("appeal-list")
def appeal_list(request):
    qs = selectors.appeal_list(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    module = request.GET.get("module", "")
    if as_id(module):
        qs = qs.filter(module_id=as_id(module))
    return render(
        request,
        "petitions/list.html",
        {
            "page": _page(request, qs),
            "statuses": Status.choices,
            "modules": ServiceModule.objects.filter(is_active=True),
            "status": status,
            "module": module,
        },
    )


@section_page("appeal-queue")
def appeal_queue(request):
    """The street office / department / community queue (待办): dispatched to me, due soon,
    overdue."""
    tab = request.GET.get("tab", "mine")
    if tab not in ("mine", "due_soon", "overdue"):
        tab = "mine"
    qs = selectors.appeal_queue(request.user, tab)
    tabs = [("mine", _("Dispatched to me")), ("due_soon", _("Due soon")), ("overdue", _("Overdue"))]
    return render(request, "petitions/queue.html", {"page": _page(request, qs), "tab": tab, "tabs": tabs})


def _units():
    """The dispatch choices: departments, then streets with their communities."""
    departments = list(Department.objects.filter(is_active=True).order_by("code"))
    nodes = list(
        GridNode.objects.filter(level__in=[Level.STREET, Level.COMMUNITY])
        .order_by("tree_id", "lft")
        .only("id", "name", "level", "code")
    )
    return departments, nodes


@section_page("appeal-inbox")
def appeal_inbox(request):
    """The command center's inbox: register what came in, dispatch what is registered."""
    qs = selectors.appeal_inbox(request.user)
    departments, nodes = _units()
    return render(
        request,
        "petitions/inbox.html",
        {
            # Newest first: what just came in is at the top of page 1, counted in the header.
            "received": _page(request, qs.filter(status=Status.RECEIVED).order_by("-created_at", "-id")),
            "to_verify": selectors.appeal_to_verify(request.user).count(),
            "registered": qs.filter(status=Status.REGISTERED)[:PAGE_SIZE],
            "departments": departments,
            "nodes": nodes,
        },
    )


@section_page("appeal-verify")
def appeal_verify_queue(request):
    """The command center's "replied, to verify" queue (待核查): what units have replied to."""
    page = _page(request, selectors.appeal_to_verify(request.user))
    return render(request, "petitions/verify.html", {"page": page})


@section_page("appeal-return-visits")
def appeal_return_visits(request):
    qs = selectors.appeal_return_visits(request.user)
    return render(request, "petitions/return_visits.html", {"page": _page(request, qs), "ratings": Rating.choices})


@login_required
def appeal_detail(request, pk: int):
    try:
        appeal = selectors.appeal_detail(request.user, as_id(pk) or 0)
    except Appeal.DoesNotExist:
        raise Http404 from None
    actions = actions_for(request.user, appeal)
    context = {
        "appeal": appeal,
        "actions": actions,
        "modules": ServiceModule.objects.filter(is_active=True) if "register" in actions else (),
        "priorities": Priority.choices,
        "ratings": Rating.choices,
        "events": [(e, action_label(e.action), _rating_label(e.data.get("rating"))) for e in appeal.events.all()],
        "pending_extension": next((x for x in appeal.extensions.all() if x.status == "pending"), None),
        "can_reveal": request.user.is_superuser or scope_for(request.user).has_role(*REVEAL_PERSONAL_DATA),
        "slips": list(selectors.slip_list(request.user).filter(appeal_id=appeal.pk).order_by("issued_at", "id")),
        "can_supervise": can_supervise(request.user),
        "slip_colours": [c for c in Colour.choices if c[0]],
        # The map's unit grid comes with the page: whoever may see the appeal sees where it
        # is, a department officer included (they see no grid tree, so the tree API says 404).
        "unit_grid_outline": grid_selectors.outline_feature(appeal.unit_grid) if appeal.unit_grid_id else None,
    }
    if "dispatch" in actions:
        context["departments"], context["nodes"] = _units()
    if "dispatch_down" in actions and appeal.handling_node_id:
        context["communities"] = GridNode.objects.filter(parent_id=appeal.handling_node_id).order_by("code")
    if "merge" in actions:
        context["duplicates"] = selectors.possible_duplicates(request.user, appeal)
    return render(request, "petitions/detail.html", context)


def _rating_label(value) -> str:
    return Rating(value).label if value in Rating.values else ""


def _resident(user, value):
    if not value:
        return None
    from residents.models import Resident

    resident = Resident.objects.visible_to(user).filter(pk=as_id(value) or 0).first()
    if resident is None:
        raise InvalidInput(_("That resident is not in your area."), field="reporter_resident")
    return resident


@login_required
def appeal_reveal(request, pk: int):
    """htmx: the reporter's full name and phone in place of the masked ones (logged)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    appeal = Appeal.objects.visible_to(request.user).filter(pk=as_id(pk) or 0).first()
    if appeal is None:
        raise Http404
    try:
        revealed = services.appeal_reporter_reveal(
            actor=request.user, appeal=appeal, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return render(request, "petitions/_revealed.html", {"error": exc}, status=exc.status_code)
    return render(request, "petitions/_revealed.html", {"revealed": revealed})


@login_required
def appeal_act(request, pk: int, action: str):
    """One action from a page form. A refusal comes back as a message on the page it came
    from; nothing is half-done (the service runs in one transaction)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    act = action_named(action)
    if act is None or as_id(pk) is None:
        raise Http404
    appeal = Appeal.objects.visible_to(request.user).filter(pk=pk).first()
    if appeal is None:
        raise Http404
    try:
        act.run(actor=request.user, appeal=appeal, **act.page(request.POST, request.FILES))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"#{appeal.pk}: {act.done}")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    if Appeal.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("appeal-detail", pk=pk)
    return redirect("appeals-home")


def _intake(request, *, source: str, template: str, extra: dict):
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            appeal = services.appeal_create(
                actor=request.user,
                source=source if source != "auto" else request.POST.get("source", Source.GRID),
                module=request.POST.get("module") or None,
                description=request.POST.get("description", ""),
                lon=request.POST.get("lon") or None,
                lat=request.POST.get("lat") or None,
                address=request.POST.get("address", ""),
                priority=request.POST.get("priority") or Priority.NORMAL,
                reporter_name=request.POST.get("reporter_name", ""),
                reporter_phone=request.POST.get("reporter_phone", ""),
                reporter_resident=_resident(request.user, request.POST.get("reporter_resident")),
                photos=request.FILES.getlist("photos"),
                public=request.POST.get("public") == "on",
            )
        except DomainError as exc:
            return render(
                request,
                template,
                {**extra, "error": exc, "values": values, "modules": ServiceModule.objects.filter(is_active=True)},
                status=exc.status_code,
            )
        messages.success(request, _("Appeal #%(n)s received.") % {"n": appeal.pk})
        return redirect(reverse(request.resolver_match.url_name) + f"?done={appeal.pk}")
    return render(
        request,
        template,
        {
            **extra,
            "values": values,
            "modules": ServiceModule.objects.filter(is_active=True),
            "priorities": Priority.choices,
        },
    )


@section_page("appeal-hotline")
def hotline_intake(request):
    """The 96361 intake form: caller, module, place (map or address), text; one submit."""
    district = GridNode.objects.filter(level=Level.DISTRICT).values_list("id", flat=True).first()
    extra = {"priorities": Priority.choices, "district_id": district}
    return _intake(request, source=Source.HOTLINE, template="petitions/hotline.html", extra=extra)


@section_page("appeal-hotline")
def hotline_caller(request):
    """htmx partial: the caller's earlier appeals, found by the phone's blind index. A POST (the
    intake form's fields): the phone never travels in a URL."""
    refuse_in_url(request.GET)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    phone = request.POST.get("reporter_phone", "")
    found = selectors.caller_lookup(request.user, phone)
    searched = bool(phone_lookup_hash(phone))
    return render(
        request,
        "petitions/_caller.html",
        {"residents": found["residents"], "earlier": found["appeals"], "searched": searched},
    )


@section_page("appeal-hotline")
def hotline_address(request):
    """htmx partial: registered addresses matching what the operator typed, to place the appeal."""
    found = selectors.address_lookup(request.user, request.GET.get("address", ""))
    return render(request, "petitions/_addresses.html", {"households": found})


@section_page("appeal-report")
def grid_report(request):
    """The grid worker's phone page: module, text, photos and the phone's GPS position."""
    sources = [(Source.GRID, Source.GRID.label), (Source.VISIT, Source.VISIT.label)]
    # The map opens on the worker's own area and draws its grids one level down (a grid
    # assistant's own unit grid), as the grid pages do.
    roots = grid_selectors.root_nodes(request.user)
    areas = [{"id": n.pk, "level": min(n.level + 1, Level.UNIT_GRID)} for n in roots]
    return _intake(
        request,
        source="auto",
        template="petitions/report.html",
        extra={"sources": sources, "priorities": (), "map_bounds": grid_selectors.bounds_of(roots), "map_areas": areas},
    )


# ---------------------------------------------------------------------------------------------
# Supervision board (四色督办)


def _board_filters(request) -> dict:
    colour = request.GET.get("colour", "")
    state = request.GET.get("state", "open")
    return {
        "colour": colour if colour in ("blue", "yellow", "orange", "red") else "",
        "state": state if state in ("open", "unacknowledged", "closed", "all") else "open",
        "unit": request.GET.get("unit", "")[:12],
    }


@section_page("supervision-board")
def supervision_board(request):
    """Open slips by colour, unit and age: every slip for the command center and the
    supervision bureau, their own slips for a street, community or department."""
    from django.db.models import Count
    from django.utils import timezone

    filters = _board_filters(request)
    qs = selectors.slip_board(request.user, **filters)
    counts = dict(
        selectors.slip_list(request.user)
        .filter(closed_at__isnull=True)
        .values_list("colour")
        .annotate(n=Count("id"))
        .order_by()
    )
    # The supervisors filter by any unit; a handling unit's board holds its own slips only.
    supervisor = can_supervise(request.user)
    departments, nodes = _units() if supervisor else ((), ())
    return render(
        request,
        "petitions/supervision.html",
        {
            "page": _page(request, qs),
            "filters": filters,
            "counts": [(c, Colour(c).label, counts.get(c, 0)) for c in ("blue", "yellow", "orange", "red")],
            "departments": departments,
            "nodes": nodes,
            "now": timezone.now(),
            "query": request.GET.urlencode(),
            "can_supervise": supervisor,
        },
    )


@section_page("supervision-board")
def supervision_export(request):
    """The board as filtered, as an .xlsx workbook."""
    from django.utils import timezone

    from gridgov import xlsx

    qs = selectors.slip_board(request.user, **_board_filters(request))[:50_000]
    book = xlsx.workbook()
    sheet = book.create_sheet(_("Supervision slips"))
    xlsx.append(sheet, [_("Slip"), _("Appeal"), _("Module"), _("Colour"), _("Reason"), _("Handling unit"),
                  _("Issued at"), _("By hand"), _("Escalated to"), _("Acknowledged at"), _("Closed at")])  # fmt: skip
    for s in qs.iterator(chunk_size=2000):
        unit = s.handling_department or s.handling_node
        xlsx.append(sheet, [
            s.pk, s.appeal_id, s.appeal.module.name, s.get_colour_display(), s.reason, unit.name if unit else "",
            timezone.localtime(s.issued_at).replace(tzinfo=None), _("yes") if s.manual else "",
            _("supervision bureau") if s.to_bureau else (s.escalated_to.name if s.escalated_to else ""),
            timezone.localtime(s.acknowledged_at).replace(tzinfo=None) if s.acknowledged_at else None,
            timezone.localtime(s.closed_at).replace(tzinfo=None) if s.closed_at else None,
        ])  # fmt: skip
    return xlsx.response(xlsx.to_bytes(book), f"supervision-{timezone.localdate():%Y%m%d}.xlsx")


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def slip_act(request, pk: int, action: str):
    """Acknowledge (the handling unit, the supervisors) or close (the supervisors) a slip."""
    from .services import supervision

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    slip = selectors.slip_list(request.user).filter(pk=pk).first()
    if slip is None or action not in ("acknowledge", "close"):
        raise Http404
    try:
        if action == "acknowledge":
            supervision.slip_acknowledge(actor=request.user, slip=slip)
            messages.success(request, _("Slip acknowledged."))
        else:
            supervision.slip_close(actor=request.user, slip=slip, note=request.POST.get("note", ""))
            messages.success(request, _("Slip closed."))
    except DomainError as error:
        messages.error(request, str(error))
    return _back(request, reverse("appeal-detail", args=[slip.appeal_id]))


@login_required
def slip_issue(request, pk: int):
    """A slip by hand from the appeal page (command center, supervision bureau)."""
    from .services import supervision

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not Appeal.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    try:
        supervision.slip_issue(
            actor=request.user, appeal=pk, colour=request.POST.get("colour", ""), reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Slip issued."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("appeal-detail", pk=pk)
