"""The supervision bureau's assessment round in a real browser: the ranking, a unit's
scorecard, the appeals behind one of its counts, and a recomputation with a reason."""

import pytest

from assessment.models import Period
from tests.assessment.conftest import rules, this_month  # noqa: F401
from tests.assessment.scored import scored  # noqa: F401
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_follows_a_score_to_its_appeals_and_recomputes_the_period(
    request, people, login, page, live_server, screenshot
):
    month = request.getfixturevalue("scored")  # a month scored: both streets, a department, a community
    street = Period.objects.get(label=month.label).current_run.unit_scores.get(kind="street", name="中心街街道")

    # 1. The bureau opens Assessment from the header and sees the streets ranked.
    login("bureau")
    page.click("header nav a[href='/assessment/']")
    page.wait_for_url("**/assessment/")
    ranking = page.locator("#ranking")
    assert "中心街街道" in ranking.inner_text() and "税郭镇" in ranking.inner_text()
    assert page.locator("figure.chart svg").count() == 1
    screenshot("assessment-1-ranking")

    # 2. The scorecard of 中心街街道 writes the score out.
    ranking.locator(f'tr[data-score="{street.pk}"] a').click()
    page.wait_for_url(f"**/assessment/{month.label}/units/street/*/")
    assert page.inner_text("#total") == str(street.score)
    assert "40 ×" in page.inner_text("#formula")
    screenshot("assessment-2-scorecard")

    # 3. The handled count leads to exactly that many appeals, each linked to its page.
    page.click('#counts tr[data-count="handled"] a')
    page.wait_for_url("**/appeals/handled/")
    assert page.locator("#appeals tr[data-appeal]").count() == street.handled == 3
    assert page.locator("#differs").count() == 0
    screenshot("assessment-3-appeals-behind-a-count")

    # 4. Back on the rankings, the bureau recomputes the period with a reason: run 2.
    page.click("nav.subnav a[href='/assessment/']")
    page.wait_for_url("**/assessment/")
    page.fill("#recompute input[name=reason]", "补录了漏报的工单")
    page.click("#recompute button[type=submit]")
    page.wait_for_load_state("networkidle")
    period = Period.objects.select_related("current_run").get(label=month.label)
    assert period.current_run.number == 2 and period.current_run.reason == "补录了漏报的工单"
    assert page.locator("#runs tbody tr").count() == 2
    assert "补录了漏报的工单" in page.inner_text("#runs")
    screenshot("assessment-4-recomputed")
