"""REST API of appeals (诉求): the list, the detail, intake and one POST per registered action
(petitions.actions). Thin: selectors read (scoped), services write; serializers only shape."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gridgov import numbers
from gridgov.dates import DomainDateTimeFilter
from gridgov.errors import InvalidInput, NotFound
from gridgov.params import valid, visible_node
from gridgov.personal_data import refuse_in_url
from grids.scopes import in_node_q

from .. import selectors, services
from ..actions import ACTIONS, AppealAction, actions_for
from ..ids import MAX_ID, as_id
from ..models import (
    Appeal,
    AppealEvent,
    AppealPhoto,
    Colour,
    ExtensionRequest,
    Priority,
    Rating,
    ServiceModule,
    Source,
    Status,
)
from ..pagination import AppealPagination
from ..transitions import action_label


class ModuleSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True, default=None)

    class Meta:
        model = ServiceModule
        fields = ["id", "number", "code", "name", "name_en", "owner", "owner_id", "limit_days", "is_active"]
        read_only_fields = fields


class UnitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = numbers.ApiIntegerField()
    name = serializers.CharField()


def unit_of(appeal) -> dict | None:
    if appeal.handling_department_id:
        return {"kind": "department", "id": appeal.handling_department_id, "name": appeal.handling_department.name}
    if appeal.handling_node_id:
        return {"kind": "node", "id": appeal.handling_node_id, "name": appeal.handling_node.name}
    return None


class AppealSerializer(serializers.ModelSerializer):
    """A list row. Reporter fields are the masked forms only."""

    module = serializers.SlugRelatedField(slug_field="code", read_only=True)
    module_name = serializers.CharField(source="module.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    street = serializers.CharField(source="street.name", read_only=True)
    community = serializers.CharField(source="community.name", read_only=True)
    handling_unit = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    # "" until a return visit rates it: the schema says so (a read-only model field loses allow_blank).
    satisfaction = serializers.ChoiceField(choices=Rating.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id", "source", "status", "status_label", "module", "module_name", "priority", "colour", "address",
            "lon", "lat", "street_id", "street", "community_id", "community", "unit_grid_id", "handling_unit",
            "deadline", "is_overdue", "rework_count", "repeat_count", "satisfaction", "reporter_name_masked",
            "reporter_phone_masked", "created_at", "replied_at", "closed_at", "public",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_handling_unit(self, appeal) -> dict | None:
        return unit_of(appeal)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", read_only=True, default=None)
    action_label = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    # Plain strings in the schema: the status values are those of the appeal's `status`.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = AppealEvent
        fields = ["id", "at", "actor", "action", "action_label", "from_status", "to_status", "note", "data", "photos"]
        read_only_fields = fields

    def get_action_label(self, event) -> str:
        return action_label(event.action)

    def get_photos(self, event) -> list[str]:
        return [p.url for p in event.photos.all()]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = AppealPhoto
        fields = ["id", "url", "width", "height", "uploaded_at", "event_id"]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="pending, approved or refused")

    class Meta:
        model = ExtensionRequest
        fields = ["id", "days", "reason", "status", "requested_at", "decided_at", "old_deadline", "new_deadline"]
        read_only_fields = fields


class AppealDetailSerializer(AppealSerializer):
    events = EventSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields, "description", "reply", "duplicate_of_id", "events", "photos",
            "extensions", "available_actions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_available_actions(self, appeal) -> list[str]:
        return actions_for(self.context["request"].user, appeal)


class AppealCreateSerializer(serializers.Serializer):
    # Open311 appeals come in through /open311/v2/ with a client key; appeal_create refuses
    # them here (same choice set as the appeal's own source, so the schema has one enum).
    source = serializers.ChoiceField(choices=Source.choices)
    module = serializers.CharField(help_text="module id or code")
    description = serializers.CharField(max_length=4000)
    lon = numbers.ApiFloatField()
    lat = numbers.ApiFloatField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    reporter_resident = numbers.ApiIntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID,
        help_text="the registered resident who called (from /api/appeals/caller/); name and phone default to theirs",
    )  # fmt: skip
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    public = serializers.BooleanField(
        default=False,
        help_text="the reporter chose to publish it (Open311 GET, redacted); never for hotline or visit appeals",
    )


class CallerLookupSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30, allow_blank=True)


class CallerResidentSerializer(serializers.Serializer):
    """A registered resident with the caller's phone: masked phone, their household's place."""

    id = numbers.ApiIntegerField()
    name = serializers.CharField()
    phone_masked = serializers.CharField()
    address = serializers.CharField(source="household.address")
    lon = numbers.ApiFloatField(source="household.lon")
    lat = numbers.ApiFloatField(source="household.lat")


class CallerSerializer(serializers.Serializer):
    residents = CallerResidentSerializer(many=True)
    appeals = AppealSerializer(many=True)


class RevealReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="why the details are needed; required, logged",
    )


class ReporterRevealSerializer(serializers.Serializer):
    reporter_name = serializers.CharField(required=False)
    reporter_phone = serializers.CharField(required=False)


class AppealFilter(filters.FilterSet):
    module = filters.CharFilter(method="filter_module", label="module id or code")
    # distinct=False: no join multiplies rows here, and DISTINCT over whole rows would sort them all.
    status = filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    source = filters.ChoiceFilter(choices=Source.choices)
    priority = filters.ChoiceFilter(choices=Priority.choices)
    colour = filters.ChoiceFilter(choices=[c for c in Colour.choices if c[0]])
    node = filters.NumberFilter(method="filter_node", label="grid node id: appeals located in its subtree")
    handling_department = filters.NumberFilter(field_name="handling_department_id")
    created_after = DomainDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DomainDateTimeFilter(field_name="created_at", lookup_expr="lt")
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Appeal
        fields = ["module", "status", "source", "priority", "colour", "node", "handling_department"]

    def filter_module(self, queryset, name, value):
        if value.isdigit():
            return queryset.filter(module_id=as_id(value) or 0)
        return queryset.filter(module__code=value)

    def filter_node(self, queryset, name, value):
        return queryset.filter(in_node_q(visible_node(self.request.user, int(value))))

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Appeals (诉求) as far as the caller may see them, with every lifecycle action."""

    filterset_class = AppealFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = AppealPagination

    def get_queryset(self):
        return selectors.appeal_list(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return AppealCreateSerializer
        return AppealDetailSerializer if self.action == "retrieve" else AppealSerializer

    def retrieve(self, request, pk=None):
        return Response(self._detail(pk))

    def _detail(self, pk) -> dict:
        try:
            appeal = selectors.appeal_detail(self.request.user, as_id(pk) or 0)
        except Appeal.DoesNotExist:
            raise NotFound(f"No appeal {pk}.") from None
        return AppealDetailSerializer(appeal, context=self.get_serializer_context()).data

    def _appeal(self, pk) -> Appeal:
        appeal = Appeal.objects.visible_to(self.request.user).filter(pk=as_id(pk) or 0).first()
        if appeal is None:
            raise NotFound(f"No appeal {pk}.")
        return appeal

    def _data(self, serializer_class) -> dict:
        return valid(serializer_class, self.request)

    @extend_schema(request=AppealCreateSerializer, responses=AppealDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = self._data(AppealCreateSerializer)
        data["reporter_resident"] = _resident(request.user, data.get("reporter_resident"))
        appeal = services.appeal_create(actor=request.user, **data)
        return Response(self._detail(appeal.pk), status=201)

    @extend_schema(responses=AppealSerializer(many=True))
    @action(detail=False)
    def queue(self, request):
        """The handling queue: tab=mine (default), due_soon or overdue."""
        tab = request.query_params.get("tab", "mine")
        if tab not in {"mine", "due_soon", "overdue"}:
            raise InvalidInput("tab is mine, due_soon or overdue.", field="tab")
        qs = self.filter_queryset(selectors.appeal_queue(request.user, tab))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AppealSerializer(page, many=True).data)

    @extend_schema(responses=AppealSerializer(many=True))
    @action(detail=False)
    def inbox(self, request):
        """The command center's inbox: received and registered appeals, oldest first."""
        qs = self.filter_queryset(selectors.appeal_inbox(request.user))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AppealSerializer(page, many=True).data)

    @extend_schema(request=CallerLookupSerializer, responses=CallerSerializer, filters=False, methods=["POST"])
    @extend_schema(
        methods=["GET"], filters=False, responses={400: OpenApiResponse(description="always: POST the phone instead")}
    )
    @action(detail=False, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def caller(self, request):
        """Who is calling: the registered residents with this phone and their earlier appeals
        (at most 20 each), found through the phone's blind index; nothing is decrypted. POST
        {"phone": ...}: a phone never travels in a URL (a GET is refused with a 400)."""
        if request.method == "GET":
            refuse_in_url(request.query_params)
            raise InvalidInput(_("Look a caller up with a POST whose body holds the phone."), field="phone")
        phone = self._data(CallerLookupSerializer)["phone"]
        return Response(CallerSerializer(selectors.caller_lookup(request.user, phone)).data)

    @extend_schema(request=RevealReasonSerializer, responses=ReporterRevealSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-reporter", url_name="reveal-reporter")
    def reveal_reporter(self, request, pk=None):
        """The reporter's full name and phone, for a call back; each reveal is logged with its reason."""
        reason = str(request.data.get("reason", "")) if hasattr(request.data, "get") else ""
        return Response(services.appeal_reporter_reveal(actor=request.user, appeal=self._appeal(pk), reason=reason))


# Not `dispatch` / `return`: the view's own request dispatcher, and a keyword.
API_ATTRS = {"dispatch": "dispatch_to", "return": "return_"}


def _api_action(act: AppealAction):
    """The viewset's endpoint for one registered action (POST /api/appeals/<pk>/<url>/)."""
    name = API_ATTRS.get(act.name, act.name)

    # `name` must be the attribute the action is bound to: DRF maps the method to it by name.
    def endpoint(self, request, pk=None):
        data = self._data(act.serializer)
        appeal = self._appeal(pk)
        act.run(actor=request.user, appeal=appeal, **act.api(data))
        return Response(self._detail(appeal.pk))

    endpoint.__name__ = name
    endpoint.__doc__ = act.doc
    decorated = action(detail=True, methods=["post"], url_path=act.url, url_name=act.url)(endpoint)
    return name, extend_schema(request=act.serializer, responses=AppealDetailSerializer)(decorated)


for _act in ACTIONS.values():
    setattr(AppealViewSet, *_api_action(_act))


def _resident(user, pk):
    if pk in (None, ""):
        return None
    from residents.models import Resident

    resident = Resident.objects.visible_to(user).filter(pk=as_id(pk) or 0).first()
    if resident is None:
        raise InvalidInput(f"No resident {pk} in your area.", field="reporter_resident")
    return resident


class ModuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The 17 service modules with their owners and time limits."""

    serializer_class = ModuleSerializer
    pagination_class = None

    def get_queryset(self):
        return ServiceModule.objects.select_related("owner").filter(is_active=True)
