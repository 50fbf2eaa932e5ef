"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Services are the 17 modules, requests are appeals. XML (required by the spec) and JSON,
chosen by the resource's extension. Errors use the spec's error format with the HTTP status
the spec names: 400 for a missing or bad argument, 403 for a bad api_key, 404 for an unknown
service code, request, token or jurisdiction.

GET requests needs no key and is public, so it lists only what residents chose to publish
(`Appeal.public`: an Open311 POST or a report with the reporter's consent; never a hotline call
or a visit opinion), and shows it through the one redactor (gridgov.redact: no phone, ID
number, house or flat number in the description), placed at the unit grid's centroid with
the community and street for an address. Reporters' names and phones never appear.
"""

import datetime
import json
import re
import uuid
from functools import lru_cache
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from shapely.geometry import shape

from accounts.throttling import throttle_message, throttle_wait
from gridgov.dates import check_datetime
from gridgov.errors import DomainError
from gridgov.redact import redact

from .. import services
from ..ids import as_id
from ..models import OPEN_STATUSES, Appeal, AppealPhoto, ServiceModule, Source, Status
from ..services.keys import open311_key_find

JURISDICTION = getattr(settings, "OPEN311_JURISDICTION", "shizhong.zaozhuang.gov.cn")
MAX_REQUESTS = 1000  # the spec's default response volume
MAX_SPAN = datetime.timedelta(days=90)
CLOSED = (Status.CLOSED, Status.REJECTED, Status.MERGED)
# XML 1.0 cannot carry C0 control characters other than tab, newline and carriage return;
# a description pasted with one must not make the whole list unparseable.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def w3(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def render(data, fmt: str, *, root: str, item: str, status: int = 200) -> HttpResponse:
    """A list of flat dicts (values: str, number, bool, None, or a list of dicts for nested
    lists) as the spec's XML or JSON."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    element = ET.Element(root)
    for row in data if isinstance(data, list) else [data]:
        target = ET.SubElement(element, item) if item else element
        _fill(target, row)
    body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _fill(element, row: dict) -> None:
    for key, value in row.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            singular = {"attributes": "attribute", "values": "value"}.get(key, "item")
            for entry in value:
                _fill(ET.SubElement(child, singular), entry)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = XML_ILLEGAL.sub("", str(value))


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt, root="errors", item="error", status=status)


def open311_view(handler):
    """Format and jurisdiction checks, and every refusal in the spec's error format."""

    def view(request, fmt: str, **kwargs):
        if fmt not in ("xml", "json"):
            return error("xml", 404, f"Format {fmt!r} is not offered; use .xml or .json.")
        try:
            jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            if jurisdiction and jurisdiction != JURISDICTION:
                raise Open311Error(
                    404, f"jurisdiction_id {jurisdiction!r} not found; this endpoint serves {JURISDICTION}."
                )
            return handler(request, fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except DomainError as exc:
            status = 404 if exc.status_code == 404 else 403 if exc.status_code == 403 else 400
            return error(fmt, status, str(exc.message))

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


def _service(module: ServiceModule) -> dict:
    return {
        "service_code": module.code,
        "service_name": module.name,
        "description": f"{module.name_en}: {module.limit_days} working days",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(x for x in (module.name, module.name_en) if x),
        "group": module.owner.name if module.owner_id else "",
    }


@require_http_methods(["GET", "HEAD"])
@open311_view
def service_list(request, fmt):
    """GET Service List: the 17 modules."""
    modules = ServiceModule.objects.filter(is_active=True).select_related("owner").order_by("number")
    return render([_service(m) for m in modules], fmt, root="services", item="service")


@require_http_methods(["GET", "HEAD"])
@open311_view
def service_definition(request, fmt, code):
    """GET Service Definition: our services take no extra attributes (metadata false)."""
    if not ServiceModule.objects.filter(code=code, is_active=True).exists():
        raise Open311Error(404, f"service_code {code!r} not found.")
    return render({"service_code": code, "attributes": []}, fmt, root="service_definition", item="")


@lru_cache(maxsize=4096)
def _centroid(node_pk: int, boundary_json: str) -> tuple[float, float]:
    # Keyed by the boundary too: a redrawn grid gets a new centroid without a restart.
    point = shape(json.loads(boundary_json)).centroid
    return round(point.x, 5), round(point.y, 5)


def public_place(appeal: Appeal) -> tuple[float, float]:
    """The unit grid's centroid (lon, lat): where, to the grid, never to the door."""
    node = appeal.unit_grid
    return _centroid(node.pk, json.dumps(node.boundary, sort_keys=True))


def _request(appeal: Appeal, request) -> dict:
    unit = appeal.handling_department or appeal.handling_node or appeal.module.owner
    photos = list(appeal.photos.all())
    lon, lat = public_place(appeal)
    return {
        "service_request_id": appeal.pk,
        "status": "closed" if appeal.status in CLOSED else "open",
        "status_notes": appeal.get_status_display(),
        "service_name": appeal.module.name,
        "service_code": appeal.module.code,
        "description": redact(appeal.description),
        "agency_responsible": unit.name if unit else "",
        "service_notice": "",
        "requested_datetime": w3(appeal.created_at),
        "updated_datetime": w3(appeal.closed_at if appeal.status in CLOSED and appeal.closed_at else appeal.updated_at),
        "expected_datetime": w3(appeal.deadline),
        "address": f"{appeal.community.name}, {appeal.street.name}",
        "address_id": appeal.unit_grid.code,
        "zipcode": "",
        "lat": lat,
        "long": lon,
        "media_url": request.build_absolute_uri(photos[0].url) if photos else "",
    }


def _requests_queryset():
    # Anyone may read these (the spec asks no key): only what the reporter chose to publish,
    # in modules listed publicly.
    return (
        Appeal.objects.filter(public=True, module__open311_public=True)
        .select_related(
            "module", "module__owner", "handling_department", "handling_node", "street", "community", "unit_grid"
        )
        .prefetch_related(Prefetch("photos", queryset=AppealPhoto.objects.order_by("uploaded_at", "id")))
    )


def _when(request, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:  # well-formed but impossible: 2026-02-30, an offset of 25 hours
        value = None
    if value is None or timezone.is_naive(value):
        raise Open311Error(400, f"{name} must be a w3 datetime with a timezone, e.g. 2010-01-01T00:00:00Z.")
    check_datetime(value, field=name)  # an InvalidInput: the spec's 400
    return value


def _csv(request, name: str) -> list[str]:
    return [v.strip() for v in request.GET.get(name, "").split(",") if v.strip()]


def requests_list(request, fmt):
    """GET Service Requests: by id (overrides the rest), or by service_code, status and a
    date range of at most 90 days (default: the last 90), at most 1,000, newest first."""
    qs = _requests_queryset()
    ids = _csv(request, "service_request_id")
    if ids:
        if not all(i.isdigit() for i in ids):
            raise Open311Error(400, "service_request_id is a comma-separated list of numbers.")
        qs = qs.filter(pk__in=[n for n in map(as_id, ids[:MAX_REQUESTS]) if n])
    else:
        start, end = _when(request, "start_date"), _when(request, "end_date")
        if start and end and end - start > MAX_SPAN:
            raise Open311Error(400, "start_date and end_date may not span more than 90 days.")
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - MAX_SPAN
        if end is None:
            end = start + MAX_SPAN
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        codes = _csv(request, "service_code")
        if codes:
            qs = qs.filter(module__code__in=codes)
        statuses = set(_csv(request, "status"))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status is open, closed, or both, comma-separated.")
        if statuses == {"open"}:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=CLOSED)
    rows = [_request(a, request) for a in qs.order_by("-created_at", "-id")[:MAX_REQUESTS]]
    return render(rows, fmt, root="service_requests", item="request")


def requests_create(request, fmt):
    """POST Service Request (form-encoded, with api_key): a received appeal in the command
    center's inbox; answers its service_request_id at once (type realtime)."""
    wait = throttle_wait(request, "public")  # per address, before anything is looked up
    if wait is not None:
        raise Open311Error(429, throttle_message(wait))
    client = open311_key_find(request.POST.get("api_key", ""))
    if client is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    code = request.POST.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code was not provided.")
    module = ServiceModule.objects.filter(code=code, is_active=True).first()
    if module is None:
        raise Open311Error(404, f"service_code {code!r} not found.")
    lat, lon = request.POST.get("lat", ""), request.POST.get("long", "")
    if not lat or not lon:
        raise Open311Error(
            400, "lat and long are required: an address_string or address_id alone cannot be placed on the grid map."
        )
    name = (request.POST.get("last_name", "") + request.POST.get("first_name", "")).strip()
    appeal = services.appeal_create(
        actor=None,
        source=Source.OPEN311,
        module=module,
        description=request.POST.get("description", ""),
        lon=lon,
        lat=lat,
        address=request.POST.get("address_string", "")[:200],
        reporter_name=name,
        reporter_phone=request.POST.get("phone", ""),
        open311_client=client,
        public=True,  # posting to a public GeoReport endpoint is the resident's choice to publish
    )
    notice = f"{module.name}: {module.limit_days} working days after dispatch."
    return render(
        [{"service_request_id": appeal.pk, "service_notice": notice, "account_id": None}],
        fmt,
        root="service_requests",
        item="request",
    )


@csrf_exempt  # client systems authenticate with api_key, not a session cookie
@require_http_methods(["GET", "HEAD", "POST"])
@open311_view
def requests_view(request, fmt):
    if request.method == "POST":
        return requests_create(request, fmt)
    return requests_list(request, fmt)


@require_http_methods(["GET", "HEAD"])
@open311_view
def request_detail(request, fmt, pk):
    """GET Service Request: one appeal, in a list as the spec has it."""
    appeal = _requests_queryset().filter(pk=as_id(pk) or 0).first()
    if appeal is None:
        raise Open311Error(404, f"service_request_id {pk} not found.")
    return render([_request(appeal, request)], fmt, root="service_requests", item="request")


@require_http_methods(["GET", "HEAD"])
@open311_view
def token_detail(request, fmt, token):
    """GET service_request_id from a token."""
    try:
        key = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, f"token {token!r} not found.") from None
    appeal = Appeal.objects.filter(token=key).only("id", "token").first()
    if appeal is None:
        raise Open311Error(404, f"token {token!r} not found.")
    return render(
        [{"service_request_id": appeal.pk, "token": str(appeal.token)}], fmt, root="service_requests", item="request"
    )
