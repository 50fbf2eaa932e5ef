import datetime

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=services.MAX_DELIVERY_ATTEMPTS,
    time_limit=120,
    soft_time_limit=100,
)
def deliver_notifications(ids: list[int]) -> int:
    return services.notifications_deliver(ids=ids)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
def redeliver_notifications() -> int:
    """Beat: deliver everything a lost enqueue or a failing mail server left undelivered."""
    return services.notifications_redeliver(older_than=datetime.timedelta(minutes=2))
