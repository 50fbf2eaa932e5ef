"""Celery tasks of the appeals app: thin, they call a service."""

from celery import shared_task

from .services import calendar_missing_notify, supervision


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    time_limit=300,
    soft_time_limit=270,
)
def sweep_deadlines() -> dict:
    """Beat, every minute: the slips due now (petitions.services.supervision.slips_issue_due).
    Safe to run twice or on two workers: the constraint and the row locks issue nothing twice."""
    counts = supervision.slips_issue_due()
    if counts["appeals"] >= supervision.thresholds()["SWEEP_BATCH"] and supervision.sweep_more_due():
        sweep_deadlines.delay()  # more than one batch due (after an outage): go on at once
    return dict(counts)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, time_limit=60)
def notify_missing_calendar() -> list[int]:
    """Beat, daily: tells the admins when this year's or (from 1 November) next year's holiday
    calendar is missing. Safe to run twice: each year's notice is sent to an admin once."""
    return calendar_missing_notify()
