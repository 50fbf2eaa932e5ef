"""The pages read in Chinese, in the words of docs/glossary.md: the supervision board closes a
slip with 销号 (not 结账, which settles a bill), a scorecard names its counts in words and its
rates in per cent, the built-in rules are 系统默认规则 in force 自系统启用起, and the staff
ranking counts 上报件数 (grid reports), not 明细单 (expense reports)."""

import datetime
import re

import pytest

from petitions.services.supervision import appeal_supervise
from tests.assessment.conftest import rules, this_month  # noqa: F401
from tests.assessment.scored import scored  # noqa: F401
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_command_center_closes_a_slip_with_xiaohao_on_the_supervision_board(
    request, people, login, page, live_server, screenshot
):
    appeal = request.getfixturevalue("make_appeal")("in_progress")
    appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(hours=1))
    login("center")
    page.goto(f"{live_server.url}/appeals/supervision/")
    board = page.inner_text("main")
    assert "督办看板" in board and "未销号督办单" in board
    # One row per appeal: its current (orange) slip; the blue and yellow it climbed through are closed.
    assert page.locator("button", has_text="销号").count() == page.locator("tr[data-slip]").count() == 1
    assert "结账" not in board
    screenshot("words-1-supervision-board")


def test_the_bureau_reads_the_rankings_scorecard_and_rules_in_the_glossarys_words(
    request, people, login, page, live_server, screenshot
):
    month = request.getfixturevalue("scored")
    login("bureau")

    page.goto(f"{live_server.url}/assessment/?period={month.label}&level=street")
    assert "按期办结率" in page.inner_text("#ranking thead") and "返工率" in page.inner_text("#ranking thead")
    assert "系统默认规则" in page.inner_text("#run-info")
    screenshot("words-2-rankings")

    page.goto(f"{live_server.url}/assessment/?period={month.label}&level=grid_manager")
    head = page.inner_text("#ranking thead")
    assert "姓名" in head and "上报件数" in head and "户数" in head
    assert "明细单" not in head and "名称" not in head
    screenshot("words-3-staff-ranking")

    page.goto(f"{live_server.url}/assessment/?period={month.label}&level=street")
    page.locator("#ranking tr[data-score] a", has_text="中心街街道").click()
    page.wait_for_url(f"**/assessment/{month.label}/units/street/*/")
    terms = page.inner_text("#terms")
    assert "按期答复 2 / 承办 3" in terms and "66.7%" in terms
    assert not re.search(r"on_time|handled|reworked|yellow", terms + page.inner_text("#rates"))
    screenshot("words-4-scorecard")

    page.goto(f"{live_server.url}/assessment/rules/")
    table = page.inner_text("#rule-sets")
    assert "自系统启用起" in table and "系统默认规则" in table
    assert "2000-01-01" not in table and "DESIGN" not in table
    screenshot("words-5-rules")
