"""The roles of docs/domain.md §1, and where each may be held: posts on the grid tree, so they
live beside it (`accounts.roles` re-exports this module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .levels import Level


class Role(models.TextChoices):
    COMMAND_CENTER = "command_center", _("Command-center staff")  # 区指挥中心
    SUPERVISION = "supervision", _("Supervision bureau")  # 考核督查局
    HOTLINE = "hotline", _("96361 hotline operator")  # 96361 坐席
    STREET_OFFICE = "street_office", _("Street office")  # 街道/乡镇办公室
    DEPARTMENT = "department", _("District department")  # 区直部门
    COMMUNITY = "community", _("Community workstation")  # 社区工作站
    GRID_MANAGER = "grid_manager", _("Grid manager")  # 网格管理员
    GRID_ASSISTANT = "grid_assistant", _("Grid assistant")  # 网格协管员
    CADRE = "cadre", _("Party cadre")  # 党员干部
    AUDITOR = "auditor", _("Auditor")  # 审计
    ADMIN = "admin", _("Administrator")


DISTRICT, STREET, COMMUNITY, BASE_GRID, UNIT_GRID = Level

# The tree levels each role may be held on. DEPARTMENT is held on a department instead.
ROLE_LEVELS: dict[str, frozenset[int]] = {
    Role.COMMAND_CENTER: frozenset({DISTRICT}),
    Role.SUPERVISION: frozenset({DISTRICT}),
    Role.HOTLINE: frozenset({DISTRICT}),
    Role.AUDITOR: frozenset({DISTRICT}),
    Role.ADMIN: frozenset({DISTRICT}),
    Role.STREET_OFFICE: frozenset({STREET}),
    Role.COMMUNITY: frozenset({COMMUNITY}),
    Role.GRID_MANAGER: frozenset({BASE_GRID}),
    Role.GRID_ASSISTANT: frozenset({UNIT_GRID}),
    Role.CADRE: frozenset({DISTRICT, STREET, COMMUNITY, BASE_GRID, UNIT_GRID}),
    Role.DEPARTMENT: frozenset(),
}

DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT})

# Roles that manage staff assignments.
STAFF_MANAGERS = frozenset({Role.ADMIN})

# Who may reveal a resident's full ID number or phone (one value at a time, each logged).
# The command center and hotline operators call residents back about their appeals; the
# community workstation and grid managers visit them and fill in forms that need the ID
# number. Street offices, departments, assistants, cadres, the supervision bureau and
# auditors work with masked values: their tasks never need the whole number.
REVEAL_PERSONAL_DATA = frozenset({Role.COMMAND_CENTER, Role.HOTLINE, Role.COMMUNITY, Role.GRID_MANAGER})

# Who keeps the registry (households, residents, tags, places, organisations) inside their
# own area: the community workstation and grid staff collect it, the command center and
# admins correct it. Street offices and district roles read it.
REGISTRY_EDITORS = frozenset({Role.COMMAND_CENTER, Role.ADMIN, Role.COMMUNITY, Role.GRID_MANAGER, Role.GRID_ASSISTANT})

# Who edits the special-population categories and their follow-up rules.
CATEGORY_EDITORS = frozenset({Role.COMMAND_CENTER, Role.ADMIN})

# Who keeps the funding ledger: makes, posts, reverses and discards vouchers, closes months.
LEDGER_CLERKS = (Role.COMMAND_CENTER, Role.ADMIN)

# Who reads the funding books: the district's staff who keep or check them (every street) and
# street offices (their own street). Not the hotline (separation of duties, docs/security.md).
FUNDING_READERS = (Role.COMMAND_CENTER, Role.SUPERVISION, Role.AUDITOR, Role.ADMIN, Role.STREET_OFFICE)
