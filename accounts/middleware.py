"""Session rules that apply to every request of a signed-in user (docs/security.md):
the idle timeout, the second factor, and the password's age.

Each answers a page request with a redirect to where the user can act, and an API request
(`/api/`) with a JSON 401/403 that says why. API tokens are checked inside DRF, after these: a
token's request reaches them as anonymous, so none of them applies to it.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .passwords import password_expired
from .twofactor import two_factor_required

LAST_SEEN = "gridgov_last_seen"
# The stored time of last use moves at most this often: a session is not rewritten on every
# request (the timeout is then exact to within this much).
LAST_SEEN_RESOLUTION = 60


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _exempt(request, *names: str) -> bool:
    path = request.path
    return path.startswith(("/static/", "/i18n/")) or any(path == reverse(name) for name in names)


def _to(request, name: str):
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return redirect(reverse(name) + (f"?{query}" if query else ""))


class IdleSessionTimeoutMiddleware:
    """Ends a session unused for GRIDGOV_SESSION_IDLE_MINUTES (0: never)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = settings.GRIDGOV_SESSION_IDLE_MINUTES
        if minutes > 0 and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                    % {"minutes": minutes},
                )
            elif not isinstance(last, int) or now - last >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A signed-in user who must give a code (their role requires it, or they enrolled) and has
    not yet, in this session, may only reach the enrolment and code pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not user.is_authenticated
            or user.is_verified()
            or _exempt(request, "two-factor-verify", "two-factor-setup", "logout", "login")
        ):
            return self.get_response(request)
        # The stored flag, not a query of the devices: most users have none, and pay nothing.
        has_device = user.two_factor_enabled
        if not has_device and not two_factor_required(user):
            return self.get_response(request)
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": _("Enter the code from your authenticator app first (or use an API token)."),
                    "code": "two_factor_required",
                },
                status=403,
            )
        return _to(request, "two-factor-verify" if has_device else "two-factor-setup")


class PasswordRotationMiddleware:
    """A password older than GRIDGOV_PASSWORD_MAX_AGE_DAYS must be changed before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not user.is_authenticated
            or _exempt(request, "password-change", "logout", "login", "two-factor-verify", "two-factor-setup")
            or not password_expired(user)
        ):
            return self.get_response(request)
        message = _("Your password is more than %(days)d days old. Please choose a new one.") % {
            "days": settings.GRIDGOV_PASSWORD_MAX_AGE_DAYS
        }
        if _is_api(request):
            return JsonResponse({"detail": message, "code": "password_expired"}, status=403)
        messages.warning(request, message)
        return _to(request, "password-change")
