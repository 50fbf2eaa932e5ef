"""Periodic work of the funding app (beat schedule in gridgov/settings.py)."""

from celery import shared_task

from . import services


@shared_task(name="funding.tasks.mark_late_reports", time_limit=120, soft_time_limit=100)
def mark_late_reports() -> dict:
    """Remind the streets of reports due within three days, and flag reports past their due
    date. Safe to run any number of times: each report is reminded once and flagged once."""
    reminded = services.expense_reports_remind()
    late = services.expense_reports_mark_late()
    return {"reminded": len(reminded), "late": len(late)}
