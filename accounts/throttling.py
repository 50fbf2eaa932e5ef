"""Request throttles (访问频率限制): the API's (DRF) and the public pages' — one mechanism.

Rates come from GRIDGOV_THROTTLE_RATES ("N/minute" etc.; empty: no limit), read at each
request so that a test or an operator changing the setting is heard. Clients are told apart by
`accounts.lockout.client_address` (the same address the sign-in lockout counts) or by user.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from .lockout import client_address


class RateThrottle(SimpleRateThrottle):
    """A throttle of GRIDGOV_THROTTLE_RATES[scope], per user when signed in, else per address."""

    scope = "public"

    def get_rate(self):
        return settings.GRIDGOV_THROTTLE_RATES.get(self.scope) or None

    def get_ident(self, request) -> str:
        return client_address(request)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = f"u{user.pk}" if user is not None and user.is_authenticated else f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonThrottle(RateThrottle):
    """API requests without a session or token, per address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class UserThrottle(RateThrottle):
    """API requests of a signed-in user or a token (counted against its owner)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


def throttle_message(wait: float | None) -> str:
    if wait:
        return _("Too many requests. Please wait %(seconds)d seconds and try again.") % {"seconds": max(1, round(wait))}
    return _("Too many requests. Please wait a moment and try again.")


def throttle_wait(request, scope: str = "public") -> float | None:
    """Count this request against `scope`; None if it may go on, else the seconds to wait.
    For views outside DRF (the Open311 POST, the public portal)."""
    throttle = type(f"{scope.title()}Throttle", (RateThrottle,), {"scope": scope})()
    if throttle.allow_request(request, None):
        return None
    return throttle.wait() or 1.0


def public_throttle(scope: str = "public", methods: tuple[str, ...] = ("POST",)):
    """Decorate a public page: requests of `methods` beyond the rate get the site's 429 page
    (with Retry-After)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                wait = throttle_wait(request, scope)
                if wait is not None:
                    response = render(
                        request,
                        "accounts/throttled.html",
                        {"message": throttle_message(wait)},
                        status=429,
                    )
                    response["Retry-After"] = str(max(1, round(wait)))
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
