"""REST API of the registry: `serializers` shape, `views` holds the viewsets (thin: selectors
read, services write)."""

from .views import (
    AreasView,
    BuildingViewSet,
    CategoryViewSet,
    HouseholdViewSet,
    OrganisationViewSet,
    ResidentViewSet,
    TagViewSet,
)

__all__ = [
    "AreasView",
    "BuildingViewSet",
    "CategoryViewSet",
    "HouseholdViewSet",
    "OrganisationViewSet",
    "ResidentViewSet",
    "TagViewSet",
]
