from django.urls import path

from . import views

urlpatterns = [
    path("map/", views.registry_map, name="registry-map"),
    path("households/", views.household_list, name="registry-household-list"),
    path("households/export.xlsx", views.household_export, name="registry-household-export"),
    path("households/<int:pk>/", views.household_detail, name="registry-household-detail"),
    path("residents/", views.resident_list, name="registry-resident-list"),
    path("residents/export.xlsx", views.resident_export, name="registry-resident-export"),
    path("residents/<int:pk>/", views.resident_detail, name="registry-resident-detail"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="registry-resident-reveal"),
    path("import/", views.import_page, name="registry-import"),
    path("import/template.xlsx", views.import_template, name="registry-import-template"),
    path("import/<uuid:token>/", views.import_status, name="registry-import-status"),
    path("import/<uuid:token>/progress/", views.import_progress, name="registry-import-progress"),
]
