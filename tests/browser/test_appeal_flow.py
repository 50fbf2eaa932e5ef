import pytest

from accounts.roles import Role
from grids.models import GridNode, Level
from grids.services import assignment_start
from petitions.models import Appeal, ServiceModule, Status
from petitions.services import module_defaults_ensure, module_owners_link
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_appeal_goes_from_the_hotline_to_closed_and_the_timeline_shows_every_step(
    people, district, login, page, live_server, screenshot
):
    operator = UserFactory(username="hotline")
    assignment_start(actor=None, user=operator, role=Role.HOTLINE, node=district)
    module_defaults_ensure(actor=None)  # an earlier transactional test may have flushed them
    module_owners_link(actor=None)
    street = GridNode.objects.get(name="中心街街道", level=Level.STREET)

    # 1. The 96361 operator takes the call.
    login("hotline")
    page.goto(f"{live_server.url}/appeals/hotline/")
    page.fill("#id_reporter_phone", "13812345678")
    page.fill("#id_reporter_name", "张三")
    page.select_option("#id_module", str(ServiceModule.objects.get(code="municipal").pk))
    page.fill("#id_description", "小区门口路灯三天不亮")
    page.fill("#id_address", "中心街 12 号")
    page.wait_for_selector("#pickmap.loaded")
    assert page.locator("#pickmap path.leaflet-interactive").count() == 4  # the communities to click on
    # Put the place on the map: click inside 中心街's first community (features come in code order).
    page.locator("#pickmap path.leaflet-interactive").first.click()
    page.wait_for_selector("#located.ok")
    assert page.input_value("#id_lon") and page.input_value("#id_lat")
    screenshot("appeal-1-hotline-intake")
    page.click("#submit-intake")
    page.wait_for_url("**/appeals/hotline/?done=*")
    appeal = Appeal.objects.get()
    assert appeal.status == Status.RECEIVED and appeal.street_id == street.pk

    # 2. The command center registers it and dispatches it to the street.
    page.context.clear_cookies()
    login("center")
    page.goto(f"{live_server.url}/appeals/inbox/")
    page.click(f'tr[data-appeal="{appeal.pk}"] button')
    page.wait_for_load_state("networkidle")
    row = page.locator(f'tr[data-appeal="{appeal.pk}"]')
    row.locator("select[name=unit]").select_option(f"node:{street.pk}")
    row.locator("button").click()
    page.wait_for_load_state("networkidle")
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.handling_node_id == street.pk

    # 3. The street office signs for it in its queue and replies on the appeal page.
    page.context.clear_cookies()
    login("zhongxin")
    page.goto(f"{live_server.url}/appeals/queue/")
    page.click(f'tr[data-appeal="{appeal.pk}"] button[name=sign]')
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    page.fill("form[data-form=reply] textarea[name=reply]", "已更换灯泡，路灯恢复正常")
    page.click("form[data-form=reply] button")
    page.wait_for_load_state("networkidle")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED

    # 4. The command center verifies the reply and records the return visit.
    page.context.clear_cookies()
    login("center")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    page.click("form[data-form=verify] button")
    page.wait_for_load_state("networkidle")
    page.select_option("form[data-form=return_visit] select[name=rating]", "satisfied")
    page.click("form[data-form=return_visit] button")
    page.wait_for_load_state("networkidle")

    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.satisfaction == "satisfied"
    steps = page.locator("#timeline li").evaluate_all("items => items.map(li => li.dataset.action)")
    assert steps == ["create", "register", "dispatch", "sign", "reply", "verify", "revisit"]
    assert "138****5678" in page.content() and "13812345678" not in page.content()
    page.wait_for_selector("#appealmap.loaded")
    screenshot("appeal-2-closed-with-timeline")

    # The command center may call the reporter back: the full phone, once asked for, logged.
    # The reason comes first: the browser will not send the form without it.
    page.click("#reveal-reporter")
    assert "13812345678" not in page.content()
    page.fill("#reveal-form input[name=reason]", "回访诉求人")
    page.click("#reveal-reporter")
    page.wait_for_selector("#reporter:has-text('13812345678')")
    from accounts.models import RevealLog

    logged = RevealLog.objects.filter(object_id=appeal.pk, field="reporter_phone")
    assert list(logged.values_list("reason", flat=True)) == ["回访诉求人"]
