"""Lockout after repeated failed sign-ins (登录失败处理), on django-axes.

Two limits, counted over the failures of the last AXES_COOLOFF_TIME: per account (any address)
and per address (any account). axes keeps one limit for all its lockout parameters; this handler
checks each parameter against its own. The lockout answer is the site's page in the user's
language, or JSON for the API.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LockoutBackend(AxesStandaloneBackend):
    """axes's check before any password is compared (first in AUTHENTICATION_BACKENDS).

    axes refuses a call without a request with an exception; every sign-in path of the site
    (the login page, the admin's login, HTTP Basic) passes one, and the only caller that does
    not is Django's test client's `login()`, which must keep working in tests."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or with GRIDGOV_TRUSTED_PROXIES = n the n-th
    entry from the right of X-Forwarded-For (what the nearest trusted proxy saw). The one way
    the lockout and the throttles tell clients apart."""
    proxies = settings.GRIDGOV_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies][:45]


def failure_limit(request, credentials=None) -> int:
    """axes's single limit (AXES_FAILURE_LIMIT): the lower of ours, read at each call; the
    handler below then checks each parameter against its own."""
    return min(settings.GRIDGOV_LOCKOUT_ACCOUNT_FAILURES, settings.GRIDGOV_LOCKOUT_ADDRESS_FAILURES)


class LockoutHandler(AxesDatabaseHandler):
    def limits(self) -> list[int]:
        # The order of AXES_LOCKOUT_PARAMETERS: username, then ip_address.
        return [settings.GRIDGOV_LOCKOUT_ACCOUNT_FAILURES, settings.GRIDGOV_LOCKOUT_ADDRESS_FAILURES]

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        for attempts, limit in zip(self.get_user_attempts(request, credentials), self.limits(), strict=False):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= limit:
                return True
        return False

    def reset_user_attempts(self, request, credentials=None) -> int:
        # On a successful sign-in axes would clear every failure matching the username *or* the
        # address: a guesser holding one valid account could wipe the address's count by
        # signing in to it. Clear only the account's own failures.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _detail = AccessAttempt.objects.filter(username=username).delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes flags a lockout against its single AXES_FAILURE_LIMIT (the lower of ours); flag
        # it against the limit of each parameter instead.
        if request is not None and getattr(request, "axes_locked_out", False):
            request.axes_locked_out = self.is_locked(request, credentials)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-ins from this account or address. Signing in is locked for %(minutes)d minutes "
        "after the last attempt; try again later, or ask an administrator."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked-out sign-in: 429 with the site's page, or JSON on the API."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=status)
    return render(request, "accounts/lockout.html", {"message": lockout_message()}, status=status)
