"""Funding pages: the street office's report and books, the auditors' review, budget against
actual, ledger, flags and late reports. Every list exports to .xlsx with ?format=xlsx."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.errors import DomainError, NotAllowed
from grids.models import Level

from . import selectors, services
from .access import can_read_funding, is_auditor, is_ledger_clerk, is_street_officer
from .api import year_param
from .exports import xlsx_response
from .forms import LineForm, ReceiptForm, ReportNewForm, ReviewForm
from .models import Account, Budget, Category, ExpenseReport, Receipt, ReportStatus, yuan


def funding_page(view):
    """Signed in, and one of the users funding is for (else a clear 403)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_read_funding(request.user):
            raise NotAllowed(_("Funding is open to street offices, auditors and the district's staff."))
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
        headers = [_("Street"), _("Households"), _("Budget"), _("Allocated"), _("Spent"), _("Balance")]
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


REPORT_HEADERS = [
    "Street", "Year", "Month", "Status", "Due", "Late since", "Submitted", "Approved", "Lines", "Total",
]  # fmt: skip


def _report_rows(reports):
    for r in reports:
        yield [
            r.street.name, r.year, r.month, r.get_status_display(), r.due_date, r.late_since,
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            timezone.localtime(r.approved_at).strftime("%Y-%m-%d %H:%M") if r.approved_at else "",
            r.line_count, r.total_fen,
        ]  # fmt: skip


@funding_page
def report_list(request):
    """All reports in the user's area; ?status=submitted is the auditors' review queue."""
    reports = selectors.visible_reports(request.user)
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    if request.GET.get("year"):
        reports = reports.filter(year=year_param(request))
    if status == ReportStatus.SUBMITTED:
        reports = reports.order_by("submitted_at", "id")
    if wants_xlsx(request):
        return xlsx_response("expense-reports", _("Expense reports"), [_(h) for h in REPORT_HEADERS],
                             _report_rows(reports), (9,))  # fmt: skip
    return render(
        request,
        "funding/reports.html",
        {"reports": list(reports[:500]), "status": status, "statuses": ReportStatus.choices},
    )


@funding_page
@require_POST
def report_new(request):
    form = ReportNewForm(request.POST)
    street = get_object_or_404(
        selectors.visible_streets(request.user), pk=request.POST.get("street") or 0, level=Level.STREET
    )
    if not form.is_valid():
        messages.error(request, _("Choose a year and a month."))
        return redirect("funding-home")
    try:
        report = services.expense_report_create(actor=request.user, street=street, **form.cleaned_data)
    except DomainError as exc:
        existing = ExpenseReport.objects.filter(street=street, **form.cleaned_data).first()
        if existing:
            return redirect("funding-report", pk=existing.pk)
        messages.error(request, exc.message)
        return redirect("funding-home")
    return redirect("funding-report", pk=report.pk)


def _report_or_404(user, pk: int) -> ExpenseReport:
    try:
        return selectors.report_detail(user, pk)
    except ExpenseReport.DoesNotExist:
        raise Http404 from None


@funding_page
def report_detail(request, pk: int):
    """One report. The street edits and submits it here; the auditor approves or returns it."""
    report = _report_or_404(request.user, pk)
    if request.method == "POST":
        return _report_action(request, report)
    if wants_xlsx(request):
        rows = [
            [line.get_category_display(), str(line.payee or ""), line.description, line.amount_fen]
            for line in report.lines.all()
        ]
        return xlsx_response(f"expense-report-{report.street.code}-{report.year}-{report.month:02d}", str(report),
                             [_("Category"), _("Payee"), _("Description"), _("Amount")], rows, (3,))  # fmt: skip
    can_edit = report.is_editable and is_street_officer(request.user)
    can_review = report.status == ReportStatus.SUBMITTED and is_auditor(request.user)
    report_flags = [f for f in selectors.flags(request.user, report.year, report.month) if f.report_id == report.pk]
    return render(
        request,
        "funding/report.html",
        {
            "report": report,
            "can_edit": can_edit,
            "can_review": can_review,
            "line_form": LineForm(payees=selectors.payee_choices(report)) if can_edit else None,
            "receipt_form": ReceiptForm(lines=[(li.pk, str(li)) for li in report.lines.all()]) if can_edit else None,
            "review_form": ReviewForm() if can_review else None,
            "problems": services.expense_report_problems(report) if can_edit else [],
            "flags": report_flags,
            "by_category": _by_category(report),
        },
    )


def _by_category(report) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for line in report.lines.all():
        totals[line.category] = totals.get(line.category, 0) + line.amount_fen
    return [(Category(c).label, fen) for c, fen in totals.items()]


def _report_action(request, report: ExpenseReport):
    action = request.POST.get("action")
    actor = request.user
    try:
        if action == "add_line":
            form = LineForm(request.POST, payees=selectors.payee_choices(report))
            if not form.is_valid():
                messages.error(
                    request, "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
                )
                return redirect("funding-report", pk=report.pk)
            data = form.cleaned_data
            services.expense_line_add(actor=actor, report=report, category=data["category"], amount_fen=data["amount"],
                                      payee_id=data["payee"], description=data["description"])  # fmt: skip
            messages.success(request, _("Line added."))
        elif action == "remove_line":
            services.expense_line_remove(actor=actor, report=report, line_id=int(request.POST.get("line") or 0))
            messages.success(request, _("Line removed."))
        elif action == "attach":
            form = ReceiptForm(request.POST, request.FILES, lines=[(li.pk, str(li)) for li in report.lines.all()])
            if not form.is_valid():
                messages.error(request, _("Choose a receipt file."))
                return redirect("funding-report", pk=report.pk)
            services.receipt_attach(actor=actor, report=report, file=form.cleaned_data["file"],
                                    line_id=form.cleaned_data["line"])  # fmt: skip
            messages.success(request, _("Receipt attached."))
        elif action == "validate":
            problems = services.expense_report_problems(report)
            if problems:
                for problem in problems:
                    messages.error(request, problem)
            else:
                messages.success(request, _("The report is complete and can be submitted."))
        elif action == "submit":
            services.expense_report_submit(actor=actor, report=report)
            messages.success(request, _("Report submitted for review."))
        elif action in ("approve", "return"):
            form = ReviewForm(request.POST)
            form.is_valid()
            comment = form.cleaned_data.get("comment", "")
            if action == "approve":
                services.expense_report_approve(actor=actor, report=report, comment=comment)
                messages.success(request, _("Report approved and posted; the month is locked for the street."))
            else:
                services.expense_report_return(actor=actor, report=report, comment=comment)
                messages.success(request, _("Report returned to the street with your comments."))
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("funding-report", pk=report.pk)


@funding_page
def report_print(request, pk: int):
    """The report as the paper form (拨付经费使用明细单), for printing or saving as PDF."""
    report = _report_or_404(request.user, pk)
    return render(request, "funding/report_print.html", {"report": report, "by_category": _by_category(report)})


@funding_page
def receipt_download(request, pk: int):
    receipt = get_object_or_404(Receipt.objects.select_related("report"), pk=pk)
    if not selectors.visible_reports(request.user).filter(pk=receipt.report_id).exists():
        raise Http404
    return FileResponse(receipt.file.open("rb"), as_attachment=False, filename=receipt.name)


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
    qs = (
        Account.objects.all()
        if selectors.scope_for(request.user).everything
        else Account.objects.visible_to(request.user)
    )
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


@funding_page
def late_list(request):
    """Late reports (the stand-in for the notification centre's late notices) and reminders."""
    late = selectors.late_reports(request.user)
    if wants_xlsx(request):
        return xlsx_response("late-reports", _("Late reports"), [_(h) for h in REPORT_HEADERS],
                             _report_rows(late), (9,))  # fmt: skip
    return render(
        request,
        "funding/late.html",
        {"late": list(late[:500]), "due_soon": list(selectors.reports_due_soon(request.user))},
    )
