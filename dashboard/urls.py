from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.figure_list, name="dashboard-list"),
    path("map/", views.case_map, name="dashboard-map"),
]
