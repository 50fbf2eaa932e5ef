"""What the funding pages share: who may open them, the year, .xlsx export, the chart."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from ..access import can_read_funding
from ..api import year_param
from ..models import yuan


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


def month_chart(row, width: int = 720, height: int = 220) -> dict:
    """An SVG bar chart of a street-year (or the district total): allocated and spent per
    month against the monthly budget line. Drawn on the server: no script, prints as is."""
    monthly_budget = row.budget_fen / 12 if row.budget_fen else 0
    top = max([monthly_budget, *row.allocated, *row.spent, 1])
    plot_h, left, slot = height - 30, 40, (width - 50) / 12
    bars = []
    for m in range(12):
        x = left + m * slot
        a_h = plot_h * row.allocated[m] / top
        s_h = plot_h * row.spent[m] / top
        bars.append(
            {
                "month": m + 1,
                "x_alloc": round(x + slot * 0.1, 1),
                "x_spent": round(x + slot * 0.5, 1),
                "w": round(slot * 0.38, 1),
                "y_alloc": round(plot_h - a_h, 1),
                "h_alloc": round(a_h, 1),
                "y_spent": round(plot_h - s_h, 1),
                "h_spent": round(s_h, 1),
                "x_label": round(x + slot / 2, 1),
                "allocated": yuan(row.allocated[m]),
                "spent": yuan(row.spent[m]),
            }
        )
    budget_y = round(plot_h - plot_h * monthly_budget / top, 1)
    return {
        "width": width,
        "height": height,
        "plot_h": plot_h,
        "left": left,
        "bars": bars,
        "budget_y": budget_y,
        "top": yuan(int(top)),
    }
