from django import template

from funding.models import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen as yuan: {{ 1234567|yuan }} → 12,345.67"""
    return _yuan(fen)


@register.filter
def index(sequence, i):
    return sequence[i]


@register.filter
def ledger_clerk(user) -> bool:
    """{% if user|ledger_clerk %}: the user runs the funding desk (command center, admin)."""
    from funding.access import is_ledger_clerk

    return is_ledger_clerk(user)
