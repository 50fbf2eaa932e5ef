"""The overview pages: funding home, budget against actual, a street's books, flags, late reports."""

import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grids.models import Level

from .. import selectors, services
from ..access import is_auditor, is_street_officer
from ..exports import xlsx_response
from ..forms import ReportNewForm
from ..models import Budget
from .common import _year, funding_page, month_chart, wants_xlsx


@funding_page
def home(request):
    """The funding start page: a street officer's own books and reports; the district's
    overview, review queue and flags for auditors and district staff."""
    year = _year(request)
    rows, total = selectors.budget_vs_actual(request.user, year)
    return render(
        request,
        "funding/home.html",
        {
            "year": year,
            "rows": rows,
            "total": total,
            "queue": list(selectors.review_queue(request.user)[:20]),
            "due_soon": list(selectors.reports_due_soon(request.user)),
            "late": list(selectors.late_reports(request.user)[:20]),
            "recent": list(selectors.visible_reports(request.user)[:12]),
            "is_auditor": is_auditor(request.user),
            "is_street_officer": is_street_officer(request.user),
            "new_form": ReportNewForm(initial=_last_month()),
            "streets": list(selectors.visible_streets(request.user).only("id", "name")),
        },
    )


def _last_month() -> dict:
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return {"year": last.year, "month": last.month}


@funding_page
def budget_vs_actual(request):
    """Budget against actual by street and month, as a table and a chart."""
    year = _year(request)
    rows, total = selectors.budget_vs_actual(request.user, year)
    if wants_xlsx(request):
        headers = [_("Street"), pgettext("count", "Households"), _("Budget"), _("Allocated"), _("Spent"), _("Balance")]
        headers += [_("Spent %(m)d月") % {"m": m} for m in range(1, 13)]
        data = [
            [r.street_name, r.households, r.budget_fen, r.allocated_fen, r.spent_fen, r.balance_fen, *r.spent]
            for r in [*rows, total]
        ]
        return xlsx_response(f"budget-vs-actual-{year}", _("Budget vs actual"), headers, data, tuple(range(2, 18)))
    chosen = total
    if street_id := request.GET.get("street"):
        chosen = next((r for r in rows if str(r.street_id) == street_id), total)
    return render(
        request,
        "funding/budget.html",
        {"year": year, "rows": rows, "total": total, "chart": month_chart(chosen), "chosen": chosen,
         "months": range(1, 13)},
    )  # fmt: skip


@funding_page
def street_detail(request, pk: int):
    """A street's books for a year: budget and its breakdown, allocations, spending, balance."""
    street = get_object_or_404(selectors.visible_streets(request.user), pk=pk)
    year = _year(request)
    rows, _total = selectors.budget_vs_actual(request.user, year)
    row = next(r for r in rows if r.street_id == street.pk)
    budget = Budget.objects.filter(street=street, year=year).first()
    shares = []
    if budget:
        shares = list(
            budget.shares.filter(node__level=Level.COMMUNITY).select_related("node").only(
                "households", "amount_fen", "node__id", "node__name", "node__code"
            ).order_by("node__code")
        )  # fmt: skip
    return render(
        request,
        "funding/street.html",
        {
            "street": street,
            "year": year,
            "row": row,
            "budget": budget,
            "schedule": [(day, fen, row.allocated[day.month - 1]) for day, fen in services.allocation_schedule(budget)]
            if budget
            else [],
            "shares": shares,
            "chart": month_chart(row),
            "reports": list(selectors.visible_reports(request.user).filter(street=street, year=year)),
        },
    )


@funding_page
def flag_list(request):
    year = _year(request)
    month = request.GET.get("month")
    month = int(month) if month and month.isdigit() and 1 <= int(month) <= 12 else None
    found = selectors.flags(request.user, year, month)
    if wants_xlsx(request):
        rows = [[f.label, f.street_name, f.year, f.month, f.detail] for f in found]
        return xlsx_response(f"flags-{year}", _("Flags"),
                             [_("Flag"), _("Street"), _("Year"), _("Month"), _("Detail")], rows)  # fmt: skip
    return render(request, "funding/flags.html", {"flags": found, "year": year, "month": month})
