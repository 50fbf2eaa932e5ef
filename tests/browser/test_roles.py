"""Day one for every role: sign in, land on your own work, and every link of your menus opens.
A screenshot of each landing page goes to test-output/roles-<role>.png."""

# ruff: noqa: F811  (pytest fixtures imported from the petitions conftest)

import datetime

import pytest
from django.utils import translation

from accounts.roles import Role
from petitions.services.supervision import appeal_supervise
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# role → (username, landing path, the landing page's heading: source text, or None for a node name)
LANDINGS = {
    Role.COMMAND_CENTER: ("center", "/dashboard/", None),
    Role.SUPERVISION: ("bureau", "/dashboard/", None),
    Role.HOTLINE: ("hotline", "/appeals/hotline/", "96361 hotline intake"),
    Role.AUDITOR: ("auditor", "/funding/reports/?status=submitted", "Review queue"),
    Role.ADMIN: ("admin", "/grids/{district}/", None),
    Role.STREET_OFFICE: ("zhongxin", "/appeals/queue/", "My queue"),
    Role.DEPARTMENT: ("civil", "/appeals/queue/", "My queue"),
    Role.GRID_MANAGER: ("manager", "/my/", "My tasks"),
    Role.GRID_ASSISTANT: ("assistant", "/my/", "My tasks"),
    Role.CADRE: ("cadre", "/visits/", "Visit campaigns"),
    Role.COMMUNITY: ("community", "/appeals/queue/", "My queue"),
}


@pytest.fixture
def day_one(everyone, make_appeal, people, district):
    """Some work for everyone: a new call, a case in each unit's queue, a reply to verify, an
    overdue case with its supervision slips."""
    make_appeal("received")
    make_appeal("dispatched")
    make_appeal("dispatched", where="shuiguo", unit="department")
    make_appeal("in_progress", unit="community")
    make_appeal("replied")
    late = make_appeal("in_progress")
    appeal_supervise(appeal=late, now=late.deadline + datetime.timedelta(hours=1))
    return everyone


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_signs_in_lands_on_its_work_and_every_menu_link_opens(
    role, day_one, district, login, page, live_server, screenshot
):
    username, landing, heading = LANDINGS[role]
    landing = landing.format(district=district.pk)
    if role in (Role.GRID_MANAGER, Role.GRID_ASSISTANT):
        page.set_viewport_size({"width": 390, "height": 844})  # the grid worker's phone

    login(username)
    assert page.url == f"{live_server.url}{landing}", role
    h1 = page.locator("h1").first.inner_text()
    if heading is None:
        assert h1.startswith(district.name)
    else:
        with translation.override("zh-hans"):
            assert h1.startswith(translation.gettext(heading)), (role, h1)
    screenshot(f"roles-{role}")

    links = page.locator("header nav a[data-section], main nav a[data-section]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert links, role
    for href in dict.fromkeys(links):
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, (role, href, response.status)
        assert "/login/" not in page.url, (role, href)


def test_the_center_records_a_return_visit_only_with_a_chosen_rating_and_reveals_with_a_reason(
    everyone, make_appeal, people, login, page, live_server, screenshot
):
    from accounts.models import RevealLog
    from petitions.models import Appeal, Status

    appeal = make_appeal("verified")
    login("center")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    form = page.locator("form[data-form=return_visit]")
    assert form.locator("select[name=rating]").input_value() == ""
    assert "实质性" in form.inner_text()
    screenshot("roles-return-visit-form")
    form.locator("button").click()  # no rating chosen: the browser keeps the form
    assert Appeal.objects.get(pk=appeal.pk).status == Status.VERIFIED

    page.click("#reveal-reporter")  # no reason: nothing is sent, nothing shown
    assert not RevealLog.objects.exists() and "13812345678" not in page.content()
    page.fill("#reveal-form input[name=reason]", "电话回访诉求人")
    page.click("#reveal-reporter")
    page.wait_for_selector("#reporter:has-text('13812345678')")

    form.locator("select[name=rating]").select_option("satisfied")
    form.locator("button").click()
    page.wait_for_load_state("networkidle")
    assert Appeal.objects.get(pk=appeal.pk).satisfaction == "satisfied"

    # The bureau reads the reveal in the log: who, whose, which field, why.
    page.context.clear_cookies()
    login("bureau")
    page.click("header nav a[data-section='reveal-log']")
    page.wait_for_url("**/reveal-log/")
    rows = page.locator("#reveals tbody tr").all_inner_texts()
    assert len(rows) == 2 and all("电话回访诉求人" in r and f"#{appeal.pk}" in r for r in rows)
    screenshot("roles-reveal-log")
