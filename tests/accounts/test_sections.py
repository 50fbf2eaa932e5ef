"""The sections registry (accounts.sections): each role's menus list exactly the sections it
may open; every listed link opens, every section left out answers 404; each
role lands on its work."""

import re

import pytest

from accounts import sections
from accounts.roles import Role

pytestmark = pytest.mark.django_db

LANDING = {
    Role.COMMAND_CENTER: "/dashboard/",
    Role.SUPERVISION: "/dashboard/",
    Role.HOTLINE: "/appeals/hotline/",
    Role.AUDITOR: "/funding/reports/?status=submitted",
    Role.STREET_OFFICE: "/appeals/queue/",
    Role.DEPARTMENT: "/appeals/queue/",
    Role.COMMUNITY: "/appeals/queue/",
    Role.GRID_MANAGER: "/my/",
    Role.GRID_ASSISTANT: "/my/",
    Role.CADRE: "/visits/",
    Role.ADMIN: "/grids/",
}


def _menu_links(html: str) -> list[str]:
    return re.findall(r'data-section="([^"]+)"', html)


def test_each_role_lands_on_its_work(everyone, client_for):
    for role, user in everyone.items():
        response = client_for(user).get("/")
        assert response.status_code == 302, role
        assert response.url == LANDING[role], role
        assert client_for(user).get(response.url, follow=True).status_code == 200, role


def test_the_landing_pages_are_sections_the_role_may_open(everyone):
    from grids.views import landing_url

    for role, user in everyone.items():
        url = landing_url(user).split("?")[0]
        opened = [s for s in sections.SECTIONS if s.url().split("?")[0] == url]
        assert opened and all(s.can_open(user) for s in opened), role


@pytest.mark.parametrize("role", list(LANDING))
def test_every_section_a_role_is_shown_opens_and_every_other_is_not_there(role, everyone, client_for):
    user = everyone[role]
    client = client_for(user)
    for section in {s.name: s for s in sections.SECTIONS}.values():
        response = client.get(section.url(), follow=True)
        if section.can_open(user):
            assert response.status_code == 200, (role, section.name)
        elif section.name == "admin:index":
            # Django's admin sends non-staff to its own sign-in page.
            assert response.redirect_chain[-1][0].startswith("/admin/login/"), role
        else:
            assert response.status_code == 404, (role, section.name, response.status_code)


@pytest.mark.parametrize("role", list(LANDING))
def test_the_header_and_sub_navigation_list_exactly_what_the_role_may_open(role, everyone, client_for):
    user = everyone[role]
    client = client_for(user)
    main = [s.name for s in sections.menu(user, "main")]
    html = client.get("/notifications/").content.decode()
    assert _menu_links(html) == main
    for group, page in (
        ("appeals", "/appeals/all/"),
        ("registry", "/registry/households/"),
        ("visits", "/visits/all/"),
        ("funding", "/funding/reports/"),
        ("assessment", "/assessment/rules/"),
    ):
        expected = [s.name for s in sections.menu(user, group)]
        response = client.get(page)
        if response.status_code != 200:
            # The group's pages are not this role's: neither is any link to them.
            assert response.status_code == 404 and not expected, (role, group)
            continue
        links = _menu_links(response.content.decode())
        assert links[: len(main)] == main
        assert links[len(main) :] == expected, (role, group)


def test_the_menus_differ_by_role(everyone):
    main = {role: {s.name for s in sections.menu(user, "main")} for role, user in everyone.items()}
    assert "funding-home" not in main[Role.DEPARTMENT] and "registry-map" not in main[Role.DEPARTMENT]
    assert "funding-home" in main[Role.AUDITOR] and "funding-home" in main[Role.STREET_OFFICE]
    assert "reveal-log" in main[Role.SUPERVISION] and "reveal-log" not in main[Role.STREET_OFFICE]
    assert "grid-worker-home" in main[Role.GRID_ASSISTANT] and "grid-worker-home" not in main[Role.CADRE]
    appeals = {role: {s.name for s in sections.menu(user, "appeals")} for role, user in everyone.items()}
    assert "supervision-board" in appeals[Role.STREET_OFFICE] and "supervision-board" not in appeals[Role.HOTLINE]
    assert "appeal-inbox" in appeals[Role.COMMAND_CENTER] and "appeal-inbox" not in appeals[Role.STREET_OFFICE]


def test_a_signed_out_visitor_opens_no_section(client):
    for section in sections.SECTIONS:
        if section.name == "admin:index":
            continue
        response = client.get(section.url())
        assert response.status_code == 302 and "/login/" in response.url, section.name
