"""The audit trail's periodic work (thin: the service decides what goes)."""

from celery import shared_task

from . import services


@shared_task
def purge_audit_trail() -> int:
    """Delete the entries older than the retention (never under 180 days), as
    `manage.py audit_purge --commit` does; scheduled monthly (gridgov/celery.py)."""
    return services.audit_purge(commit=True)
