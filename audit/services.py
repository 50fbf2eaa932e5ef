"""The one write path of the audit trail: `record()`, called by every service that changes
master data or permissions, inside that service's transaction (never from a signal: a signal
cannot say who acted or why, and misses bulk writes).

Personal data never enters the trail in plain text. `snapshot()` reads a sealed field
(`gridgov.personal_data`: `<field>_cipher`, `_hash`, `_masked`) as its masked form only, and
refuses to read a cipher or hash column; `record()` then masks anything still shaped like an
ID number or a phone in the text it stores (the same patterns as `gridgov.redact`), so a
caller that passes a raw value by mistake stores `＊`, not the number.
"""

import datetime
import decimal
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from gridgov.redact import ID_NUMBER, MASK, PHONE

from .models import Action, AuditEntry

SYSTEM = "system"
# The legal floor (Cybersecurity Law art. 21: network logs kept at least six months); the
# database triggers hold the same number, so a setting below it cannot purge younger rows.
MINIMUM_RETENTION_DAYS = 180


def _plain(value):
    """A JSON value for one field: related rows as their label, dates as ISO text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return str(value)[:200]
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return _masked_text(str(value))


def _masked_text(text: str) -> str:
    return PHONE.sub(MASK, ID_NUMBER.sub(MASK, text))[:1000]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The values of `fields` on `obj` as the trail stores them. A sealed field is named by its
    base name (`phone`, `id_number`) and read as `<name>_masked`."""
    values = {}
    for name in fields:
        if name.endswith(("_cipher", "_hash")):
            raise ValueError(f"audit: {name} is sealed; name the field ({name.rsplit('_', 1)[0]}) instead")
        masked = f"{name}_masked"
        if hasattr(obj, masked):
            values[name] = getattr(obj, masked) or ""
        else:
            values[name] = _plain(getattr(obj, name))
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for each field whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def created(obj: models.Model, fields: Iterable[str]) -> dict:
    """The changes of a new row: every listed field from nothing to its value."""
    return {k: [None, v] for k, v in snapshot(obj, fields).items() if v not in (None, "", [], {})}


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict | None = None,
    reason: str = "",
    label: str | None = None,
) -> AuditEntry:
    """Append one entry: `actor` (None is the system) did `action` to `obj`. Must run inside
    the caller's transaction, so that the entry and the write commit together."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record runs inside the service's transaction")
    if action not in Action.values:
        raise ValueError(f"audit: unknown action {action!r}")
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None else SYSTEM)[:150],
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=_masked_text(label if label is not None else str(obj))[:200],
        action=action,
        changes=_plain(changes or {}),
        reason=_masked_text(reason or "")[:300],
    )


def record_many(
    *, actor, action: str, objs: Iterable[models.Model], fields: Iterable[str], label=str, reason: str = ""
) -> int:
    """One `created`-style entry per row of a bulk write (the demo district's 2,000 staff, a
    registry import), in bulk statements. `label(obj)` names each row (by default `str`; pass
    one that reads no relation when rows hold only ids). Returns the number of entries."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many runs inside the service's transaction")
    fields, now = tuple(fields), timezone.now()
    actor_label = (actor.get_username() if actor is not None else SYSTEM)[:150]
    entries = [
        AuditEntry(
            at=now,
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor_label,
            model=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_label=_masked_text(label(obj))[:200],
            action=action,
            changes=_plain(created(obj, fields) if action == Action.CREATE else {}),
            reason=_masked_text(reason)[:300],
        )
        for obj in objs
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def retention_days() -> int:
    return max(int(getattr(settings, "GRIDGOV_AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)), MINIMUM_RETENTION_DAYS)


@transaction.atomic
def audit_purge(*, now: datetime.datetime | None = None, commit: bool = False) -> int:
    """Delete the entries older than the retention (the setting, never under 180 days).
    The only path that deletes: it opens the database's purge gate for this transaction
    alone (see migration 0002). Returns the number of entries (to be) deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    old = AuditEntry.objects.filter(at__lt=cutoff)
    if not commit:
        return old.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Transaction-local: gone at COMMIT or ROLLBACK, invisible to other sessions.
            cursor.execute("SELECT set_config('gridgov.audit_purge', 'on', true)")
        else:
            # SQLite has no session variables: a row in the gate table, removed below in the
            # same transaction (and with it on rollback).
            cursor.execute("INSERT INTO audit_purge_gate (opened) VALUES (1)")
    deleted, _by_model = old.delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('gridgov.audit_purge', 'off', true)")
        else:
            cursor.execute("DELETE FROM audit_purge_gate")
    return deleted
