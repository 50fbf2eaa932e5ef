"""The dashboard (态势, the landing page of the command center and the bureau) and the lists
behind its figures. Reads only dashboard.selectors; scoped by the caller's area."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.sections import section_page
from assessment.indicators import COLOURS
from petitions.models import Appeal, Colour, ServiceModule, Source
from petitions.pagination import CappedPaginator

from . import casemap, hotspots, selectors
from .selectors import Slice

PAGE_SIZE = 50

# The tiles of the page, in order: (figure, rate shown beside it or "").
FLOW_TILES = (
    ("received", ""),
    ("registered", ""),
    ("dispatched", ""),
    ("signed", "sign_rate"),
    ("replied", ""),
    ("verified", ""),
    ("closed", "on_time_rate"),
    ("extended", ""),
)
NOW_TILES = ("open", "overdue")
# Rates: (rate, numerator figure, denominator figure, label).
RATE_TILES = (
    ("sign_rate", _("Signed for in time")),
    ("on_time_rate", _("Closed on time")),
    ("resolution_rate", _("Resolution rate")),
    ("satisfaction_rate", _("Satisfaction rate")),
    ("rework_rate", _("Rework rate")),
)
PERIOD_CHOICES = (("today", _("Today")), ("week", _("This week")), ("month", _("This month")))


def _period(request) -> tuple[str, selectors.Period]:
    preset = request.GET.get("period", "")
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    if start or end:
        preset = "range"
    elif preset not in selectors.PRESETS:
        preset = "today"
    return preset, selectors.period_for(preset, start, end)


def _slice(request) -> Slice:
    def as_int(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else None

    source = request.GET.get("source", "")
    return Slice(
        module=as_int("module"), source=source if source in Source.values else "", department=as_int("department")
    )


def _query(node, period, **extra) -> str:
    params = {"node": node.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


def list_url(node, period, figure: str, **extra) -> str:
    return reverse("dashboard-list") + "?" + _query(node, period, figure=figure, **extra)


@section_page("dashboard")
def dashboard(request):
    """The figures of a grid node for today / this week / this month / a range: tiles that link
    to their lists, rankings of the node's children (click a row: the same page one level down),
    breakdowns by module, source and department, and the trends (drawn by static/dashboard/)."""
    user = request.user
    preset, period = _period(request)
    node = selectors.dashboard_node(user, request.GET.get("node"))
    s = selectors.summary(user, node, period)
    labels = {f.name: f.label for f in selectors.FIGURES}

    def tile(name, rate_name=""):
        return {"name": name, "label": labels[name], "value": s[name], "url": list_url(node, period, name),
                "rate": s.get(rate_name) if rate_name else None, "rate_name": rate_name}  # fmt: skip

    rates = []
    for name, label in RATE_TILES:
        part, whole = selectors.RATES[name]
        rates.append({"name": name, "label": label, "value": s[name], "part": tile(part), "whole": tile(whole)})
    children = selectors.child_rows(user, node, period)
    for row in children:
        row.url = reverse("dashboard") + "?" + _query(row.node, period)
        row.lists = {name: list_url(row.node, period, name) for name in selectors.ROW_FIGURES}
    breakdowns = []
    for title, rows, param in (
        (_("By module"), selectors.module_rows(user, node, period), "module"),
        (_("By source"), selectors.source_rows(user, node, period), "source"),
        (_("By handling department"), selectors.department_rows(user, node, period), "department"),
    ):
        for row in rows:
            row.lists = {name: list_url(node, period, name, **{param: row.key}) for name in selectors.ROW_FIGURES}
        breakdowns.append({"title": title, "rows": rows, "param": param})
    colours = [
        {"colour": c, "label": Colour(c).label, "issued": tile(f"slips_{c}"), "open": tile(f"open_slips_{c}")}
        for c in COLOURS
    ]
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "node": node,
            "path": selectors.node_path(node, user),
            "preset": preset,
            "period": period,
            "period_choices": PERIOD_CHOICES,
            "flow": [tile(name, rate) for name, rate in FLOW_TILES],
            "now": [tile(name) for name in NOW_TILES],
            "sources": [tile(f"received_{value}") | {"label": label} for value, label in Source.choices],
            "rates": rates,
            "colours": colours,
            "children": sorted(children, key=lambda r: -r.counts["open"]),
            "breakdowns": breakdowns,
            "trends": selectors.trends(user, node, period.end),
            "tasks": hotspots.open_tasks(user, node).prefetch_related(
                "assignees", Prefetch("appeals", Appeal.objects.only("id").order_by("id"))
            )[:20],
        },
    )


@section_page("dashboard")
def figure_list(request):
    """The appeals behind one figure: exactly as many rows as the figure says."""
    user = request.user
    _preset, period = _period(request)
    node = selectors.dashboard_node(user, request.GET.get("node"))
    name = request.GET.get("figure", "")
    where = _slice(request)
    qs = (
        selectors.figure_appeals(user, node, period, name, where)
        .select_related("module", "street", "community", "handling_department", "handling_node")
        .defer("description", "reply", "reporter_name_cipher", "reporter_phone_cipher")
        .order_by("-created_at", "-id")
    )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    base_query = _query(
        node, period, figure=name, module=where.module, source=where.source, department=where.department
    )
    return render(
        request,
        "dashboard/list.html",
        {
            "node": node,
            "period": period,
            "figure": selectors.BY_NAME[name],
            "page": page,
            "base_query": base_query,
            "back": reverse("dashboard") + "?" + _query(node, period),
        },
    )


WALL_REFRESH_SECONDS = 30


@section_page("dashboard-wall")
def wall(request):
    """The wall screen (大屏), 1920×1080, dark: today's figures, open slips by colour, the most
    overdue, the newest appeals (masked) and the ranking. static/dashboard/wall.js refreshes
    the data from `wall_data` every 30 s without reloading the page."""
    node = selectors.dashboard_node(request.user, request.GET.get("node"))
    data = selectors.wall_data(request.user, node)
    return render(
        request,
        "dashboard/wall.html",
        {
            "node": node,
            "data": data,
            "colours": [(c, Colour(c).label) for c in COLOURS],
            "data_url": reverse("dashboard-wall-data") + f"?node={node.pk}",
            "refresh_ms": WALL_REFRESH_SECONDS * 1000,
        },
    )


@section_page("dashboard-wall")
def wall_data(request):
    node = selectors.dashboard_node(request.user, request.GET.get("node"))
    response = JsonResponse(selectors.wall_data(request.user, node))
    response["Cache-Control"] = "no-store"
    return response


@section_page("dashboard-map")
def case_map(request):
    """The case map (案件地图): the open appeals of the node as points or database clusters,
    coloured by their slip colour, over the grid outlines; filters by module, source, age and
    colour; a click on a point opens its card. static/dashboard/casemap.js draws it from
    `/api/stats/case-map/` (dashboard.casemap)."""
    node = selectors.dashboard_node(request.user, request.GET.get("node"))
    leaflet = settings.LEAFLET_CONFIG
    config = {
        "node": node.pk,
        "api": reverse("api-stats-case-map"),
        "bounds": [[node.min_lat, node.min_lon], [node.max_lat, node.max_lon]],
        "minZoom": leaflet["MIN_ZOOM"],
        "maxZoom": leaflet["MAX_ZOOM"],
        "pointsZoom": casemap.POINTS_ZOOM,
        "tiles": settings.GRIDGOV_TILES_URL or "",
        "tilesAttribution": settings.GRIDGOV_TILES_ATTRIBUTION or "",
    }
    text = {
        "open": str(_("Open the appeal")),
        "received": str(_("Received")),
        "deadline": str(_("Deadline")),
        "appeals": str(_("open appeals")),
        "status": str(_("Status")),
        "colour": str(_("Colour")),
        "colours": {c: str(label) for c, label in _map_colour_labels()},
    }
    return render(
        request,
        "dashboard/map.html",
        {
            "node": node,
            "path": selectors.node_path(node, request.user),
            "config": config,
            "text": text,
            "modules": ServiceModule.objects.order_by("code").values_list("pk", "name"),
            "sources": Source.choices,
            "ages": list(casemap.AGE_LABELS.items()),
            "colours": list(_map_colour_labels()),
        },
    )


def _map_colour_labels():
    yield "none", _("No slip")
    for c in COLOURS:
        yield c, Colour(c).label
