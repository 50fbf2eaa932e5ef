"""System checks of GridGov's own settings (registered by GridGovAdminConfig.ready)."""

from django.conf import settings
from django.core import checks

SENDFILE_MODES = ("", "x-accel-redirect", "x-sendfile")


@checks.register(checks.Tags.security, deploy=True)
def demo_mode_is_not_deployed(app_configs, **kwargs):
    # The demo reads personal data with the published development keys and sends cookies over
    # plain http: fine on a laptop, a leak on a server.
    if getattr(settings, "DEMO", False):
        return [
            checks.Error(
                "GRIDGOV_DEMO is on: personal data uses the development keys and cookies are not Secure.",
                hint="Unset GRIDGOV_DEMO in production and set GRIDGOV_DATA_KEY and GRIDGOV_HASH_KEY.",
                id="gridgov.E001",
            )
        ]
    return []


@checks.register()
def file_serving_mode_is_known(app_configs, **kwargs):
    if settings.GRIDGOV_FILES_SENDFILE not in SENDFILE_MODES:
        return [
            checks.Error(
                f"GRIDGOV_FILES_SENDFILE={settings.GRIDGOV_FILES_SENDFILE!r} is not one of "
                "x-accel-redirect, x-sendfile or empty.",
                id="gridgov.E002",
            )
        ]
    if settings.GRIDGOV_FILES_SENDFILE == "x-accel-redirect" and not (
        settings.GRIDGOV_FILES_INTERNAL_URL.startswith("/") and settings.GRIDGOV_FILES_INTERNAL_URL.endswith("/")
    ):
        return [
            checks.Error(
                "GRIDGOV_FILES_INTERNAL_URL must start and end with '/' (the nginx internal location).",
                id="gridgov.E003",
            )
        ]
    return []
