"""Requests refused before any view sees them."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul_text(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul_text(k) or _has_nul_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul_text(v) for v in value)
    return False


def has_nul(request) -> bool:
    """A NUL (\\x00, %00) anywhere a view would read text: the path, the query string, form
    fields (not uploaded files: a photo or a workbook is binary) and a JSON body."""
    if "\x00" in request.path:  # the path arrives percent-decoded: %00 is \x00 here
        return True
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in query or "%00" in query:
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        return any(_has_nul_text(key) or any(_has_nul_text(v) for v in values) for key, values in request.POST.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if b"\x00" in body:
            return True
        if b"\\u0000" not in body.lower():
            return False
        try:
            return _has_nul_text(json.loads(body))
        except ValueError:
            return False  # not JSON at all: the parser answers that
    return False


class RejectNulMiddleware:
    """One place refuses NUL characters, with a 400 that says so.

    PostgreSQL cannot store or compare a string holding NUL ("A string literal cannot contain
    NUL (0x00) characters"): a filter, lookup or save with one was a 500 wherever it reached
    the database. No field of this platform can hold one, so none is let in. Pages get the
    error page, the API a JSON body {"detail", "code"}, Open311 clients the GeoReport error list
    in the format their resource names (.xml or .json).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request):
        message = _(
            "The request contains a NUL character (\\x00 or %00), which no field may hold. Remove it and try again."
        )
        if request.path.startswith(OPEN311_PREFIX):
            from petitions.open311.views import error  # the spec's error format lives there

            return error("json" if request.path.endswith(".json") else "xml", 400, message)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": message, "code": "nul_character"}, status=400)
        return render(request, "error.html", {"error": InvalidInput(message, code="nul_character")}, status=400)


# Which browser features a page may use (the Permissions-Policy header): the phone report form
# may ask for the position (GPS) and the camera (photos); no page may use anything else.
PERMISSIONS = {
    "geolocation": "(self)",
    "camera": "(self)",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
    "serial": "()",
    "bluetooth": "()",
    "midi": "()",
    "magnetometer": "()",
    "gyroscope": "()",
    "accelerometer": "()",
    "display-capture": "()",
    "fullscreen": "(self)",
    "interest-cohort": "()",
}


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (PERMISSIONS above) on every response: which
    browser features a page may use at all. The phone report form needs the position and the
    camera; nothing needs the microphone, payment or USB, so an injected script cannot ask."""

    header = ", ".join(f"{feature}={allow}" for feature, allow in PERMISSIONS.items())

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
