"""Where the funding reminders and late notices go: the street officers' notification centre.

The callers (funding.services.expense_reports_remind / _mark_late) call these after commit,
once per report; the notice key makes a second call harmless. Late reports also stay listed
on the late-reports page (funding.selectors.late_reports)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.roles import Role
from accounts.services import notification_send
from grids.selectors import post_holders


def _send(reports, *, kind: str, key: str, title: str) -> None:
    for report in reports:
        officers = list(post_holders(Role.STREET_OFFICE, node=report.street_id))
        notification_send(
            recipients=officers,
            kind=kind,
            title=title % {"year": report.year, "month": report.month, "due": report.due_date.isoformat()},
            key=f"{key}-{report.pk}",
            url=reverse("funding-report", args=[report.pk]),
        )


def reports_late(reports) -> None:
    _send(
        reports,
        kind=Notification.Kind.REPORT_LATE,
        key="funding-late",
        title=_("The expense report for %(year)s-%(month)02d is late (it was due on %(due)s)."),
    )


def reports_due_soon(reports) -> None:
    _send(
        reports,
        kind=Notification.Kind.REPORT_DUE,
        key="funding-due",
        title=_("The expense report for %(year)s-%(month)02d is due on %(due)s."),
    )
