"""The command center's funding desk: freeze the year's budgets, prepare the month's
allocations, see the drafts waiting for a second person to post, close a month."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import DomainError

from .. import selectors, services
from ..access import is_ledger_clerk
from ..models import AllocationFrequency, Budget, Period, Voucher, VoucherStatus
from .common import _year, funding_page


@funding_page
def manage(request):
    if not is_ledger_clerk(request.user):
        # A section the user is not shown is not there for them (accounts.sections).
        raise Http404
    year = _year(request)
    if request.method == "POST":
        _act(request, year)
        return redirect(f"{request.path}?year={year}")
    streets = list(selectors.visible_streets(request.user).only("id", "name", "code", "households"))
    frozen = {b.street_id: b for b in Budget.objects.filter(year=year)}
    drafts = list(
        Voucher.objects.filter(status=VoucherStatus.DRAFT)
        .select_related("period", "street", "made_by")
        .defer("street__boundary")
        .order_by("date", "id")[:200]
    )
    return render(
        request,
        "funding/manage.html",
        {
            "year": year,
            "rows": [(s, frozen.get(s.pk)) for s in streets],
            "drafts": drafts,
            "periods": list(Period.objects.filter(year=year).order_by("month")),
            "frequencies": AllocationFrequency.choices,
            "month": timezone.localdate().month,
        },
    )


def _act(request, year: int) -> None:
    action, actor = request.POST.get("action"), request.user
    try:
        if action == "freeze":
            frequency = request.POST.get("frequency", AllocationFrequency.MONTHLY)
            done = 0
            for street in selectors.visible_streets(actor):
                if not Budget.objects.filter(street=street, year=year).exists():
                    services.budget_freeze(actor=actor, street=street, year=year, frequency=frequency)
                    done += 1
            messages.success(request, _("%(n)d budgets frozen for %(year)s.") % {"n": done, "year": year})
        elif action == "allocate":
            month = int(request.POST.get("month") or 0)
            done = 0
            for budget in Budget.objects.filter(year=year).select_related("street"):
                if any(day.month == month for day, _fen in services.allocation_schedule(budget)):
                    services.allocation_prepare(actor=actor, budget=budget, month=month)
                    done += 1
            messages.success(request, _("%(n)d allocation vouchers drafted; another person posts them.") % {"n": done})
        elif action == "close":
            month = int(request.POST.get("month") or 0)
            services.period_close(actor=actor, year=year, month=month)
            messages.success(request, _("%(year)s-%(month)02d is closed.") % {"year": year, "month": month})
        elif action == "post":
            posted = 0
            for pk in request.POST.getlist("voucher"):
                voucher = Voucher.objects.get(pk=int(pk), status=VoucherStatus.DRAFT)
                services.voucher_post(actor=actor, voucher=voucher)
                posted += 1
            messages.success(request, _("%(n)d vouchers posted.") % {"n": posted})
    except (DomainError, ValueError, Voucher.DoesNotExist) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
