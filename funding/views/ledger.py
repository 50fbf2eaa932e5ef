"""The ledger pages: accounts with balances, an account's lines, vouchers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.scopes import scope_for
from gridgov.errors import DomainError, NotAllowed

from .. import selectors, services
from ..access import is_ledger_clerk
from ..api import year_param
from ..exports import xlsx_response
from ..models import Account
from .common import _year, funding_page, wants_xlsx


@funding_page
def ledger(request):
    """Accounts with their posted debits, credits and balance for the year; drill down to lines."""
    year = _year(request)
    accounts = list(selectors.account_balances(request.user, year))
    if wants_xlsx(request):
        rows = [[a.code, a.name, a.get_kind_display(), a.debit_fen, a.credit_fen, a.debit_fen - a.credit_fen]
                for a in accounts]  # fmt: skip
        return xlsx_response(f"ledger-{year}", _("Ledger"),
                             [_("Code"), _("Account"), _("Kind"), _("Debit"), _("Credit"), _("Balance")], rows,
                             (3, 4, 5))  # fmt: skip
    return render(
        request,
        "funding/ledger.html",
        {
            "year": year,
            "accounts": accounts,
            "debit": sum(a.debit_fen for a in accounts),
            "credit": sum(a.credit_fen for a in accounts),
        },
    )


@funding_page
def account_detail(request, pk: int):
    year = _year(request)
    qs = Account.objects.all() if scope_for(request.user).everything else Account.objects.visible_to(request.user)
    account = get_object_or_404(qs, pk=pk)
    lines = list(selectors.account_lines(request.user, account, year)[:2000])
    if wants_xlsx(request):
        rows = [[li.voucher.label, li.voucher.date, li.memo, li.debit_fen, li.credit_fen] for li in lines]
        return xlsx_response(f"account-{account.code}-{year}", account.code,
                             [_("Voucher"), _("Date"), _("Memo"), _("Debit"), _("Credit")], rows, (3, 4))  # fmt: skip
    running, shown = 0, []
    for li in lines:
        running += li.debit_fen - li.credit_fen
        shown.append((li, running))
    return render(request, "funding/account.html", {"account": account, "year": year, "lines": shown})


@funding_page
def voucher_list(request):
    vouchers = selectors.visible_vouchers(request.user)
    if request.GET.get("year"):
        vouchers = vouchers.filter(period__year=year_param(request))
    if wants_xlsx(request):
        rows = [[v.label, v.date, v.get_kind_display(), v.get_status_display(), v.street.name, v.memo, v.total_fen]
                for v in vouchers]  # fmt: skip
        return xlsx_response("vouchers", _("Vouchers"),
                             [_("Voucher"), _("Date"), _("Kind"), _("Status"), _("Street"), _("Memo"), _("Amount")],
                             rows, (6,))  # fmt: skip
    return render(request, "funding/vouchers.html", {"vouchers": list(vouchers[:500])})


@funding_page
def voucher_detail(request, pk: int):
    voucher = get_object_or_404(
        selectors.visible_vouchers(request.user).prefetch_related("lines__account", "lines__payee"), pk=pk
    )
    receipts = list(voucher.report.receipts.all()) if voucher.report_id else []
    if request.method == "POST":
        if not is_ledger_clerk(request.user):
            raise NotAllowed(_("Only the command center posts and reverses vouchers."))
        try:
            if request.POST.get("action") == "post":
                services.voucher_post(actor=request.user, voucher=voucher)
                messages.success(request, _("Voucher posted."))
            elif request.POST.get("action") == "reverse":
                draft = services.voucher_reverse(actor=request.user, voucher=voucher)
                messages.success(request, _("Reversal drafted; another person posts it."))
                return redirect("funding-voucher", pk=draft.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("funding-voucher", pk=voucher.pk)
    return render(
        request,
        "funding/voucher.html",
        {"voucher": voucher, "receipts": receipts, "can_act": is_ledger_clerk(request.user)},
    )
