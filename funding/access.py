"""Who may open the funding pages and API at all: the district's staff who keep or check the
books (command center, supervision bureau, auditors, admins: they see every street) and
street offices (their own street's books). Hotline operators, grid workers, communities and
departments have no funding view.

Separation of duties (docs/security.md): only auditors review expense reports; a superuser is
an administrator and no more, so it reads the books and keeps the funding desk (rates,
allocations, closing months) as an administrator does, but never reviews a report.
"""

from accounts.roles import Role
from accounts.scopes import scope_for
from accounts.sections import can_read_funding, is_ledger_clerk

# The funding sections' rules are the menus' (accounts.sections): one rule, read from here too.
__all__ = ["can_read_funding", "is_auditor", "is_ledger_clerk", "is_street_officer"]


def is_auditor(user) -> bool:
    return user.is_authenticated and scope_for(user).has_role(Role.AUDITOR)


def is_street_officer(user) -> bool:
    return user.is_authenticated and scope_for(user).has_role(Role.STREET_OFFICE)
