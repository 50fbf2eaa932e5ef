"""Domain errors, and how the API and the pages turn them into clear messages.

Services raise these; they never return half-done work. The API answers with the matching
4xx and {"detail": ..., "code": ...}; a page that does not catch one itself shows the
message on a 4xx page instead of a 500.
"""

from django.shortcuts import render
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A refusal a user can act on. `message` is shown to them as it is."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    code = "invalid"


class NotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_allowed"


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    response = exception_handler(exc, context)
    if response is None:
        return None
    # 429s (accounts/throttling.py, accounts/authentication.py) in the API's error format.
    if isinstance(exc, Throttled):
        from accounts.throttling import throttle_message

        response.data = {"detail": throttle_message(exc.wait), "code": "throttled"}
    elif getattr(exc, "default_code", "") == "locked_out":
        response.data = {"detail": str(exc.detail), "code": "locked_out"}
    return response


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return render(request, "error.html", {"error": exception}, status=exception.status_code)
        return None
