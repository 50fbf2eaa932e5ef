"""Who may open the funding pages and API at all: the district's staff (command center,
supervision bureau, auditors, admins: they see every street) and street offices (their own
street's books). Grid workers, communities and departments have no funding view."""

from accounts.roles import Role
from accounts.scopes import scope_for


def can_read_funding(user) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    return scope.everything or scope.has_role(Role.STREET_OFFICE)


def is_auditor(user) -> bool:
    return user.is_authenticated and (user.is_superuser or scope_for(user).has_role(Role.AUDITOR))


def is_street_officer(user) -> bool:
    return user.is_authenticated and scope_for(user).has_role(Role.STREET_OFFICE)


def is_ledger_clerk(user) -> bool:
    from .services.ledger import LEDGER_CLERKS

    return user.is_authenticated and (user.is_superuser or scope_for(user).has_role(*LEDGER_CLERKS))
