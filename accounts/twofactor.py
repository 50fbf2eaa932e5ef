"""Two-factor sign-in with a TOTP authenticator app (双因素认证; django-otp): who must use it,
enrolment, verification and an administrator's reset. Every write is a function here.

Required for the roles in GRIDGOV_2FA_ROLES (superusers and staff count as "admin"); anyone
else may enrol, and is then asked for a code too. API tokens are a separate credential and are
not asked for a code (docs/api.md).
"""

import base64
import binascii
import logging

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.errors import InvalidInput, NotAllowed

from .models import User
from .roles import Role
from .scopes import scope_for

log = logging.getLogger("accounts.security")

DEVICE_NAME = "authenticator"


def two_factor_required(user) -> bool:
    """The user's roles (or superuser/staff status, when "admin" is listed) require a second factor."""
    roles = set(settings.GRIDGOV_2FA_ROLES)
    if not roles or not user.is_authenticated:
        return False
    if Role.ADMIN in roles and (user.is_superuser or user.is_staff):
        return True
    return scope_for(user).has_role(*roles)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in."""
    return base64.b32encode(binascii.unhexlify(device.key)).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, drawn here (no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1f2933", light="#ffffff")


@transaction.atomic
def totp_enrol_start(*, actor: User) -> TOTPDevice:
    """An unconfirmed device for the actor (the one already started, if any) to scan."""
    if confirmed_device(actor) is not None:
        raise InvalidInput(_("You already use an authenticator app. Ask an administrator to reset it first."))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrol_confirm(*, actor: User, code: str, request=None) -> TOTPDevice:
    """Confirm the actor's started device with a code from the app; the session counts as
    verified from then on."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None:
        raise InvalidInput(_("Start the enrolment again: no authenticator is waiting to be confirmed."))
    if not device.verify_token(_digits(code)):
        raise InvalidInput(_("That code is not right. Check the time on your phone and enter the current code."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    User.objects.filter(pk=actor.pk).update(two_factor_enabled=True)
    actor.two_factor_enabled = True
    if request is not None:
        django_otp.login(request, device)
    log.info("2FA enrolled: user=%s device=%s", actor.pk, device.pk)
    return device


def totp_verify(*, request, code: str) -> bool:
    """Check the signed-in user's code; on success the session counts as verified. Wrong codes
    slow down (django-otp's throttling doubles the wait after each failure)."""
    device = confirmed_device(request.user)
    if device is None:
        return False
    verified = django_otp.verify_token(request.user, device.persistent_id, _digits(code))
    if verified is None:
        log.info("2FA code refused: user=%s", request.user.pk)
        return False
    django_otp.login(request, verified)
    return True


@transaction.atomic
def totp_reset(*, actor: User | None, user: User) -> int:
    """Remove a user's authenticator (a lost phone), so they enrol again at their next sign-in.
    Administrators only; `actor` None is the operator's management command. Logged."""
    if actor is not None and not (actor.is_superuser or scope_for(actor).has_role(Role.ADMIN)):
        raise NotAllowed(_("Only an administrator may reset a user's authenticator."))
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
    user.two_factor_enabled = False
    log.warning("2FA reset: user=%s actor=%s devices=%s", user.pk, actor.pk if actor else None, deleted)
    return deleted


@transaction.atomic
def totp_enrol_for(*, actor: User | None, user: User) -> TOTPDevice:
    """Enrol a confirmed device for `user` directly (the operator's command, e.g. to hand a
    secret to a kiosk or the CI smoke test); replaces any device the user had."""
    if actor is not None and not (actor.is_superuser or scope_for(actor).has_role(Role.ADMIN)):
        raise NotAllowed(_("Only an administrator may reset a user's authenticator."))
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
    user.two_factor_enabled = True
    log.warning("2FA enrolled by operator: user=%s actor=%s device=%s", user.pk, actor.pk if actor else None, device.pk)
    return device


def _digits(code: str) -> str:
    # People type codes with spaces ("123 456") or full-width digits from a Chinese keyboard.
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKC", code or "") if c.isdigit())[:8]
