"""Admin for the registry. Lists are scoped like every other read; personal data shows only
masked (the cipher and hash columns are never in a list, form or search); saves go through
the services, so the admin can do nothing the rules refuse elsewhere; nothing is deleted."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from gridgov import numbers
from gridgov.admin import NoDeleteMixin, ServiceAdmin, ServiceForm

from . import services
from .models import Building, Household, Organisation, Relation, Resident, ResidentTag, Sex, SpecialCategory


class HouseholdForm(ServiceForm):
    lon = numbers.FloatField(label=_("longitude"))
    lat = numbers.FloatField(label=_("latitude"))

    class Meta:
        model = Household
        fields = ["number", "address", "lon", "lat"]

    def save_through_service(self, data):
        if self.instance.pk:
            return services.household_update(
                actor=self.request_user,
                household=self.instance,
                address=data["address"],
                lon=data["lon"],
                lat=data["lat"],
            )
        return services.household_create(
            actor=self.request_user,
            address=data["address"],
            lon=data["lon"],
            lat=data["lat"],
            number=data.get("number") or None,
        )


class ResidentForm(ServiceForm):
    """Typed-in ID numbers and phones are sealed by the service; the form never shows one."""

    id_number = forms.CharField(
        label=_("ID number"), required=False, help_text=_("Leave empty to keep the stored one (shown masked).")
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, help_text=_("Leave empty to keep the stored one (shown masked).")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False)

    class Meta:
        model = Resident
        fields = ["household", "name", "relation"]

    def save_through_service(self, data):
        kwargs = {
            "name": data["name"],
            "relation": data["relation"] or Relation.OTHER,
            "sex": data.get("sex") or None,
            "birth_date": data.get("birth_date"),
        }
        if self.instance.pk:
            return services.resident_update(
                actor=self.request_user,
                resident=self.instance,
                id_number=data.get("id_number") or None,
                phone=data.get("phone") or None,
                **kwargs,
            )
        return services.resident_create(
            actor=self.request_user,
            household=data["household"],
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
            **kwargs,
        )


class ResidentInline(admin.TabularInline):
    model = Resident
    fields = ["name", "relation", "sex", "birth_date", "id_number_masked", "phone_masked"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ServiceAdmin):
    form = HouseholdForm
    list_display = ["number", "address", "street", "community", "unit_grid", "head"]
    list_select_related = ["street", "community", "unit_grid", "head"]
    search_fields = ["number", "address"]
    readonly_fields = ["unit_grid", "community", "street", "head"]
    inlines = [ResidentInline]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_for(request.user).located_q())

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "number"] if obj else self.readonly_fields


@admin.register(Resident)
class ResidentAdmin(ServiceAdmin):
    form = ResidentForm
    list_display = ["name", "sex", "birth_date", "relation", "id_number_masked", "phone_masked", "household"]
    list_select_related = ["household"]
    search_fields = ["name", "household__number"]
    readonly_fields = ["id_number_masked", "phone_masked"]
    raw_id_fields = ["household"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "household"] if obj else self.readonly_fields

    def get_search_results(self, request, queryset, search_term):
        # An exact ID number typed into the search box is matched through its keyed hash.
        from gridgov import personal_data

        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = personal_data.normalise_id_number(search_term)
        if personal_data.ID_PATTERN.fullmatch(term):
            queryset |= self.get_queryset(request).filter(id_number_hash=personal_data.id_number_hash(term))
        return queryset, duplicates


class CategoryForm(ServiceForm):
    visit_interval_days = numbers.IntegerField(label=_("visit every (days)"), min_value=1, max_value=32767, initial=30)
    sort_order = numbers.IntegerField(label=_("order"), min_value=0, max_value=32767, initial=0)

    class Meta:
        model = SpecialCategory
        fields = [
            "code",
            "name",
            "symbol",
            "color",
            "responsible_role",
            "visit_interval_days",
            "is_active",
            "sort_order",
        ]

    def save_through_service(self, data):
        fields = {k: data[k] for k in ["name", "symbol", "color", "responsible_role", "visit_interval_days"]}
        if self.instance.pk:
            return services.category_update(
                actor=self.request_user, category=self.instance, is_active=data["is_active"], **fields
            )
        return services.category_create(
            actor=self.request_user, code=data["code"], sort_order=data["sort_order"] or 0, **fields
        )


@admin.register(SpecialCategory)
class SpecialCategoryAdmin(ServiceAdmin):
    form = CategoryForm
    list_display = ["name", "code", "symbol", "responsible_role", "visit_interval_days", "is_active", "sort_order"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "sort_order"] if obj else []


@admin.register(ResidentTag)
class ResidentTagAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Read-only here: tags are added and ended through the API and the services (history kept)."""

    list_display = ["resident", "category", "start_date", "end_date"]
    list_filter = ["category"]
    list_select_related = ["resident", "category"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_for(request.user).located_q())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LocatedReadOnlyAdmin(NoDeleteMixin, admin.ModelAdmin):
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_for(request.user).located_q())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Building)
class BuildingAdmin(LocatedReadOnlyAdmin):
    list_display = ["name", "kind", "address", "unit_grid"]
    list_select_related = ["unit_grid"]
    search_fields = ["name", "address"]


@admin.register(Organisation)
class OrganisationAdmin(LocatedReadOnlyAdmin):
    list_display = ["name", "kind", "address", "contact_name", "contact_phone_masked", "unit_grid"]
    list_select_related = ["unit_grid"]
    search_fields = ["name", "address"]
    fields = ["name", "kind", "credit_code", "address", "contact_name", "contact_phone_masked", "lon", "lat"]
