"""The account-security pages (账户安全): password change, two-factor enrolment and the code
step after the password, and the user's own API tokens. Writes go through the services in
accounts.passwords, accounts.twofactor and accounts.tokens."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov import numbers
from gridgov.errors import DomainError

from . import twofactor
from .models import ApiToken
from .passwords import password_change
from .tokens import api_token_create, api_token_revoke


def _next(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password-change page and form (old password, new twice, the validators of
    AUTH_PASSWORD_VALIDATORS), writing through `password_change`."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        password_change(actor=self.request.user, user=form.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=20)


def _account_page(request, **extra):
    """The account-security page; after a token is made, with its plaintext shown this once."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    context = {
        "device": twofactor.confirmed_device(request.user),
        "two_factor_required": twofactor.two_factor_required(request.user),
        "tokens": tokens,
        "now": timezone.now(),
    }
    return render(request, "accounts/account.html", context | extra)


@login_required
def account(request):
    """The user's account-security page: password, authenticator, API tokens."""
    return _account_page(request)


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code."""
    if twofactor.confirmed_device(request.user) is not None:
        return redirect("account")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.totp_enrol_confirm(actor=request.user, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(
                request, _("Your authenticator app is set up. You will be asked for a code at each sign-in.")
            )
            return redirect(_next(request, "account"))
    device = twofactor.totp_enrol_start(actor=request.user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret_base32(device),
            "required": twofactor.two_factor_required(request.user),
            "next": _next(request, "account"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_verify(request):
    """The second step of signing in: the current code from the authenticator app."""
    if request.user.is_verified() or twofactor.confirmed_device(request.user) is None:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.totp_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code", _("That code is not right, or too many wrong codes were tried: wait a moment and try again.")
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def token_create(request):
    """Make an API token for oneself; the plaintext is shown on this answer only."""
    try:
        days = numbers.ascii_digits(request.POST.get("days", ""), field="days").strip()
        if days and (not days.isdigit() or not 1 <= int(days) <= 3650):
            raise DomainError(_("Give the validity in days, 1 to 3650, or leave it empty for no expiry."), field="days")
        expires_at = timezone.now() + datetime.timedelta(days=int(days)) if days else None
        token, plaintext = api_token_create(
            actor=request.user, owner=request.user, name=request.POST.get("name", ""), expires_at=expires_at
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("account")
    return _account_page(request, new_token=token, plaintext=plaintext)


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("account")
