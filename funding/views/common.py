"""What the funding pages share: who may open them, the year, .xlsx export, the chart."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import can_read_funding
from ..api import year_param


def funding_page(view):
    """Signed in, and one of the users funding is for; else 404, as every page a user is not
    shown (the one refusal policy, docs/security.md)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_read_funding(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _year(request) -> int:
    return year_param(request, default=timezone.localdate().year)


def month_chart(row) -> dict:
    """A street-year (or the district total) for the bar chart: allocated and spent per month
    (yuan) against the monthly budget, as the data `funding/_chart.html` hands to the platform's
    chart library (static/gridgov/charts.js, Apache ECharts)."""
    monthly_budget = row.budget_fen / 12 if row.budget_fen else 0
    allocated = [round(row.allocated[m] / 100, 2) for m in range(12)]
    spent = [round(row.spent[m] / 100, 2) for m in range(12)]
    return {
        "labels": [f"{m + 1}月" for m in range(12)],
        "series": [
            {"name": _("Allocated"), "data": allocated},
            {"name": _("Spent"), "data": spent},
            {"name": _("Monthly budget"), "data": [round(monthly_budget / 100, 2)] * 12, "kind": "level"},
        ],
        "colours": ["#9fb8d0", "#b3261e", "#2b7a3d"],
        "min": 0,
    }
