"""Registry pages: the household grid map (户况网格图), lists with search and export, the
household and resident pages, the reveal of one value, and the Excel import with its
confirm step. Reads go through the selectors (scoped), writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.roles import REGISTRY_EDITORS, REVEAL_PERSONAL_DATA
from accounts.scopes import scope_for
from accounts.sections import section_page
from gridgov import personal_data, xlsx
from gridgov.errors import DomainError, InvalidInput
from gridgov.params import node_param
from grids.models import Level
from grids.selectors import root_nodes

from . import exporting, history, selectors, services
from .forms import ImportForm
from .import_jobs import registry_import_confirm, registry_import_stage
from .importing import template_workbook
from .models import Household, RegistryImport, Resident

PAGE_SIZE = 50


def _xlsx(data: bytes, name: str) -> HttpResponse:
    return xlsx.response(data, name)


@section_page("registry-map")
def registry_map(request):
    """The household grid map. Starts on the user's own area (or ?node=)."""
    node = node_param(request)
    roots = root_nodes(request.user)
    if node is None and len(roots) == 1:
        node = roots[0]
    if node is None and not roots:
        raise Http404(_("You hold no post on a grid node."))
    bounds = None
    if node is not None:
        bounds = [[node.min_lat, node.min_lon], [node.max_lat, node.max_lon]]
    else:
        boxes = [(n.min_lat, n.min_lon, n.max_lat, n.max_lon) for n in roots]
        bounds = [
            [min(b[0] for b in boxes), min(b[1] for b in boxes)],
            [max(b[2] for b in boxes), max(b[3] for b in boxes)],
        ]
    return render(
        request,
        "residents/map.html",
        {
            "node": node,
            "map_config": {
                "bounds": bounds,
                "minLevel": node.level + 1 if node is not None and node.level < Level.UNIT_GRID else Level.STREET,
                "categories": [
                    {"code": c.code, "name": c.name, "symbol": c.symbol, "color": c.color}
                    for c in selectors.categories()
                ],
            },
            "map_text": {
                "members": _("Members"),
                "name": _("Name"),
                "relation": _("Relation"),
                "id_number": _("ID number"),
                "phone": _("Phone"),
                "tags": _("Special populations"),
                "open": _("Open the household page"),
                "none": _("Nothing found."),
                # After a number on the map's tooltips: "257 户 · 650 人".
                "households": pgettext("unit", "households"),
                "residents": pgettext("unit", "residents"),
                "tagged": _("in special populations"),
            },
        },
    )


def _household_filters(request) -> dict:
    return {
        "node": node_param(request),
        "q": request.GET.get("q", "").strip(),
        "tag": request.GET.get("tag", "").strip(),
    }


@section_page("registry-household-list")
def household_list(request):
    filters = _household_filters(request)
    page = Paginator(selectors.household_list(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/household_list.html",
        {"page": page, "filters": filters, "categories": selectors.categories(), "query": request.GET.urlencode()},
    )


@section_page("registry-household-list")
def household_export(request):
    qs = selectors.household_list(request.user, **_household_filters(request))
    return _xlsx(exporting.households_xlsx(qs), f"households-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def household_detail(request, pk: int):
    try:
        household = selectors.household_detail(request.user, pk)
    except Household.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "residents/household_detail.html",
        {"household": household, "history": history.household_history(request.user, household)},
    )


def _resident_filters(request) -> dict:
    # The ID number comes only from a POST body (the look-up form), never from the URL.
    personal_data.refuse_in_url(request.GET)
    return {
        "node": node_param(request),
        "q": request.GET.get("q", "").strip(),
        "id_number": request.POST.get("id_number", "").strip() if request.method == "POST" else "",
        "tag": request.GET.get("tag", "").strip(),
    }


@section_page("registry-resident-list")
def resident_list(request):
    """GET filters by area, name or address and tag; the exact-ID-number look-up is a POST."""
    filters = _resident_filters(request)
    page = Paginator(selectors.resident_list(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/resident_list.html",
        {"page": page, "filters": filters, "categories": selectors.categories(), "query": request.GET.urlencode()},
    )


@section_page("registry-resident-list")
def resident_export(request):
    qs = selectors.resident_list(request.user, **_resident_filters(request))
    return _xlsx(exporting.residents_xlsx(qs), f"residents-{timezone.localdate():%Y%m%d}.xlsx")


def _resident_page(request, resident: Resident, revealed: dict | None = None, status: int = 200, error=None):
    scope = scope_for(request.user)
    return render(
        request,
        "residents/resident_detail.html",
        {
            "resident": resident,
            "history": history.resident_history(request.user, resident),
            "revealed": revealed or {},
            "error": error,
            "can_reveal": request.user.is_superuser or scope.has_role(*REVEAL_PERSONAL_DATA),
        },
        status=status,
    )


@login_required
def resident_detail(request, pk: int):
    try:
        resident = selectors.resident_detail(request.user, pk)
    except Resident.DoesNotExist:
        raise Http404 from None
    return _resident_page(request, resident)


@login_required
@require_POST
def resident_reveal(request, pk: int):
    """Show one full value on the resident's page, once; the service logs it."""
    try:
        resident = selectors.resident_detail(request.user, pk)
    except Resident.DoesNotExist:
        raise Http404 from None
    field = request.POST.get("field", "")
    try:
        value = services.personal_data_reveal(
            actor=request.user, obj=resident, field=field, reason=request.POST.get("reason", "")
        )
    except InvalidInput as exc:
        # A missing reason: the page again, saying so, nothing shown and nothing logged.
        return _resident_page(request, resident, error=exc, status=exc.status_code)
    return _resident_page(request, resident, revealed={field: value})


# ---- Import ----


@section_page("registry-import")
def import_template(request):
    return _xlsx(template_workbook(), "registry_template.xlsx")


@section_page("registry-import")
def import_page(request):
    """Upload: the sheet is kept and a task checks it; the import's own page shows its progress."""
    scope = scope_for(request.user)
    can_import = request.user.is_superuser or scope.has_role(*REGISTRY_EDITORS)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = registry_import_stage(
                actor=request.user, node=form.cleaned_data["node"], data=form.cleaned_data["file"].read()
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("registry-import-status", token=job.token)
    recent = RegistryImport.objects.filter(created_by=request.user).select_related("node").order_by("-created_at")[:10]
    return render(request, "residents/import.html", {"form": form, "can_import": can_import, "recent": recent})


def _own_import(request, token) -> RegistryImport:
    # Only the uploader sees an import: the sheet holds ID numbers and phones.
    return get_object_or_404(RegistryImport.objects.select_related("node"), token=token, created_by=request.user)


@section_page("registry-import")
def import_status(request, token):
    """One import: its progress while a task works on it, then its problems or the confirm button."""
    job = _own_import(request, token)
    if request.method == "POST":
        try:
            registry_import_confirm(actor=request.user, job=job)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("registry-import-status", token=job.token)
    return render(request, "residents/import_status.html", {"job": job})


@section_page("registry-import")
def import_progress(request, token):
    """What the status page polls (static/residents/import_progress.js)."""
    job = _own_import(request, token)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "in_progress": job.in_progress,
        },
        headers={"Cache-Control": "no-store"},
    )
