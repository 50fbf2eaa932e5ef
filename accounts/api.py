from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scopes import scope_for
from grids.selectors import root_nodes


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
