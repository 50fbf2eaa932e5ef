"""The role × URL matrix: who may open each URL of the site and the API (the source of truth
that docs/security.md's table is generated from and tests/security/test_url_matrix.py walks).

Every named URL pattern (the Django admin's aside, which admits staff only) has one `Route`:

- `who`: a key of `WHO`, the predicate a signed-in user must satisfy. Pages use the same
  predicates as their sections (`accounts.sections`), so a menu link, the page's own check
  and this table cannot disagree. API lists open to every signed-in user answer only the
  rows of the user's scope (`accounts.scopes`).
- `obj`: the object the URL's id names. A user whose scope does not hold the object gets 404,
  never 403 and never the object.
- `get`: what a GET answers to a user allowed in: "ok" (200, or a 302 onwards), "post" (the
  view takes POST only: 405), "bad" (a GET without its parameters is a 400 that says what is
  missing), or "none" (the walk's world has no such object: 404 to everyone).

The one refusal policy: anonymous → the login page (pages) or 401/403 (API); signed in but
not allowed, or the object is outside the scope → 404.
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import sections
from .roles import Role
from .scopes import scope_for


def _anyone(user) -> bool:
    return True


def _funding_district(user) -> bool:
    return sections.can_read_funding(user) and scope_for(user).everything


WHO: dict[str, tuple[str, Callable[[object], bool]]] = {
    # key: (what it means, for the docs; predicate)
    "anyone": ("anyone, signed in or not", _anyone),
    "signed_in": ("any signed-in user (rows limited to their scope)", sections.signed_in),
    "any_post": ("holds any post", sections.has_post),
    "node_post": ("holds a post on a grid node", sections.has_node_post),
    "grid_worker": ("grid managers and assistants", sections.is_grid_worker),
    "hotline_desk": ("hotline intake", sections.can_take_calls),
    "inbox": ("the command center's inbox and verification", sections.can_run_inbox),
    "handling": ("handling units' queue", sections.can_handle),
    "return_visits": ("return visits", sections.can_revisit),
    "slips": ("supervision slips", sections.can_see_slips),
    "report": ("report an event", sections.can_report),
    "funding": ("funding books", sections.can_read_funding),
    "funding_district": ("the district's whole books", _funding_district),
    "funding_desk": ("the funding desk", sections.is_ledger_clerk),
    "reveal_log": ("the reveal log", sections.can_read_reveal_log),
    "audit": ("the audit trail", sections.can_read_audit),
    "dashboard": ("the dashboard (态势)", sections.can_see_dashboard),
    "wall": ("the wall screen (大屏)", sections.can_see_wall),
}


@dataclass(frozen=True)
class Route:
    who: str
    obj: str = ""
    get: str = "ok"


def _r(who: str, obj: str = "", get: str = "ok") -> Route:
    return Route(who, obj, get)


POST = "post"
ROUTES: dict[str, Route] = {
    # Pages: the grid and the landing page.
    "home": _r("signed_in"),
    "grid-home": _r("node_post"),
    "grid-worker-home": _r("grid_worker"),
    "grid-node": _r("node_post", "node"),
    "grid-without-staff": _r("signed_in"),
    "grid-outside-band": _r("signed_in"),
    # Appeals.
    "appeals-home": _r("any_post"),
    "appeal-list": _r("any_post"),
    "appeal-queue": _r("handling"),
    "appeal-inbox": _r("inbox"),
    "appeal-verify": _r("inbox"),
    "appeal-return-visits": _r("return_visits"),
    "appeal-hotline": _r("hotline_desk"),
    "appeal-hotline-caller": _r("hotline_desk", get=POST),
    "appeal-hotline-address": _r("hotline_desk"),
    "appeal-report": _r("report"),
    "supervision-board": _r("slips"),
    "supervision-export": _r("slips"),
    "slip-act": _r("slips", "slip", POST),
    "appeal-slip-issue": _r("any_post", "appeal", POST),
    "appeal-detail": _r("any_post", "appeal"),
    "appeal-act": _r("any_post", "appeal", POST),
    "appeal-reveal": _r("any_post", "appeal", POST),
    # Open311 GeoReport v2: public, and only what residents chose to publish.
    "open311-services": _r("anyone"),
    "open311-service": _r("anyone"),
    "open311-requests": _r("anyone"),
    "open311-request": _r("anyone", "appeal", "none"),
    "open311-token": _r("anyone", get="none"),
    # Accounts.
    "notifications": _r("signed_in"),
    "notifications-read": _r("signed_in", get=POST),
    "reveal-log": _r("reveal_log"),
    "audit-log": _r("audit"),
    "audit-export": _r("audit"),
    # The dashboard and the wall screen.
    "dashboard": _r("dashboard"),
    "dashboard-list": _r("dashboard", get="bad"),
    "dashboard-map": _r("dashboard"),
    "api-stats-case-map": _r("dashboard", get="bad"),
    "dashboard-wall": _r("wall"),
    "dashboard-wall-data": _r("wall"),
    "api-stats-summary": _r("dashboard"),
    # One's own account: password, two-step sign-in, API tokens.
    "account": _r("signed_in"),
    "password-change": _r("signed_in"),
    "two-factor-setup": _r("signed_in"),
    "two-factor-verify": _r("signed_in"),
    "api-token-create": _r("signed_in", get=POST),
    "api-token-revoke": _r("signed_in", get=POST),
    "login": _r("anyone"),
    "logout": _r("anyone", get=POST),
    "set_language": _r("anyone"),
    # The registry.
    "registry-map": _r("node_post"),
    "registry-household-list": _r("node_post"),
    "registry-household-export": _r("node_post"),
    "registry-household-detail": _r("node_post", "household"),
    "registry-resident-list": _r("node_post"),
    "registry-resident-export": _r("node_post"),
    "registry-resident-detail": _r("node_post", "resident"),
    "registry-resident-reveal": _r("node_post", "resident", POST),
    "registry-import": _r("node_post"),
    "registry-import-template": _r("node_post"),
    "registry-import-status": _r("node_post", get="none"),
    "registry-import-progress": _r("node_post", get="none"),
    # Visits.
    "visits-home": _r("node_post"),
    "visit-list": _r("node_post"),
    "visit-due": _r("node_post"),
    "visit-diary": _r("node_post"),
    "visit-proxy": _r("node_post"),
    "visit-never": _r("node_post"),
    "visit-detail": _r("node_post", "visit"),
    "visit-new": _r("node_post", "household"),
    "visit-mine": _r("node_post", "campaign"),
    "visit-coverage": _r("node_post", "campaign"),
    "visit-coverage-export": _r("node_post", "campaign"),
    "visit-unvisited": _r("node_post", "campaign"),
    # Assessment.
    "assessment-home": _r("any_post"),
    "assessment-rules": _r("any_post"),
    "assessment-score": _r("any_post", get=POST),
    "assessment-recompute": _r("any_post", get=POST),
    "assessment-export": _r("any_post", get="none"),
    "assessment-unit": _r("any_post", get="none"),
    "assessment-unit-appeals": _r("any_post", get="none"),
    "assessment-staff": _r("any_post", get="none"),
    "assessment-staff-reports": _r("any_post", get="none"),
    # Funding.
    "funding-home": _r("funding"),
    "funding-budget": _r("funding"),
    "funding-street": _r("funding", "street"),
    "funding-reports": _r("funding"),
    "funding-report-new": _r("funding", get=POST),
    "funding-report": _r("funding", "report"),
    "funding-report-print": _r("funding", "report"),
    "funding-receipt": _r("funding", get="none"),
    "funding-ledger": _r("funding"),
    "funding-account": _r("funding", "account"),
    "funding-vouchers": _r("funding"),
    "funding-voucher": _r("funding", "voucher"),
    "funding-flags": _r("funding"),
    "funding-late": _r("funding"),
    "funding-manage": _r("funding_desk"),
    # Uploaded files, served through the scoped view.
    "file": _r("signed_in", get="none"),
    "file-thumbnail": _r("signed_in", get="none"),
    # The API.
    "api-root": _r("signed_in"),
    "api-schema": _r("signed_in"),
    "api-docs": _r("signed_in"),
    "api-me": _r("signed_in"),
    "api-locate": _r("signed_in", get="bad"),
    "api-basemap": _r("any_post"),
    "api-registry-areas": _r("signed_in", get="bad"),
    "api-visits-due": _r("signed_in"),
    "gridnode-list": _r("signed_in"),
    "gridnode-detail": _r("signed_in", "node"),
    "gridnode-children": _r("signed_in", "node"),
    "gridnode-geojson": _r("signed_in", "node"),
    "gridnode-tree": _r("signed_in", "node"),
    "department-list": _r("signed_in"),
    "department-detail": _r("signed_in", "department"),
    "assignment-list": _r("signed_in"),
    "assignment-detail": _r("signed_in", "assignment"),
    "assignment-end": _r("signed_in", "assignment", POST),
    "api-appeal-module-list": _r("signed_in"),
    "api-appeal-module-detail": _r("signed_in", "module"),
    "api-slip-list": _r("signed_in"),
    "api-slip-detail": _r("signed_in", "slip"),
    "api-slip-acknowledge": _r("signed_in", "slip", POST),
    "api-slip-close": _r("signed_in", "slip", POST),
    "api-appeal-list": _r("signed_in"),
    "api-appeal-caller": _r("signed_in", get="bad"),
    "api-appeal-inbox": _r("signed_in"),
    "api-appeal-queue": _r("signed_in"),
    "api-appeal-detail": _r("signed_in", "appeal"),
    **{
        f"api-appeal-{action}": _r("signed_in", "appeal", POST)
        for action in (
            "add-photos",
            "decide-extension",
            "dispatch-down",
            "dispatch",
            "merge",
            "register",
            "reject",
            "reopen",
            "reply",
            "request-extension",
            "return",
            "return-visit",
            "reveal-reporter",
            "rework",
            "sign",
            "transfer",
            "verify",
        )
    },
    "notification-list": _r("signed_in"),
    "notification-read-all": _r("signed_in", get=POST),
    "notification-detail": _r("signed_in", "notification"),
    "notification-read": _r("signed_in", "notification", POST),
    "category-list": _r("signed_in"),
    "category-detail": _r("signed_in", "category"),
    "household-list": _r("signed_in"),
    "household-in-bbox": _r("signed_in", get="bad"),
    "household-detail": _r("signed_in", "household"),
    "resident-list": _r("signed_in"),
    "resident-lookup": _r("signed_in", get=POST),
    "resident-detail": _r("signed_in", "resident"),
    "resident-reveal": _r("signed_in", "resident", POST),
    "resident-tags": _r("signed_in", "resident", POST),
    "residenttag-list": _r("signed_in"),
    "residenttag-detail": _r("signed_in", "tag"),
    "residenttag-end": _r("signed_in", "tag", POST),
    "building-list": _r("signed_in"),
    "building-detail": _r("signed_in", "building"),
    "organisation-list": _r("signed_in"),
    "organisation-detail": _r("signed_in", "organisation"),
    "organisation-reveal": _r("signed_in", "organisation", POST),
    "api-visit-campaign-list": _r("signed_in"),
    "api-visit-campaign-detail": _r("signed_in", "campaign"),
    "api-visit-campaign-assign": _r("signed_in", "campaign", POST),
    "api-visit-campaign-coverage": _r("signed_in", "campaign"),
    "api-visit-campaign-coverage-by-cadre": _r("signed_in", "campaign"),
    "api-visit-campaign-mine": _r("signed_in", "campaign"),
    "api-visit-campaign-unvisited": _r("signed_in", "campaign"),
    "api-visit-assignment-list": _r("signed_in"),
    "api-visit-assignment-detail": _r("signed_in", get="none"),
    "api-visit-list": _r("signed_in"),
    "api-visit-detail": _r("signed_in", "visit"),
    "api-visit-diary-list": _r("signed_in"),
    "api-visit-diary-detail": _r("signed_in", get="none"),
    "api-visit-proxy-service-list": _r("signed_in"),
    "api-visit-proxy-service-detail": _r("signed_in", get="none"),
    "api-visit-proxy-service-finish": _r("signed_in", get=POST),
    "api-assessment-period-list": _r("signed_in"),
    "api-assessment-period-score": _r("signed_in", get=POST),
    "api-assessment-period-detail": _r("signed_in", get="none"),
    "api-assessment-period-recompute": _r("signed_in", get=POST),
    "api-assessment-period-runs": _r("signed_in", get="none"),
    "api-assessment-unit-score-list": _r("signed_in", get="none"),
    "api-assessment-unit-score-detail": _r("signed_in", get="none"),
    "api-assessment-staff-score-list": _r("signed_in", get="none"),
    "api-assessment-staff-score-detail": _r("signed_in", get="none"),
    "api-funding-queue": _r("funding"),
    "api-funding-late": _r("funding"),
    "api-funding-budget-vs-actual": _r("funding"),
    "api-funding-flags": _r("funding"),
    "api-funding-trial-balance": _r("funding_district"),
    "funding-rate-list": _r("funding"),
    "funding-rate-detail": _r("funding", "rate"),
    "funding-budget-list": _r("funding"),
    "funding-budget-detail": _r("funding", "budget"),
    "funding-budget-allocate": _r("funding", "budget", POST),
    "funding-account-list": _r("funding"),
    "funding-account-detail": _r("funding", "account"),
    "funding-account-lines": _r("funding", "account"),
    "funding-voucher-list": _r("funding"),
    "funding-voucher-detail": _r("funding", "voucher"),
    "funding-voucher-post": _r("funding", "voucher", POST),
    "funding-voucher-reverse": _r("funding", "voucher", POST),
    "funding-period-list": _r("funding"),
    "funding-period-close": _r("funding", get=POST),
    "funding-period-detail": _r("funding", "period"),
    "funding-report-list": _r("funding"),
    **{
        f"funding-report-{action}": _r("funding", "report", POST)
        for action in ("add-line", "approve", "receipts", "remove-line", "return", "submit")
    },
    "funding-report-detail": _r("funding", "report"),
    "funding-report-validate": _r("funding", "report"),
}


# ---- The table of docs/security.md, generated from WHO ----

ROLES = list(Role)


def _role_user(role: str):
    """A stand-in user holding `role` alone, with the scope such a post gives, so that the
    predicates can be read off without a database."""
    from types import SimpleNamespace

    from .roles import DISTRICT, ROLE_LEVELS
    from .scopes import Scope, ScopeNode

    district = DISTRICT in ROLE_LEVELS[role] and role != Role.CADRE
    if role == Role.DEPARTMENT:
        scope = Scope(department_ids=frozenset({1}), roles=frozenset({role}))
    elif district:
        scope = Scope(everything=True, roles=frozenset({role}))
    else:
        scope = Scope(nodes=(ScopeNode(1, min(ROLE_LEVELS[role]), 1, 1, 2),), roles=frozenset({role}))
    return SimpleNamespace(
        is_authenticated=True, is_active=True, is_superuser=False, is_staff=role == Role.ADMIN, _gridgov_scope=scope
    )


def matrix_markdown() -> str:
    """The role × access table: one row per `WHO` rule with the URLs it governs counted, one
    column per role; ✓ where the role passes."""
    users = {role: _role_user(role) for role in ROLES}
    head = "| Access rule | URLs | " + " | ".join(str(role.label) for role in ROLES) + " |"
    rule = "|---|---:|" + "---|" * len(ROLES)
    rows = [head, rule]
    for key, (meaning, check) in WHO.items():
        count = sum(1 for route in ROUTES.values() if route.who == key)
        marks = " | ".join("✓" if check(users[role]) else "·" for role in ROLES)
        rows.append(f"| `{key}`: {meaning} | {count} | {marks} |")
    return "\n".join(rows)
