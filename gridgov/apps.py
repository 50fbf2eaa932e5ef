from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class GridGovAdminConfig(SimpleAdminConfig):
    """The admin, discovering every app's admin module except django-leaflet's: that one
    imports GeoDjango's widgets, which need the GDAL library. GridGov keeps boundaries as
    GeoJSON and needs no GDAL."""

    def ready(self):
        super().ready()
        # GridGov's own system checks; this config is the project package's one hook.
        from gridgov import checks  # noqa: F401

        for app_config in apps.get_app_configs():
            if app_config.name != "leaflet" and module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")


class GridGovConfig(AppConfig):
    """The project package as an app: its management commands (the seeding orchestration,
    `seed_district`, which reaches every domain app) live here so no base app imports a domain."""

    name = "gridgov"
    verbose_name = "GridGov"
