"""The settings of the OpenAPI schema (drf-spectacular), kept out of settings.py for length:
its title, who may read it, the docs pages' assets (served by us: the sidecar) and the names of
the enums that several fields share."""

SPECTACULAR_SETTINGS = {
    "TITLE": "GridGov API",
    "DESCRIPTION": "网格化社会管理服务平台: the grid tree, staff, the registry, appeals, four-colour "
    "supervision, visits, assessment and funding. Every endpoint is scoped to the "
    "caller's grid subtree or department.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint and parameter: for signed-in users and API tokens only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.roles.Role",
        "BuildingKindEnum": "residents.models.Building.Kind",
        "OrganisationKindEnum": "residents.models.Organisation.Kind",
        "NotificationKindEnum": "accounts.models.Notification.Kind",
        "AppealStatusEnum": "petitions.models.Status",
        "ExtensionStatusEnum": "petitions.models.ExtensionStatus",
        "AccountKindEnum": "funding.models.AccountKind",
        "PeriodStatusEnum": "funding.models.PeriodStatus",
        "VoucherStatusEnum": "funding.models.VoucherStatus",
        "VoucherKindEnum": "funding.models.VoucherKind",
        "ReportStatusEnum": "funding.models.ReportStatus",
        "AllocationFrequencyEnum": "funding.models.AllocationFrequency",
        "CaseMapColourEnum": "dashboard.casemap.MAP_COLOURS",
        "SlipColourEnum": "petitions.api.slips.SLIP_COLOURS",
    },
}
