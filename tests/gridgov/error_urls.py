"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from gridgov.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied("internal reason, not for the page")


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-refuse/", refuse),
    path("test-crash/", crash),
    *site_urlpatterns,
]
