"""Password rules and changes (口令复杂度、定期更换、口令历史; docs/security.md).

The validators are listed in AUTH_PASSWORD_VALIDATORS, so Django's password-change page, the
admin's password forms and `changepassword` all apply them. `password_change` is the one write.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import PasswordHistory, User

log = logging.getLogger("accounts.security")

CHARACTER_CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum()),
)


class CharacterClassValidator:
    """At least `classes` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password: str, user=None) -> None:
        used = sum(any(test(c) for c in password) for _name, test in CHARACTER_CLASSES)
        if used < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must contain characters of at least %(classes)d of these kinds: lower-case letters, "
            "upper-case letters, digits, other characters."
        ) % {"classes": self.classes}


class PasswordHistoryValidator:
    """Not one of the user's last GRIDGOV_PASSWORD_HISTORY passwords (their current one included)."""

    def validate(self, password: str, user=None) -> None:
        if user is None or not user.pk or settings.GRIDGOV_PASSWORD_HISTORY <= 0:
            return
        earlier = [user.password] if user.password else []
        earlier += list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
                : settings.GRIDGOV_PASSWORD_HISTORY
            ]
        )
        if any(check_password(password, encoded) for encoded in earlier[: settings.GRIDGOV_PASSWORD_HISTORY]):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        count = settings.GRIDGOV_PASSWORD_HISTORY
        return ngettext(
            "Your password cannot be your last password.",
            "Your password cannot be one of your last %(count)d passwords.",
            count,
        ) % {"count": count}


def password_expired(user) -> bool:
    """The user's password is older than GRIDGOV_PASSWORD_MAX_AGE_DAYS (never, when 0)."""
    days = settings.GRIDGOV_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.is_authenticated or not user.has_usable_password():
        return False
    return user.password_changed_at <= timezone.now() - datetime.timedelta(days=days)


@transaction.atomic
def password_change(*, actor: User, user: User, new_password: str) -> User:
    """Set `user`'s password (already validated by the form) and keep the old hash in the
    history. The actor is the user themself (the change page) or an admin."""
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = settings.GRIDGOV_PASSWORD_HISTORY
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[max(keep, 1) :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    log.info("password changed: user=%s actor=%s", user.pk, actor.pk if actor else None)
    return user
