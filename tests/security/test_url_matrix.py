"""The generated URL walk: every URL pattern of the URL conf and every API route, filled with
objects of a small world (one inside the named street-level people's street, one outside),
GET as every role, as a user with no post and anonymously, against the matrix of
accounts/matrix.py. A new URL without a matrix entry fails here first."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import matrix
from accounts.scopes import scope_for
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401
from tests.security.walk import fill, patterns
from tests.security.world import build_world

FILE_KIND = {"file": "appeal-photo", "file-thumbnail": "appeal-photo"}


def test_every_url_pattern_has_a_matrix_entry_and_every_entry_a_url():
    names = {p.name for p in patterns()}
    assert sorted(names - matrix.ROUTES.keys()) == [], "new URLs: add them to accounts/matrix.ROUTES"
    assert sorted(matrix.ROUTES.keys() - names) == [], "entries for URLs that are gone"
    assert {r.who for r in matrix.ROUTES.values()} <= matrix.WHO.keys()
    assert {r.get for r in matrix.ROUTES.values()} <= {"ok", "post", "bad", "none"}


def test_the_matrix_in_docs_security_is_the_generated_one(settings):
    with translation.override("en"):
        table = matrix.matrix_markdown()
    text = (settings.BASE_DIR / "docs" / "security.md").read_text()
    assert table in text, (
        "regenerate: python manage.py shell -c 'from accounts.matrix import matrix_markdown as m; print(m())'"
    )


def _visible(world, user, kind: str, side: str) -> bool:
    if not kind or kind in world.shared:
        return True
    scope = scope_for(user)
    if kind == "notification":
        return user.pk == world.recipients[side]
    if kind == "department":
        return scope.everything or world.inside["department"] in scope.department_ids
    node = world.where[side][kind]
    if kind == "campaign":
        # A campaign over a street is seen by the street and by every post inside it.
        return scope.contains_node(node) or any(
            n.tree_id == node.tree_id and node.lft <= n.lft and n.rght <= node.rght for n in scope.nodes
        )
    return scope.contains_node(node)


def _expect(route, response, *, allowed: bool, api: bool, anonymous: bool) -> str | None:
    """What is wrong with `response`, or None."""
    code = response.status_code
    if code >= 500:
        return f"{code}"
    if route.get == "post":
        return None if code in (404, 405) or (anonymous and code in (302, 401, 403)) else f"{code} (POST only)"
    if anonymous and route.who != "anyone":
        if code == 302 and "/login/" in response["Location"]:
            return None
        return None if api and code in (401, 403) else f"{code} (anonymous: login, or 401/403 from the API)"
    if not allowed or route.get == "none":
        return None if code == 404 else f"{code} (expected 404)"
    if route.get == "bad":
        return None if code == 400 else f"{code} (expected 400)"
    if code == 302 and "/login/" in response["Location"]:
        return "302 to login"
    return None if code in (200, 302) else f"{code} (expected 200/302)"


@pytest.mark.django_db
def test_every_url_answers_every_role_as_the_matrix_says_and_other_scopes_404(
    everyone,
    people,
    streets,
    make_appeal,  # noqa: F811
    client_for,
):
    world = build_world(people, everyone, streets, make_appeal)
    users = {"anonymous": None, **{str(role): user for role, user in everyone.items()}, "no post": people.nobody}
    clients = {name: client_for(user) if user else Client() for name, user in users.items()}
    wrong = []
    for pattern in patterns():
        route = matrix.ROUTES[pattern.name]
        sides = ("inside", "outside") if route.obj and route.get != "post" else ("inside",)
        for side in sides:
            ids = world.inside if side == "inside" else world.outside
            url = reverse(pattern.name, kwargs=fill(pattern.name, pattern.kwargs, ids, route.obj, FILE_KIND))
            for name, user in users.items():
                if side == "outside" and user is not None and scope_for(user).everything:
                    continue  # the district sees both sides alike: the inside walk covered it
                allowed = user is not None and matrix.WHO[route.who][1](user) and _visible(world, user, route.obj, side)
                if user is None and route.who == "anyone":
                    allowed = route.obj == ""
                response = clients[name].get(url)
                problem = _expect(route, response, allowed=allowed, api=url.startswith("/api/"), anonymous=user is None)
                if problem:
                    wrong.append(f"{pattern.name} {side} as {name}: {problem} ({url})")
    assert wrong == [], "\n".join(wrong)
