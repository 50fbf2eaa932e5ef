"""Enqueueing tasks after commit, without letting a broker outage break the caller."""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the current transaction commits. If the broker cannot be reached the
    change still stands: the failure is logged, and the periodic sweeps find the work from
    the database when the broker is back."""

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # kombu and redis raise several kinds; none may undo a committed change
            log.warning("could not enqueue %s; a periodic sweep will pick the work up", task.name, exc_info=True)

    transaction.on_commit(send)
