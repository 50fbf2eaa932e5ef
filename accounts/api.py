from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scopes import scope_for
from grids.selectors import root_nodes

from .models import Notification
from .services import notification_mark_read


class MeView(APIView):
    """Who the caller is, the roles they hold today, and the tops of their scope."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "sees_everything": serializers.BooleanField(),
                "roots": serializers.ListField(child=serializers.DictField()),
                "department_ids": serializers.ListField(child=serializers.IntegerField()),
            },
        )
    )
    def get(self, request):
        user = request.user
        scope = scope_for(user)
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "name": user.name,
                "roles": sorted(scope.roles),
                "sees_everything": scope.everything,
                "roots": [{"id": n.id, "code": n.code, "name": n.name, "level": n.level} for n in root_nodes(user)],
                "department_ids": sorted(scope.department_ids),
            }
        )


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notification centre. `?unread=1` lists the unread ones."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        notices = Notification.objects.filter(recipient=self.request.user)
        return notices.unread() if self.request.query_params.get("unread") else notices

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self.get_object()
        notification_mark_read(actor=request.user, ids=[notice.pk])
        notice.refresh_from_db()
        return Response(NotificationSerializer(notice).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notification_mark_read(actor=request.user)})
