"""How the OpenAPI schema (drf-spectacular) describes our authentication classes. Imported by
AccountsConfig.ready()."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (ggt_…) made on /account/ or with `manage.py api_token`; acts as its owner.",
        }


class SwitchableBasicScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SwitchableBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Only where GRIDGOV_API_BASIC_AUTH is on (off in production).",
        }
