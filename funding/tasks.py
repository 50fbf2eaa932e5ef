"""Periodic work of the funding app (beat schedule in gridgov/settings.py)."""

from celery import shared_task

from . import notices, selectors, services


@shared_task(name="funding.tasks.mark_late_reports", time_limit=120, soft_time_limit=100, max_retries=3)
def mark_late_reports() -> int:
    """Flag reports past their due date (idempotent: each is flagged once), and pass the
    reports due within three days to the reminder hook."""
    late = services.expense_reports_mark_late()
    notices.reports_due_soon(list(selectors.reports_due_soon(user=None)))
    return len(late)
