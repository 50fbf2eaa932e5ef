from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gridgov.admin import ReadOnlyAdmin
from gridgov.errors import DomainError

from .models import ApiToken, RevealLog, User
from .tokens import api_token_revoke
from .twofactor import totp_reset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "name"]
    readonly_fields = ["password_changed_at"]
    fieldsets = [
        (None, {"fields": ["username", "password", "password_changed_at"]}),
        (_("Personal info"), {"fields": ["name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-step sign-in (the user enrols again)"))
    def reset_two_factor(self, request, queryset):
        try:
            for user in queryset:
                totp_reset(actor=request.user, user=user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Two-step sign-in reset for %(count)d user.", "Two-step sign-in reset for %(count)d users.", count)
            % {"count": count},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made on the account page or with `manage.py api_token` (the plaintext is shown
    once there); here they are listed and revoked."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username", "user__name"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "digest"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
        self.message_user(request, _("Revoked."))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, which records the change in the audit trail.
        from .services import user_save

        user_save(actor=request.user, user=obj, also_changed=form.changed_data)


@admin.register(RevealLog)
class RevealLogAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only and written by the reveal service alone."""

    list_display = ["revealed_at", "user", "subject", "field", "reason", "content_type", "object_id"]
    list_filter = ["field", "content_type"]
    search_fields = ["user__username", "user__name", "subject"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "revealed_at"

    def get_queryset(self, request):
        # The district (command center, admins) audits everyone; anyone else sees their own.
        from .scopes import scope_for

        qs = super().get_queryset(request)
        return qs if scope_for(request.user).everything else qs.filter(user=request.user)


# Authenticators are enrolled by their users and reset through UserAdmin's action above
# (accounts.twofactor: one write path, which keeps User.two_factor_enabled); django-otp's own
# device admin would bypass it.
def _unregister_otp_admin():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)


_unregister_otp_admin()
