"""Where late and due-soon notices go. The notification centre (issue 5) does not exist
yet: until it does, a late report is logged and shows on the late-reports list
(funding.selectors.late_reports). The centre hooks in by replacing these two functions'
bodies; the callers (the lateness service, after commit) stay as they are."""

import logging

logger = logging.getLogger("gridgov.funding")


def reports_late(reports) -> None:
    for report in reports:
        logger.info("expense report late: %s (due %s)", report, report.due_date)


def reports_due_soon(reports) -> None:
    for report in reports:
        logger.info("expense report due soon: %s (due %s)", report, report.due_date)
