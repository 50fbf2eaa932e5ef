"""Celery tasks of the assessment: thin, they call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, time_limit=1800)
def score_due_periods() -> list[str]:
    """Beat, daily: score last month (and last quarter when one ended) once they are over.
    Safe to run twice or on two workers: a closed period is not scored again."""
    return services.periods_score_due()
