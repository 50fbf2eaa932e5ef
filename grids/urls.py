from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("grids/", views.grid_home, name="grid-home"),
    path("grids/<int:pk>/", views.node_detail, name="grid-node"),
    path("grids/without-staff/", views.without_staff, name="grid-without-staff"),
    path("grids/outside-band/", views.outside_band, name="grid-outside-band"),
]
