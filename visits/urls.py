from django.urls import path

from . import views

urlpatterns = [
    path("", views.visits_home, name="visits-home"),
    path("all/", views.visit_list, name="visit-list"),
    path("due/", views.due_visits, name="visit-due"),
    path("diary/", views.diary, name="visit-diary"),
    path("proxy/", views.proxy_services, name="visit-proxy"),
    path("never-visited/", views.never_visited, name="visit-never"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("record/<int:household_pk>/", views.visit_new, name="visit-new"),
    path("campaigns/<int:pk>/mine/", views.my_households, name="visit-mine"),
    path("campaigns/<int:pk>/coverage/", views.coverage, name="visit-coverage"),
    path("campaigns/<int:pk>/coverage.xlsx", views.coverage_export, name="visit-coverage-export"),
    path("campaigns/<int:pk>/unvisited/", views.unvisited, name="visit-unvisited"),
]
