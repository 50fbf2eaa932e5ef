from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("grids/<int:pk>/", views.node_detail, name="grid-node"),
]
