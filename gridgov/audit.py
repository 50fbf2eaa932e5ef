"""The one hook for auditing an edit of reference data (a department, a service module, ...):
`audit_changes` applies new values to a row and says what changed; `audit` records who made the
change. Today it writes the structured log line `gridgov.audit` (collected with the others);
a history table would be written here, in the caller's transaction, without touching a service."""

import logging

log = logging.getLogger("gridgov.audit")


def audit_changes(obj, **values) -> dict[str, tuple]:
    """Set each field of `obj` to its new value; return {field: (old, new)} for those that changed."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = (old, new)
            setattr(obj, name, new)
    return changes


def audit(actor, action: str, obj, changes: dict[str, tuple]) -> None:
    if not changes:
        return
    log.info(
        "%s %s:%s by %s: %s",
        action,
        obj._meta.label,
        obj.pk,
        getattr(actor, "pk", None) or "system",
        {k: [str(v) for v in pair] for k, pair in changes.items()},
    )
