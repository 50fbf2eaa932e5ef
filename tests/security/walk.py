"""The URL conf, walked: every named pattern (the admin's aside), with its path filled from a
World (tests/security/world.py)."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Keyword arguments that are not object ids, filled with a constant that names something real.
CONSTANTS = {
    "kind": None,  # set per URL below
    "action": "sign",
    "label": "2026-11",
    "count": "all",
    "fmt": "json",
    "code": "civil-affairs",
    "token": "00000000-0000-4000-8000-000000000000",  # no such registry import
}


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str  # a regex or path() route, as the resolver holds it
    kwargs: tuple[str, ...]


def _kwargs(pattern) -> tuple[str, ...]:
    regex = pattern.pattern.regex
    return tuple(regex.groupindex)


def patterns() -> list[Pattern]:
    """Every named URL pattern once (DRF's `.json` format-suffix twins are left out: the same
    view answers them), admin's excepted."""
    found: dict[str, Pattern] = {}

    def walk(items, prefix: str, namespace: str):
        for item in items:
            if isinstance(item, URLResolver):
                ns = ":".join(p for p in (namespace, item.namespace or "") if p)
                if ns.startswith("admin"):
                    continue
                yield from walk(item.url_patterns, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                kwargs = _kwargs(item)
                if "format" in kwargs:
                    continue
                name = ":".join(p for p in (namespace, item.name or "") if p)
                yield Pattern(name, prefix + str(item.pattern), kwargs)

    for pattern in walk(get_resolver().url_patterns, "", ""):
        found.setdefault(pattern.name, pattern)
    return list(found.values())


def fill(name: str, kwargs: tuple[str, ...], ids: dict[str, object], obj: str | None, extra: dict) -> dict:
    values = {}
    for key in kwargs:
        if key in extra:
            values[key] = extra[key]
        elif key in ("pk", "household_pk"):
            values[key] = ids[obj] if obj and obj in ids else 999999
        else:
            values[key] = CONSTANTS[key]
    return values


_STRIP = re.compile(r"[\^$]")
