"""The account-security pages, under /account/ (included in gridgov/urls.py)."""

from django.urls import path

from . import auth_views

urlpatterns = [
    path("", auth_views.account, name="account"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password-change"),
    path("two-factor/", auth_views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", auth_views.two_factor_verify, name="two-factor-verify"),
    path("tokens/", auth_views.token_create, name="api-token-create"),
    path("tokens/<int:pk>/revoke/", auth_views.token_revoke, name="api-token-revoke"),
]
