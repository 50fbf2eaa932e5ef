"""Writes of the accounts app: users and the notification centre."""

import datetime
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.tasks import enqueue_on_commit

from .models import Notification, User
from .roles import Role
from .scopes import require_role

log = logging.getLogger(__name__)

# The delivery task gives up on a notice after this many failed attempts; it stays in the
# user's notification centre either way.
MAX_DELIVERY_ATTEMPTS = 8


@transaction.atomic
def notification_send(
    *, recipients: Iterable[User], kind: str, title: str, key: str, body: str = "", url: str = ""
) -> list[int]:
    """Put a notice in each recipient's notification centre, in the caller's transaction, and
    have it delivered after commit. A notice already sent under the same key is not sent
    again. Returns the ids of the new notices."""
    recipients = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not recipients:
        return []
    already = set(
        Notification.objects.filter(recipient_id__in=recipients, key=key).values_list("recipient_id", flat=True)
    )
    new = [pk for pk in recipients if pk not in already]
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:200])
            for pk in new
        ],
        ignore_conflicts=True,  # a concurrent sender of the same key: the constraint keeps one
    )
    # bulk_create leaves pks unset when ignoring conflicts: read them back.
    ids = list(Notification.objects.filter(key=key[:200], recipient_id__in=new).values_list("pk", flat=True))
    if ids:
        from .tasks import deliver_notifications

        enqueue_on_commit(deliver_notifications, ids)
    return ids


def notifications_deliver(*, ids: Iterable[int]) -> int:
    """Push notices out by e-mail where the recipient has an address, and mark them
    delivered. Safe to run twice: a delivered notice is skipped. Returns how many were
    delivered now. A failure is raised after counting the attempt, so the task retries."""
    delivered = 0
    for notice in Notification.objects.filter(pk__in=list(ids), delivered_at__isnull=True).select_related("recipient"):
        Notification.objects.filter(pk=notice.pk).update(attempts=F("attempts") + 1)
        if notice.recipient.email:
            link = f"{settings.GRIDGOV_SITE_URL}{notice.url}" if notice.url else ""
            send_mail(notice.title, f"{notice.body}\n\n{link}".strip(), None, [notice.recipient.email])
        delivered += Notification.objects.filter(pk=notice.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now()
        )
    return delivered


def notifications_pending(*, older_than: datetime.timedelta, limit: int = 1000) -> list[int]:
    """Notices whose delivery was never confirmed (a lost enqueue, a failing mail server),
    oldest first, leaving out those that have used up their attempts."""
    return list(
        Notification.objects.undelivered()
        .filter(created_at__lte=timezone.now() - older_than, attempts__lt=MAX_DELIVERY_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


# The redelivery sweep (beat, every 5 minutes) works in batches until nothing due is left, so a
# backlog after a broker outage drains in one run, not 1,000 per run. It stops earlier at these
# bounds, well inside the task's time limit; the next run goes on where it stopped.
REDELIVERY_BATCH = 1000
REDELIVERY_MAX_SECONDS = 200


def notifications_redeliver(
    *,
    older_than: datetime.timedelta = datetime.timedelta(minutes=2),
    batch: int = REDELIVERY_BATCH,
    max_seconds: float = REDELIVERY_MAX_SECONDS,
) -> int:
    """Deliver every notice that is due (undelivered, older than `older_than`, attempts left),
    batch after batch, until none is due or the time bound is reached. A failing mail server
    ends the run after one failed attempt (it is counted on the notice): retrying at once
    would only use up the notices' attempts. Returns how many were delivered."""
    started = time.monotonic()
    delivered = 0
    while time.monotonic() - started < max_seconds:
        ids = notifications_pending(older_than=older_than, limit=batch)
        if not ids:
            break
        try:
            now = notifications_deliver(ids=ids)
        except Exception:  # smtplib and the backends raise many kinds; the next run retries
            log.warning("notice redelivery stopped after %d delivered; the next run goes on", delivered, exc_info=True)
            break
        delivered += now
        if now == 0:  # every due notice was taken by a concurrent delivery: nothing left to do
            break
    return delivered


def notification_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notices read (all unread ones when `ids` is None)."""
    notices = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=timezone.now())


# What the audit trail records of a user (never the password hash: only that it changed).
USER_FIELDS = ("username", "name", "email", "is_active", "is_staff", "is_superuser")


@transaction.atomic
def user_save(*, actor, user: User, also_changed: Iterable[str] = ()) -> User:
    """Save a user created or edited by an administrator (the admin's user form) and record
    what changed in the audit trail. `also_changed` names what the form changed beside the
    fields (the password, groups, permissions), which the trail notes without values."""
    from audit import services as audit

    require_role(actor, Role.ADMIN, action=_("manage users"))
    before = User.objects.filter(pk=user.pk).first() if user.pk else None
    old = audit.snapshot(before, USER_FIELDS) if before else {}
    user.save()
    changes = audit.diff(old, audit.snapshot(user, USER_FIELDS))
    for name in also_changed:
        if name not in USER_FIELDS:
            changes[name] = [None, "changed"]
    if changes or before is None:
        audit.record(actor=actor, action="update" if before else "create", obj=user, changes=changes)
    return user
