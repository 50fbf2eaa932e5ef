"""The monthly expense report pages: list and review queue, prepare, submit, review, print."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gridgov.errors import DomainError
from grids.models import Level

from .. import selectors, services
from ..access import is_street_officer
from ..api import year_param
from ..exports import xlsx_response
from ..forms import LineForm, ReceiptForm, ReportNewForm, ReviewForm
from ..models import Category, ExpenseReport, ReportStatus
from .common import funding_page, wants_xlsx

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
        headers = [_("Category"), _("Payee"), pgettext("expense line", "Description"), _("Amount")]
        return xlsx_response(f"expense-report-{report.street.code}-{report.year}-{report.month:02d}", str(report),
                             headers, rows, (3,))  # fmt: skip
    can_edit = report.is_editable and is_street_officer(request.user)
    can_review = bool({"approve", "return"} & set(services.WORKFLOW.moves_for(request.user, report.status)))
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
