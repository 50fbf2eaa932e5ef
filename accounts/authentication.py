"""How the API knows who is calling (DRF authentication classes): an API token, the browser
session, or (when GRIDGOV_API_BASIC_AUTH is on) HTTP Basic."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, BasicAuthentication, get_authorization_header

from .lockout import lockout_message

# accounts.tokens is imported inside authenticate(): DRF imports this module while defining
# APIView, which gridgov.errors (imported by accounts.tokens) itself imports.


class LockedOut(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer ggt_…` (or `Token ggt_…`): the token's owner, with the owner's scope."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give one token after the keyword."))
        try:
            plaintext = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        from .tokens import api_token_check

        token = api_token_check(plaintext)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SwitchableBasicAuthentication(BasicAuthentication):
    """HTTP Basic, only when GRIDGOV_API_BASIC_AUTH is on (off in production). Failed attempts
    count towards the sign-in lockout like the login page's (django-axes)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        if not settings.GRIDGOV_API_BASIC_AUTH:
            raise exceptions.AuthenticationFailed(
                _("HTTP Basic authentication is turned off on this server; use an API token (Authorization: Bearer).")
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            # axes flags the request it was given (DRF's wrapper, or the request under it).
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                request._request.axes_locked_out = False  # answered here; the middleware need not
                raise LockedOut(lockout_message()) from None
            raise

    def authenticate_header(self, request):
        return 'Basic realm="api"' if settings.GRIDGOV_API_BASIC_AUTH else 'Bearer realm="api"'
