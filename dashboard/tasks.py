"""Celery tasks of the dashboard: thin, they call a service."""

from celery import shared_task

from .hotspots import hotspot_tasks_create


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, time_limit=300)
def detect_hotspots() -> int:
    """Beat, hourly: the hot-spot rules' hits become proactive tasks (未诉先办). Safe to run
    twice: a key's open task is reused (a partial unique constraint), its appeals added once."""
    return len(hotspot_tasks_create(actor=None))
