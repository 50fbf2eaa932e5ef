"""REST API of appeals. Thin: selectors read (scoped), services write; serializers only shape."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gridgov.dates import DomainDateTimeFilter
from gridgov.errors import InvalidInput, NotFound
from gridgov.personal_data import refuse_in_url
from grids.models import Department, GridNode, Level

from . import selectors, services
from .ids import MAX_ID, as_id
from .models import (
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
    SupervisionSlip,
)
from .pagination import AppealPagination
from .services import supervision
from .transitions import action_label, available_actions


class ModuleSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True, default=None)

    class Meta:
        model = ServiceModule
        fields = ["id", "number", "code", "name", "name_en", "owner", "owner_id", "limit_days", "is_active"]
        read_only_fields = fields


class UnitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
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
        return available_actions(self.context["request"].user, appeal)


class AppealCreateSerializer(serializers.Serializer):
    # Open311 appeals come in through /open311/v2/ with a client key; appeal_create refuses
    # them here (same choice set as the appeal's own source, so the schema has one enum).
    source = serializers.ChoiceField(choices=Source.choices)
    module = serializers.CharField(help_text="module id or code")
    description = serializers.CharField(max_length=4000)
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    reporter_resident = serializers.IntegerField(
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

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone_masked = serializers.CharField()
    address = serializers.CharField(source="household.address")
    lon = serializers.FloatField(source="household.lon")
    lat = serializers.FloatField(source="household.lat")


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


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class RegisterSerializer(NoteSerializer):
    module = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class MergeSerializer(NoteSerializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class DispatchSerializer(NoteSerializer):
    department = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    node = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class DispatchDownSerializer(NoteSerializer):
    community = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ExtensionRequestSerializer(ReasonSerializer):
    days = serializers.IntegerField(min_value=1, max_value=20)


class ExtensionDecisionSerializer(NoteSerializer):
    approve = serializers.BooleanField()


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReturnVisitSerializer(NoteSerializer):
    rating = serializers.ChoiceField(choices=["satisfied", "basic", "dissatisfied", "unreachable"])
    substantive = serializers.BooleanField(default=False, help_text="dissatisfied for a substantive reason: rework")


class PhotosSerializer(NoteSerializer):
    photos = serializers.ListField(child=serializers.FileField(), min_length=1)


def node_filter_q(node: GridNode) -> Q:
    """Appeals located in the node's subtree, by the stored location columns."""
    if node.level == Level.DISTRICT:
        return Q()
    if node.level == Level.STREET:
        return Q(street_id=node.pk)
    if node.level == Level.COMMUNITY:
        return Q(community_id=node.pk)
    if node.level == Level.BASE_GRID:
        return Q(unit_grid__parent_id=node.pk)
    return Q(unit_grid_id=node.pk)


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
        node = GridNode.objects.filter(pk=as_id(int(value)) or 0).only("id", "level").first()
        if node is None:
            raise InvalidInput(f"No grid node {value}.", field="node")
        return queryset.filter(node_filter_q(node))

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
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

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

    def _act(self, pk, serializer_class, call):
        data = self._data(serializer_class) if serializer_class else {}
        appeal = self._appeal(pk)
        call(appeal, data)
        return Response(self._detail(appeal.pk))

    def _post(name, serializer_class, call, doc, url=None):
        # `name` must be the attribute the action is bound to: DRF maps the method to it by name.
        def act(self, request, pk=None):
            return self._act(pk, serializer_class, lambda appeal, data: call(request.user, appeal, data))

        act.__name__ = name
        act.__doc__ = doc
        url = url or name.replace("_", "-")
        return extend_schema(request=serializer_class, responses=AppealDetailSerializer)(
            action(detail=True, methods=["post"], url_path=url, url_name=url)(act)
        )

    register = _post(
        "register", RegisterSerializer,
        lambda u, a, d: services.appeal_register(
            actor=u, appeal=a, module=d.get("module") or None, priority=d.get("priority"), note=d["note"]
        ),
        "立案: confirm or correct module and priority.",
    )  # fmt: skip
    merge = _post(
        "merge", MergeSerializer,
        lambda u, a, d: services.appeal_merge(actor=u, appeal=a, into=d["into"], note=d["note"]),
        "重复件: merge into an open appeal.",
    )  # fmt: skip
    reject = _post(
        "reject", ReasonSerializer, lambda u, a, d: services.appeal_reject(actor=u, appeal=a, reason=d["reason"]),
        "不予受理, with the reason.",
    )  # fmt: skip
    # Not `dispatch`: that name is the view's own request dispatcher.
    dispatch_to = _post(
        "dispatch_to", DispatchSerializer,
        lambda u, a, d: services.appeal_dispatch(
            actor=u, appeal=a, department=_department(d.get("department")), node=_node(d.get("node")), note=d["note"]
        ),
        "分流交办 to a department or a street/community.", url="dispatch",
    )  # fmt: skip
    dispatch_down = _post(
        "dispatch_down", DispatchDownSerializer,
        lambda u, a, d: services.appeal_dispatch_down(
            actor=u, appeal=a, community=_node(d["community"]), note=d["note"]
        ),
        "下派: a street passes its case to one of its communities.",
    )  # fmt: skip
    sign = _post(
        "sign", NoteSerializer, lambda u, a, d: services.appeal_sign(actor=u, appeal=a, note=d["note"]), "签收."
    )
    return_ = _post(
        "return_", ReasonSerializer, lambda u, a, d: services.appeal_return(actor=u, appeal=a, reason=d["reason"]),
        "回退 to the command center, with the reason.", url="return",
    )  # fmt: skip
    transfer = _post(
        "transfer", ReasonSerializer, lambda u, a, d: services.appeal_transfer(actor=u, appeal=a, reason=d["reason"]),
        "转办: back to the command center for another unit, with the reason.",
    )  # fmt: skip
    request_extension = _post(
        "request_extension", ExtensionRequestSerializer,
        lambda u, a, d: services.appeal_request_extension(actor=u, appeal=a, days=d["days"], reason=d["reason"]),
        "申请延期, before the deadline.",
    )  # fmt: skip
    decide_extension = _post(
        "decide_extension", ExtensionDecisionSerializer,
        lambda u, a, d: services.appeal_decide_extension(actor=u, appeal=a, approve=d["approve"], note=d["note"]),
        "审批延期: approve or refuse the pending request.",
    )  # fmt: skip
    reply = _post(
        "reply", ReplySerializer,
        lambda u, a, d: services.appeal_reply(actor=u, appeal=a, reply=d["reply"], photos=d["photos"]),
        "答复, with photos of the work if any.",
    )  # fmt: skip
    verify = _post(
        "verify", NoteSerializer, lambda u, a, d: services.appeal_verify(actor=u, appeal=a, note=d["note"]),
        "核查通过.",
    )  # fmt: skip
    rework = _post(
        "rework", ReasonSerializer, lambda u, a, d: services.appeal_rework(actor=u, appeal=a, reason=d["reason"]),
        "返工: verification failed.",
    )  # fmt: skip
    return_visit = _post(
        "return_visit", ReturnVisitSerializer,
        lambda u, a, d: services.appeal_return_visit(
            actor=u, appeal=a, rating=d["rating"], substantive=d["substantive"], note=d["note"]
        ),
        "回访 with the rating: closes the case, or sends it to rework.",
    )  # fmt: skip
    reopen = _post(
        "reopen", ReasonSerializer, lambda u, a, d: services.appeal_reopen(actor=u, appeal=a, reason=d["reason"]),
        "重新办理, within 30 days of closing.",
    )  # fmt: skip
    add_photos = _post(
        "add_photos", PhotosSerializer,
        lambda u, a, d: services.appeal_add_photos(actor=u, appeal=a, photos=d["photos"], note=d["note"]),
        "More photos for an open appeal.",
    )  # fmt: skip
    del _post


def _resident(user, pk):
    if pk in (None, ""):
        return None
    from residents.models import Resident

    resident = Resident.objects.visible_to(user).filter(pk=as_id(pk) or 0).first()
    if resident is None:
        raise InvalidInput(f"No resident {pk} in your area.", field="reporter_resident")
    return resident


def _department(pk) -> Department | None:
    if pk in (None, ""):
        return None
    department = Department.objects.filter(pk=as_id(pk) or 0).first()
    if department is None:
        raise InvalidInput(f"No department {pk}.", field="department")
    return department


def _node(pk) -> GridNode | None:
    if pk in (None, ""):
        return None
    node = GridNode.objects.filter(pk=as_id(pk) or 0).first()
    if node is None:
        raise InvalidInput(f"No grid node {pk}.", field="node")
    return node


class ModuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The 17 service modules with their owners and time limits."""

    serializer_class = ModuleSerializer
    pagination_class = None

    def get_queryset(self):
        return ServiceModule.objects.select_related("owner").filter(is_active=True)


# ---------------------------------------------------------------------------------------------
# Supervision slips (四色督办单)

SLIP_COLOURS = [c for c in Colour.choices if c[0]]


class SlipSerializer(serializers.ModelSerializer):
    colour_label = serializers.CharField(source="get_colour_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text="open, acknowledged or closed")
    appeal_module = serializers.CharField(source="appeal.module.name", read_only=True)
    appeal_status = serializers.CharField(source="appeal.status", read_only=True)
    handling_unit = serializers.SerializerMethodField()
    escalated_to = serializers.CharField(source="escalated_to.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = SupervisionSlip
        fields = [
            "id", "appeal_id", "appeal_module", "appeal_status", "colour", "colour_label", "reason", "manual",
            "state", "issued_at", "issued_by_id", "handling_unit", "escalated_to", "to_bureau", "acknowledged_at",
            "acknowledged_by_id", "closed_at", "closed_by_id", "close_note", "window_start",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_handling_unit(self, slip) -> dict | None:
        return unit_of(slip)


class SlipIssueSerializer(serializers.Serializer):
    appeal = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    colour = serializers.ChoiceField(choices=SLIP_COLOURS)
    reason = serializers.CharField(max_length=300)


class SlipCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SlipFilter(filters.FilterSet):
    colour = filters.ChoiceFilter(choices=SLIP_COLOURS)
    state = filters.ChoiceFilter(
        choices=[("open", "open"), ("unacknowledged", "unacknowledged"), ("closed", "closed")], method="filter_state"
    )
    appeal = filters.NumberFilter(field_name="appeal_id")
    handling_department = filters.NumberFilter(field_name="handling_department_id")
    handling_node = filters.NumberFilter(field_name="handling_node_id")

    class Meta:
        model = SupervisionSlip
        fields = ["colour", "appeal", "handling_department", "handling_node"]

    def filter_state(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        queryset = queryset.filter(closed_at__isnull=True)
        return queryset.filter(acknowledged_at__isnull=True) if value == "unacknowledged" else queryset


class SlipViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision slips of the appeals the caller sees: issue by hand (command center,
    supervision bureau), acknowledge (the handling unit), close (the supervisors)."""

    filterset_class = SlipFilter
    pagination_class = AppealPagination
    serializer_class = SlipSerializer

    def get_queryset(self):
        return selectors.slip_list(self.request.user).order_by("-issued_at", "-id")

    def _slip(self, pk) -> SupervisionSlip:
        slip = self.get_queryset().filter(pk=as_id(pk) or 0).first()
        if slip is None:
            raise NotFound(f"No slip {pk}.")
        return slip

    @extend_schema(request=SlipIssueSerializer, responses=SlipSerializer)
    def create(self, request, *args, **kwargs):
        serializer = SlipIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not Appeal.objects.visible_to(request.user).filter(pk=data["appeal"]).exists():
            raise NotFound(f"No appeal {data['appeal']}.")
        slip = supervision.slip_issue(
            actor=request.user, appeal=data["appeal"], colour=data["colour"], reason=data["reason"]
        )
        return Response(SlipSerializer(self._slip(slip.pk)).data, status=201)

    @extend_schema(request=None, responses=SlipSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收: the handling unit has seen the slip."""
        supervision.slip_acknowledge(actor=request.user, slip=self._slip(pk))
        return Response(SlipSerializer(self._slip(pk)).data)

    @extend_schema(request=SlipCloseSerializer, responses=SlipSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """销单: the supervisors close an answered slip."""
        serializer = SlipCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supervision.slip_close(actor=request.user, slip=self._slip(pk), note=serializer.validated_data["note"])
        return Response(SlipSerializer(self._slip(pk)).data)
