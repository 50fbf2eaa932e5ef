"""Serializers of the registry API: reads show masked personal data only; writes validate
and shape, the services do the rest."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from gridgov import dates, numbers
from grids.api import NodeRefSerializer

from ..models import Building, Household, Organisation, Relation, Resident, ResidentTag, Sex, SpecialCategory

# ---- Serializers (read) ----


class CategorySerializer(serializers.ModelSerializer):
    visit_interval_days = numbers.ApiIntegerField(min_value=0, max_value=32767, required=False)

    class Meta:
        model = SpecialCategory
        fields = ["id", "code", "name", "symbol", "color", "responsible_role", "visit_interval_days", "is_active"]
        read_only_fields = ["id"]


class TagSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    symbol = serializers.CharField(source="category.symbol", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = ResidentTag
        fields = [
            "id",
            "resident",
            "resident_name",
            "category",
            "category_name",
            "symbol",
            "start_date",
            "end_date",
            "note",
        ]
        read_only_fields = fields


class ResidentSerializer(serializers.ModelSerializer):
    """A resident with masked personal data only."""

    household_number = serializers.CharField(source="household.number", read_only=True)
    address = serializers.CharField(source="household.address", read_only=True)
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "household_number",
            "address",
            "name",
            "sex",
            "birth_date",
            "relation",
            "relation_label",
            "id_number_masked",
            "phone_masked",
            "tags",
        ]
        read_only_fields = fields

    def get_tags(self, resident) -> list[dict]:
        tags = getattr(resident, "active_tags", None)
        if tags is None:
            tags = [t for t in resident.tags.all() if t.is_active]
        return [{"code": t.category.code, "name": t.category.name, "symbol": t.category.symbol} for t in tags]


class HouseholdSerializer(serializers.ModelSerializer):
    unit_grid = NodeRefSerializer(read_only=True)
    community = NodeRefSerializer(read_only=True)
    street = NodeRefSerializer(read_only=True)
    head_name = serializers.CharField(source="head.name", read_only=True, default="")
    member_count = numbers.ApiIntegerField(read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "address",
            "lon",
            "lat",
            "building",
            "unit_grid",
            "community",
            "street",
            "head",
            "head_name",
            "member_count",
        ]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    members = ResidentSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [f for f in HouseholdSerializer.Meta.fields if f != "member_count"] + ["members"]
        read_only_fields = fields


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name", "kind", "address", "floors", "lon", "lat", "unit_grid", "community", "street"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "credit_code",
            "address",
            "building",
            "contact_name",
            "contact_phone_masked",
            "lon",
            "lat",
            "unit_grid",
            "community",
            "street",
        ]
        read_only_fields = fields


# ---- Serializers (write: validate and shape only) ----


class HouseholdWriteSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=200, required=False)
    lon = numbers.ApiFloatField(required=False)
    lat = numbers.ApiFloatField(required=False)
    building = numbers.ApiIntegerField(required=False, allow_null=True)
    number = serializers.CharField(max_length=24, required=False, help_text="leave out to take the next free number")


class ResidentWriteSerializer(serializers.Serializer):
    household = numbers.ApiIntegerField(required=False, help_text="create only")
    name = serializers.CharField(max_length=50, required=False)
    relation = serializers.ChoiceField(choices=Relation.choices, required=False)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False)


class ResidentLookupSerializer(serializers.Serializer):
    """An exact look-up by ID number and/or phone, in a POST body (never in a URL)."""

    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class RevealSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="id_number or phone (contact_phone for organisations)")
    # Checked by the service (gridgov.personal_data.clean_reveal_reason), after the role.
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="why the value is needed; required, logged"
    )


RevealResponse = inline_serializer("Revealed", {"field": serializers.CharField(), "value": serializers.CharField()})


class TagAddSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=SpecialCategory.objects.all())
    start_date = dates.ApiDateField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TagEndSerializer(serializers.Serializer):
    end_date = dates.ApiDateField(required=False)


class OrganisationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    address = serializers.CharField(max_length=200)
    lon = numbers.ApiFloatField()
    lat = numbers.ApiFloatField()
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class BuildingWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Building.Kind.choices)
    address = serializers.CharField(max_length=200)
    lon = numbers.ApiFloatField()
    lat = numbers.ApiFloatField()
    floors = numbers.ApiIntegerField(required=False, allow_null=True, min_value=1, max_value=200)
