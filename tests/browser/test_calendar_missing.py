import datetime

import pytest

from petitions.models import CalendarDay
from petitions.modules import HOLIDAYS
from petitions.services import module_defaults_ensure
from tests.factories import UserFactory
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_appeal_due_in_a_year_without_calendar_warns_and_the_admin_enters_a_year_after_a_preview(
    clock, request, login, page, live_server, screenshot
):
    module_defaults_ensure(actor=None)  # an earlier transactional test may have flushed the calendar
    missing = CalendarDay.objects.latest("date").date.year + 1
    clock.move_to(datetime.date(missing - 1, 12, 28))  # before the named people take their posts
    appeal = request.getfixturevalue("make_appeal")("dispatched")

    login("center")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    warning = page.locator("#deadline-calendar-missing")
    assert f"计算此期限时缺少 {missing} 年节假日安排" in warning.inner_text()
    screenshot("calendar-1-appeal-deadline-without-calendar")

    # The administrator re-enters the announced calendar of the last known year from the admin.
    known = missing - 1
    CalendarDay.objects.filter(date__year=known).delete()
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.context.clear_cookies()
    login("root")
    page.goto(f"{live_server.url}/admin/petitions/calendarday/")
    page.get_by_role("link", name="录入全年节假日安排").click()
    lines = [f"{day} off {name}" for day, name in HOLIDAYS[known]["off"]]
    lines += [f"{day} work" for day in HOLIDAYS[known]["work"]]
    page.fill("textarea[name=days]", f"{known}-13-01 off 元旦\n" + "\n".join(lines))
    page.click("input[name=preview]")
    assert "第 1 行" in page.locator(".errorlist").inner_text()
    screenshot("calendar-2-admin-import-bad-line")
    page.fill("textarea[name=days]", "\n".join(lines))
    page.click("input[name=preview]")
    page.wait_for_selector("#calendar-changes")
    assert page.locator("#calendar-changes tbody tr").count() == len(lines)
    screenshot("calendar-3-admin-import-preview")
    assert not CalendarDay.objects.filter(date__year=known).exists()
    page.click("input[name=commit]")
    page.wait_for_url("**/admin/petitions/calendarday/")
    assert CalendarDay.objects.filter(date__year=known).count() == len(lines)
    screenshot("calendar-4-admin-import-done")
