"""The registry import in the browser, in Chinese: the upload is staged, the status page's bar
follows the task (polling its progress), then shows the confirm button, then the result."""

import pytest

from residents.models import Household, RegistryImport
from residents.tasks import run_registry_import
from tests.residents.conftest import categories, community_user  # noqa: F401 - fixtures
from tests.residents.test_import import good_rows, sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_import_shows_its_progress_then_its_check_then_its_result_in_chinese(
    community_user,  # noqa: F811
    categories,  # noqa: F811
    login,
    page,
    live_server,
    screenshot,
    settings,
    tmp_path,
    monkeypatch,
):
    settings.MEDIA_ROOT = tmp_path
    enqueued = []
    # No worker in this test: the test runs each enqueued task itself, as a worker would.
    monkeypatch.setattr("residents.import_jobs.enqueue_on_commit", lambda task, *args: enqueued.append(args))
    community = community_user.assignments.get().node
    page.set_extra_http_headers({"Accept-Language": "zh-hans"})
    login("community")
    page.goto(f"{live_server.url}/registry/import/")
    page.select_option("#id_node", str(community.pk))
    page.set_input_files(
        "#id_file",
        files=[{"name": "户籍.xlsx", "mimeType": "application/octet-stream", "buffer": sheet(good_rows(community))}],
    )
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#import-progress progress")
    assert "正在检查" in page.inner_text("#import-status")
    screenshot("import-1-checking")

    job = RegistryImport.objects.get()
    assert run_registry_import(*enqueued.pop()) == "checked"
    page.wait_for_selector("#confirm", timeout=10_000)  # the poll saw the task finish and reloaded
    assert "待确认导入" in page.inner_text("#import-status")
    screenshot("import-2-checked")

    page.click("#confirm")
    page.wait_for_selector("#import-progress progress")
    assert run_registry_import(*enqueued.pop()) == "imported"
    page.wait_for_selector("p.success", timeout=10_000)
    screenshot("import-3-imported")
    assert Household.objects.count() == 2
    job.refresh_from_db()
    assert job.status == "imported"
