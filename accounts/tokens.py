"""API tokens for scripts (API 令牌): made, checked and revoked here only.

A token reads `ggt_<prefix>_<secret>`: the prefix (10 characters) finds the row, the secret
(256 random bits) proves it. The database keeps the prefix and SHA-256 of the whole token, never
the token: a stolen database gives no usable token, and checking one needs no slow password
hasher (a fast hash is safe for a high-entropy secret that nobody chose).
"""

import datetime
import hashlib
import hmac
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput, NotAllowed, NotFound

from .models import ApiToken, User

log = logging.getLogger("accounts.security")

TOKEN_PREFIX = "ggt_"
# last_used_at is written at most this often per token: a script making many calls a minute
# must not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage_tokens(actor: User, owner: User) -> bool:
    """A user manages their own tokens; superusers and staff with the admin role anyone's."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.pk == owner.pk or actor.is_superuser:
        return True
    from .roles import Role
    from .scopes import scope_for

    return scope_for(actor).has_role(Role.ADMIN)


@transaction.atomic
def api_token_create(
    *, actor: User | None, owner: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token acting as `owner`; returns the row and the plaintext, which is shown once
    and kept nowhere. `actor` None: a management command run by the operator."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the token a name (what script uses it)."), field="name")
    if len(name) > 100:
        raise InvalidInput(_("The name is too long (100 characters at most)."), field="name")
    if actor is not None and not may_manage_tokens(actor, owner):
        raise NotAllowed(_("You may only make API tokens for yourself."))
    if not owner.is_active:
        raise InvalidInput(_("This user is not active."), field="user")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry date must be in the future."), field="expires_at")
    prefix = secrets.token_hex(5)
    plaintext = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=owner, prefix=prefix, digest=_digest(plaintext), created_by=actor, expires_at=expires_at
    )
    log.info("API token created: id=%s prefix=%s owner=%s actor=%s", token.pk, prefix, owner.pk, _pk(actor))
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token for good (the row stays, for the record)."""
    if actor is not None and not may_manage_tokens(actor, token.user):
        raise NotFound(_("No such token."))
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    token.refresh_from_db()
    if updated:
        log.info("API token revoked: id=%s prefix=%s actor=%s", token.pk, token.prefix, _pk(actor))
    return token


def api_token_check(plaintext: str) -> ApiToken | None:
    """The usable token this plaintext is, or None. One indexed read and one SHA-256."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    prefix, _sep, secret = plaintext[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(plaintext)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _pk(user) -> int | None:
    return user.pk if user is not None else None
