"""What the apps' admins share: one set of base classes, so the admin writes only through the
services (their refusals show as form errors) and never deletes.

- `NoDeleteMixin`: nothing is deleted from the admin (history is kept, keys are protected).
- `ReadOnlyAdmin`: a record the admin shows but never writes.
- `ServiceForm` + `ServiceAdmin`: the form's clean() calls `save_through_service(data)` with the
  request's user as the actor; the admin's own save has nothing left to do.
"""

from django import forms
from django.contrib import admin

from gridgov.errors import DomainError


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoDeleteMixin, admin.ModelAdmin):
    """A record the admin shows but never writes: every write goes through the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceForm(forms.ModelForm):
    """Calls `save_through_service` in clean(), turning domain errors into form errors."""

    request_user = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.instance = self.save_through_service(data)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data

    def save_through_service(self, data: dict):
        raise NotImplementedError

    def save(self, commit=True):
        return self.instance

    def _save_m2m(self):
        pass


class ServiceAdmin(NoDeleteMixin, admin.ModelAdmin):
    """An admin whose form is a ServiceForm: it hands the form its actor and saves nothing itself."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        pass  # written by the service in the form's clean()

    def save_related(self, request, form, formsets, change):
        pass
