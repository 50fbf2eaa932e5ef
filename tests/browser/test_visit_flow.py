import datetime

import pytest
from django.conf import settings
from django.utils import translation

from accounts.roles import Role
from grids.models import GridNode, Level
from grids.services import assignment_start
from petitions.models import Appeal, Source, Status
from petitions.services import module_defaults_ensure, module_owners_link
from residents import services as registry
from residents.demo import sample_points
from tests.factories import UserFactory
from visits import services
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadres_opinion_from_a_visit_reaches_the_inbox_is_answered_and_the_visit_shows_the_outcome(
    people, district, login, page, live_server, screenshot
):
    import numpy as np
    from shapely import geometry as geom

    module_defaults_ensure(actor=None)  # an earlier transactional test may have flushed them
    module_owners_link(actor=None)
    street = GridNode.objects.get(name="中心街街道", level=Level.STREET)
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=street.code).order_by("code").first()
    lon, lat = sample_points(geom.shape(unit.boundary), 1, np.random.default_rng(3))[0]
    household = registry.household_create(actor=None, address="中心街 8 号", lon=lon, lat=lat)
    cadre = UserFactory(username="cadre")
    assignment_start(actor=None, user=cadre, role=Role.CADRE, node=street)
    campaign = services.campaign_create(
        actor=None,
        name="集中走访",
        start_date=datetime.date.today() - datetime.timedelta(days=10),
        end_date=datetime.date.today() + datetime.timedelta(days=10),
        scope_node=street,
        cadres=[cadre],
    )
    services.campaign_assign_balanced(actor=None, campaign=campaign)

    # 1. The cadre opens their households on a phone-sized screen and records the visit.
    page.set_viewport_size({"width": 390, "height": 844})
    login("cadre")
    page.goto(f"{live_server.url}/visits/campaigns/{campaign.pk}/mine/")
    assert household.number in page.inner_text("#households")
    page.click("#households a.record")
    page.fill("#id_met", "户主王大爷")
    page.fill("#id_notes", "老人独居，身体尚可")
    page.select_option("#opinion_module_0", "municipal")
    page.fill("#opinion_text_0", "楼下路灯坏了一个月")
    screenshot("visit-1-cadre-records-visit")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url("**/visits/*/")
    visit = Visit.objects.get()
    appeal = Appeal.objects.get()
    assert appeal.source == Source.VISIT and appeal.status == Status.RECEIVED
    assert visit.opinions.get().appeal_id == appeal.pk

    # 2. It is in the command center's inbox: registered and dispatched to the street.
    page.set_viewport_size({"width": 1280, "height": 860})
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
    assert appeal.status == Status.DISPATCHED

    # 3. The street signs for it and replies.
    page.context.clear_cookies()
    login("zhongxin")
    page.goto(f"{live_server.url}/appeals/queue/")
    page.click(f'tr[data-appeal="{appeal.pk}"] button[name=sign]')
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    page.fill("form[data-form=reply] textarea[name=reply]", "已更换路灯")
    page.click("form[data-form=reply] button")
    page.wait_for_load_state("networkidle")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED

    # 4. The cadre's visit page shows what became of the opinion.
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.clear_cookies()
    login("cadre")
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    row = page.locator("#opinions tbody tr").first
    assert "已更换路灯" in row.locator(".reply").inner_text()
    with translation.override(settings.LANGUAGE_CODE):  # the browser asks for Chinese
        assert row.locator(".status").inner_text() == str(appeal.get_status_display())
    screenshot("visit-2-opinion-outcome")
