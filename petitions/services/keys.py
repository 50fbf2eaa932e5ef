"""Open311 client keys: issued once in plain text, stored as SHA-256, revocable."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import require_role
from gridgov.errors import Conflict, InvalidInput, NotFound

from ..models import Open311Key


def key_hash(key: str) -> str:
    # A 256-bit random key needs no slow hash: SHA-256 cannot be brute-forced back.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_key_create(*, actor, name: str) -> tuple[Open311Key, str]:
    """A new key for the client system `name`; returns the row and the key (shown once)."""
    require_role(actor, Role.ADMIN, action=_("issue Open311 keys"))
    name = (name or "").strip()
    if not name or "\x00" in name or len(name) > 100:
        raise InvalidInput(_("A client name of 1 to 100 characters is needed."), field="name")
    if Open311Key.objects.filter(name=name).exists():
        raise Conflict(_("A client named %(n)s already has a key; revoke it or choose another name.") % {"n": name})
    key = secrets.token_urlsafe(32)
    row = Open311Key.objects.create(name=name, prefix=key[:8], key_hash=key_hash(key))
    return row, key


@transaction.atomic
def open311_key_revoke(*, actor, name: str) -> Open311Key:
    require_role(actor, Role.ADMIN, action=_("revoke Open311 keys"))
    row = Open311Key.objects.select_for_update().filter(name=name).first()
    if row is None:
        raise NotFound(_("No Open311 client named %(n)s.") % {"n": name})
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


def open311_key_find(key: str) -> Open311Key | None:
    """The active key row, or None for a missing, unknown or revoked key."""
    if not key or "\x00" in key:
        return None
    return Open311Key.objects.filter(key_hash=key_hash(key), revoked_at__isnull=True).first()
