from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, NotificationViewSet
from grids.api import AssignmentViewSet, DepartmentViewSet, GridNodeViewSet, LocateView
from petitions.api import AppealViewSet, ModuleViewSet

router = DefaultRouter()
router.register("grids/nodes", GridNodeViewSet, basename="gridnode")
router.register("grids/departments", DepartmentViewSet, basename="department")
router.register("grids/assignments", AssignmentViewSet, basename="assignment")
router.register("appeals/modules", ModuleViewSet, basename="api-appeal-module")
router.register("appeals", AppealViewSet, basename="api-appeal")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("grids/locate/", LocateView.as_view(), name="api-locate"),
    *router.urls,
]
