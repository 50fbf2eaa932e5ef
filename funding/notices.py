"""Where the funding reminders and late notices go: the one place a notification centre
hooks in. The callers (funding.services.expense_reports_remind / _mark_late, after commit)
stay as they are; each report reaches here once.

Until the notification centre (issue 5) is in this branch, a notice is logged, and the late
ones show on the late-reports page (funding.selectors.late_reports). Wiring it: send each
street's officers a notice keyed f"funding-late-{report.pk}" / f"funding-due-{report.pk}"
(the centre's own key makes a resend harmless)."""

import logging

logger = logging.getLogger("gridgov.funding")


def reports_late(reports) -> None:
    for report in reports:
        logger.info("expense report late: %s (due %s)", report, report.due_date)


def reports_due_soon(reports) -> None:
    for report in reports:
        logger.info("expense report due soon: %s (due %s)", report, report.due_date)
