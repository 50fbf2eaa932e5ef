"""What the funding API endpoints share: who may call them, and the year parameter."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from gridgov.dates import check_year
from gridgov.errors import InvalidInput

from ..access import can_read_funding

YEAR_PARAM = OpenApiParameter("year", int, description="calendar year (default: this year)")


class CanReadFunding(BasePermission):
    """Signed-in users funding is not for get 404, as for any endpoint not theirs (the one
    refusal policy, docs/security.md); without credentials it is DRF's 401/403."""

    def has_permission(self, request, view):
        if request.user.is_authenticated and not can_read_funding(request.user):
            raise NotFound
        return can_read_funding(request.user)


def year_param(request, name: str = "year", default: int | None = None) -> int:
    raw = request.query_params.get(name) if hasattr(request, "query_params") else request.GET.get(name)
    if raw in (None, ""):
        return default or datetime.date.today().year
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(_("The year must be a whole number."), field=name) from None
    return check_year(value, field=name)
