"""The sections of the site, who may open each, and where each is listed: the one place that
decides both a page's access check and whether its menu link is shown.

Each `Section` names a URL, a label, the menu it is listed in (`main` for the header, an
app's name for that app's sub-navigation) and a predicate `can_open(user)`. A section's
view is wrapped in `section_page(name)` (or, for funding, calls the same predicate through
`funding_page`), and the header and sub-navigations list exactly the sections whose
predicate is true: a link a user is shown opens, a page a user is not shown answers 404
.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import FUNDING_READERS, LEDGER_CLERKS, Role
from .scopes import scope_for


def _roles(*roles: str) -> Callable[[object], bool]:
    """Holders of one of `roles`; a superuser counts as an administrator only (it opens the
    pages the administrator opens, not the workflow desks: separation of duties)."""
    superuser_too = Role.ADMIN in roles

    def check(user) -> bool:
        return user.is_authenticated and ((superuser_too and user.is_superuser) or scope_for(user).has_role(*roles))

    return check


def has_post(user) -> bool:
    """Holds any post (a grid node or a department)."""
    return user.is_authenticated and (user.is_superuser or not scope_for(user).is_empty)


def has_node_post(user) -> bool:
    """Holds a post on a grid node (district roles hold the district): the registry, the grid
    pages and visits start from the user's nodes."""
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    return user.is_superuser or scope.everything or bool(scope.nodes)


def signed_in(user) -> bool:
    return user.is_authenticated


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def can_read_funding(user) -> bool:
    """The funding pages: the district's staff who keep or check the books (every street) and
    street offices (their own); a superuser as an administrator."""
    return user.is_authenticated and (user.is_superuser or scope_for(user).has_role(*FUNDING_READERS))


def is_ledger_clerk(user) -> bool:
    return user.is_authenticated and (user.is_superuser or scope_for(user).has_role(*LEDGER_CLERKS))


# Who does what with appeals (petitions.services.intake.SOURCE_ROLES says who takes in
# through which channel; the command center registers, dispatches, verifies).
can_take_calls = _roles(Role.HOTLINE, Role.COMMAND_CENTER)
can_run_inbox = _roles(Role.COMMAND_CENTER)
can_handle = _roles(Role.STREET_OFFICE, Role.DEPARTMENT, Role.COMMUNITY)
can_revisit = _roles(Role.COMMAND_CENTER, Role.HOTLINE)
# 督办单: the supervisors issue and close slips; the handling units see their own slips
# (petitions.selectors.slip_list scopes the rows).
can_supervise = _roles(Role.COMMAND_CENTER, Role.SUPERVISION)
can_see_slips = _roles(Role.COMMAND_CENTER, Role.SUPERVISION, Role.STREET_OFFICE, Role.DEPARTMENT, Role.COMMUNITY)
can_report = _roles(Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.COMMUNITY, Role.CADRE, Role.STREET_OFFICE)
is_grid_worker = _roles(Role.GRID_MANAGER, Role.GRID_ASSISTANT)
# The reveal log (查看明文记录) is read by those who supervise the platform's use.
can_read_reveal_log = _roles(Role.COMMAND_CENTER, Role.SUPERVISION, Role.ADMIN)
# The audit trail (审计日志) is read by the supervision bureau and the administrators.
can_read_audit = _roles(Role.SUPERVISION, Role.ADMIN)
# 态势: the dashboard of the command center, the bureau and the handling units (scoped figures);
# the wall screen (大屏) is the center's and the bureau's.
can_see_dashboard = _roles(Role.COMMAND_CENTER, Role.SUPERVISION, Role.STREET_OFFICE, Role.COMMUNITY, Role.DEPARTMENT)
can_see_wall = _roles(Role.COMMAND_CENTER, Role.SUPERVISION)


@dataclass(frozen=True)
class Section:
    name: str  # the URL name
    label: str
    menu: str  # "main", or the app whose sub-navigation lists it
    can_open: Callable[[object], bool]
    query: str = ""  # appended to the link (a preset filter)

    def url(self) -> str:
        return reverse(self.name) + (f"?{self.query}" if self.query else "")


SECTIONS: tuple[Section, ...] = (
    # The header.
    Section("grid-worker-home", _("My tasks"), "main", is_grid_worker),
    Section("dashboard", _("Dashboard"), "main", can_see_dashboard),
    Section("appeals-home", _("Appeals"), "main", has_post),
    Section("grid-home", _("My areas"), "main", has_node_post),
    Section("registry-map", _("Household map"), "main", has_node_post),
    Section("visits-home", _("Visits"), "main", has_node_post),
    Section("assessment-home", _("Assessment"), "main", has_post),
    Section("funding-home", _("Funding"), "main", can_read_funding),
    Section("reveal-log", _("Reveal log"), "main", can_read_reveal_log),
    Section("audit-log", _("Audit trail"), "main", can_read_audit),
    Section("notifications", _("Notifications"), "main", signed_in),
    Section("account", _("Account security"), "main", signed_in),
    Section("admin:index", _("Admin"), "main", is_staff),
    # Appeals.
    Section("appeal-hotline", _("Hotline intake"), "appeals", can_take_calls),
    Section("appeal-inbox", _("Inbox"), "appeals", can_run_inbox),
    Section("appeal-verify", _("Replied: to verify"), "appeals", can_run_inbox),
    Section("appeal-queue", _("My queue"), "appeals", can_handle),
    Section("appeal-return-visits", _("Return visits"), "appeals", can_revisit),
    Section("supervision-board", _("Supervision"), "appeals", can_see_slips),
    Section("appeal-list", _("All appeals"), "appeals", has_post),
    Section("appeal-report", _("Report an event"), "appeals", can_report),
    # The dashboard.
    Section("dashboard", _("Dashboard"), "dashboard", can_see_dashboard),
    Section("dashboard-map", _("Case map"), "dashboard", can_see_dashboard),
    Section("dashboard-wall", _("Wall screen"), "dashboard", can_see_wall),
    # The registry.
    Section("registry-map", _("Household grid map"), "registry", has_node_post),
    Section("registry-household-list", _("Households"), "registry", has_node_post),
    Section("registry-resident-list", _("Residents"), "registry", has_node_post),
    Section("registry-import", _("Import"), "registry", has_node_post),
    # Assessment.
    Section("assessment-home", _("Rankings"), "assessment", has_post),
    Section("assessment-rules", _("Scoring rules"), "assessment", has_post),
    # Funding (funding.views.common.funding_page checks the same predicate, with a 403 that says why).
    Section("funding-home", _("Funding"), "funding", can_read_funding),
    Section("funding-budget", _("Budget vs actual"), "funding", can_read_funding),
    Section("funding-reports", _("Review queue"), "funding", can_read_funding, query="status=submitted"),
    Section("funding-reports", _("Reports"), "funding", can_read_funding),
    Section("funding-ledger", _("Ledger"), "funding", can_read_funding),
    Section("funding-vouchers", _("Vouchers"), "funding", can_read_funding),
    Section("funding-flags", _("Flags"), "funding", can_read_funding),
    Section("funding-late", _("Late reports"), "funding", can_read_funding),
    Section("funding-manage", _("Funding desk"), "funding", is_ledger_clerk),
    # Visits.
    Section("visits-home", _("Visits"), "visits", has_node_post),
    Section("visit-due", _("Due visits"), "visits", has_node_post),
    Section("visit-diary", _("People's diary"), "visits", has_node_post),
    Section("visit-proxy", _("Services on residents' behalf"), "visits", has_node_post),
    Section("visit-list", _("All visits"), "visits", has_node_post),
    Section("visit-never", _("Never visited"), "visits", has_node_post),
)

_BY_NAME: dict[str, Section] = {}
for _section in SECTIONS:
    _BY_NAME.setdefault(_section.name, _section)


def section(name: str) -> Section:
    return _BY_NAME[name]


def can_open(user, name: str) -> bool:
    return section(name).can_open(user)


def menu(user, group: str) -> list[Section]:
    """The sections of `group` the user may open, in their order."""
    return [s for s in SECTIONS if s.menu == group and s.can_open(user)]


def section_page(name: str):
    """The view of section `name`: signed in, and the section's predicate true, else 404 (a
    page the user is not shown is a page that is not there for them)."""
    check = section(name).can_open

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
