"""The seeded demo district as its users see it (issue 11): the resident and household pages
with their history (看人知情), a unit grid's staff (格中定人), the grids lacking staff or out of
band, and the supervision board; screenshots in test-output/."""

import pytest
from django.db.models import Count

from accounts.models import User
from residents.models import Resident
from visits.models import CampaignAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class TestTheDemoDistrictInTheBrowser:
    def test_the_command_center_reads_a_residents_history_a_grids_staff_and_the_board(
        self, page, live_server, login, screenshot, seeded_small_district_to_flush
    ):
        # The run's seeded district, committed (the live server's thread reads it) and flushed
        # after this test. Seeded in Chinese, as `make run` seeds: slips keep the reasons and
        # notes they were written with.
        center = User.objects.get(username="center")
        center.set_password("pw-for-tests")
        center.save(update_fields=["password"])
        # A resident named in the diary and with appeals of their own: the richest history.
        resident = (
            Resident.objects.annotate(n=Count("diary_mentions", distinct=True), a=Count("appeals", distinct=True))
            .filter(n__gt=0)
            .order_by("-a", "-n", "pk")
            .select_related("household")
            .first()
        )
        assert resident is not None
        visited = CampaignAssignment.objects.filter(visited_on__isnull=False).count()
        login("center")

        page.goto(f"{live_server.url}/registry/residents/{resident.pk}/")
        assert page.locator("h2", has_text="民情日志").count() == 1
        assert page.locator("h2", has_text="走访代办").count() == 1
        assert page.locator("#history-diary tbody tr").first.inner_text().find(resident.name) >= 0
        assert "相关功能模块上线后" not in page.content()
        screenshot("demo-resident-history")

        page.goto(f"{live_server.url}/registry/households/{resident.household_id}/")
        assert page.locator("#history-visits tbody tr").count() >= 1
        screenshot("demo-household-history")

        page.goto(f"{live_server.url}/grids/{resident.household.unit_grid_id}/")
        staff = page.locator("#staff tbody tr")
        assert staff.count() >= 2
        assert "网格管理员" in page.locator("#staff").inner_text()
        assert "网格协管员" in page.locator("#staff").inner_text()
        screenshot("demo-unit-grid-staff")

        page.click("text=缺网格员的网格")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "缺网格员的网格"
        screenshot("demo-grids-without-staff")

        page.goto(f"{live_server.url}/grids/outside-band/?level=4")
        assert page.locator("#outside-band tbody tr").count() > 0
        screenshot("demo-grids-outside-band")

        page.goto(f"{live_server.url}/appeals/supervision/")
        rows = page.locator("tr[data-slip]")
        assert rows.count() > 0
        screenshot("demo-supervision-board")

        # The appeal's page keeps the ladder it climbed: the earlier slips closed as superseded.
        page.locator("a.history").first.click()
        page.wait_for_load_state("networkidle")
        assert "已升级为" in page.locator("#slips").inner_text()
        screenshot("demo-appeal-slip-history")

        page.goto(f"{live_server.url}/visits/")
        page.locator("#campaigns a", has_text="覆盖").first.click()
        page.wait_for_load_state("networkidle")
        assert f"已走访 {visited} 户" in page.locator("#total").inner_text()
        screenshot("demo-visit-coverage")
