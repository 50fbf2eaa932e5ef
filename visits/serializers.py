"""API shapes of the visits app: explicit fields; ownership and state fields read-only."""

from rest_framework import serializers

from gridgov import dates, numbers

from .models import Campaign, CampaignAssignment, DiaryEntry, Opinion, ProxyService, Topic, Visit


class CampaignSerializer(serializers.ModelSerializer):
    scope_node_name = serializers.CharField(source="scope_node.name", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "start_date", "end_date", "scope_node", "scope_node_name"]
        read_only_fields = fields  # output only: CampaignWriteSerializer takes the input


class CampaignWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    start_date = dates.ApiDateField()
    end_date = dates.ApiDateField()
    scope_node = numbers.ApiIntegerField()
    cadres = serializers.ListField(child=numbers.ApiIntegerField(), required=False, default=list)


class CampaignAssignmentSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    address = serializers.CharField(source="household.address", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    unit_grid_name = serializers.CharField(source="unit_grid.name", read_only=True)

    class Meta:
        model = CampaignAssignment
        fields = [
            "id",
            "campaign",
            "household",
            "household_number",
            "address",
            "unit_grid",
            "unit_grid_name",
            "cadre",
            "cadre_name",
            "visited_on",
            "first_visit",
        ]
        read_only_fields = fields


class CampaignAssignmentChangeSerializer(serializers.Serializer):
    cadre = numbers.ApiIntegerField()


class OpinionSerializer(serializers.ModelSerializer):
    module_name = serializers.CharField(source="module.name", read_only=True)
    appeal_status = serializers.CharField(source="appeal.status", read_only=True)
    appeal_status_label = serializers.CharField(source="appeal.get_status_display", read_only=True)
    appeal_reply = serializers.CharField(source="appeal.reply", read_only=True)

    class Meta:
        model = Opinion
        fields = [
            "id",
            "module",
            "module_name",
            "text",
            "appeal",
            "appeal_status",
            "appeal_status_label",
            "appeal_reply",
        ]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    visitor_name = serializers.CharField(source="visitor.name", read_only=True)
    opinion_count = numbers.ApiIntegerField(read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "household_number",
            "campaign",
            "visitor",
            "visitor_name",
            "visited_on",
            "met",
            "notes",
            "opinion_count",
        ]
        read_only_fields = fields


class VisitDetailSerializer(VisitSerializer):
    opinions = OpinionSerializer(many=True, read_only=True)
    followed_tags = serializers.SerializerMethodField()

    class Meta(VisitSerializer.Meta):
        fields = [f for f in VisitSerializer.Meta.fields if f != "opinion_count"] + ["opinions", "followed_tags"]
        read_only_fields = fields

    def get_followed_tags(self, visit) -> list[int]:
        return [f.tag_id for f in visit.followups.all()]


class OpinionInputSerializer(serializers.Serializer):
    # Optional here so that a missing module reaches the service, which says what is wrong.
    module = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None)
    text = serializers.CharField(allow_blank=True, max_length=4000)


class VisitWriteSerializer(serializers.Serializer):
    household = numbers.ApiIntegerField()
    visited_on = dates.ApiDateField()
    met = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    campaign = numbers.ApiIntegerField(required=False, allow_null=True, default=None)
    followed_tags = serializers.ListField(child=numbers.ApiIntegerField(), required=False, default=list)
    opinions = OpinionInputSerializer(many=True, required=False, default=list)


class DueVisitSerializer(serializers.Serializer):
    tag = numbers.ApiIntegerField(source="tag.pk")
    category = serializers.CharField(source="tag.category.name")
    resident = numbers.ApiIntegerField(source="tag.resident.pk")
    resident_name = serializers.CharField(source="tag.resident.name")
    household = numbers.ApiIntegerField(source="tag.resident.household.pk")
    household_number = serializers.CharField(source="tag.resident.household.number")
    address = serializers.CharField(source="tag.resident.household.address")
    last_visit = serializers.DateField(allow_null=True, read_only=True)
    due_on = serializers.DateField(read_only=True)
    overdue_days = numbers.ApiIntegerField()


class CoverageRowSerializer(serializers.Serializer):
    node = numbers.ApiIntegerField(source="node.pk", allow_null=True, default=None)
    cadre = numbers.ApiIntegerField(source="cadre_id", allow_null=True)
    label = serializers.CharField()
    assigned = numbers.ApiIntegerField()
    visited = numbers.ApiIntegerField()
    rate = numbers.ApiFloatField()


class CoverageSerializer(serializers.Serializer):
    total = CoverageRowSerializer()
    rows = CoverageRowSerializer(many=True)


class DiarySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)
    date = dates.ApiDateField()
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices), required=False)

    class Meta:
        model = DiaryEntry
        fields = ["id", "author", "author_name", "date", "node", "node_name", "topics", "text"]
        read_only_fields = ["id", "author", "author_name", "node_name"]


class ProxyServiceSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    # A plain string in the schema: an enum named "Status" would collide with the appeals'.
    status = serializers.CharField(read_only=True, help_text="open | done | failed")

    class Meta:
        model = ProxyService
        fields = ["id", "resident", "resident_name", "visit", "what", "result", "status", "handled_by", "done_at"]
        read_only_fields = ["id", "resident_name", "result", "status", "handled_by", "done_at"]


class ProxyFinishSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=2000)
    done = serializers.BooleanField(default=True)
