import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gridgov.errors import InvalidInput, NotAllowed
from grids.models import GridNode, Level
from residents.importing import COLUMNS, registry_import, template_workbook
from residents.models import Household, Resident, ResidentTag
from tests.xlsx_bombs import crafted_workbook, million_empty_rows, one_huge_string

from .conftest import point_in

pytestmark = pytest.mark.django_db

HEADER = [header for _key, header, _aliases in COLUMNS]


def sheet(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def community(district, streets):
    return GridNode.objects.filter(level=Level.COMMUNITY, parent=streets["中心街街道"]).order_by("code").first()


def good_rows(community):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, parent__parent=community).order_by("code").first()
    lon, lat = point_in(unit)
    return [
        ["H001", "光明路1号", lon, lat, "张伟", "户主", "370402198001010011", "", "", "13812345678", "残疾人"],
        ["H001", "", "", "", "李娜", "配偶", "", "女", "1982-05-06", "", ""],
        ["H002", "光明路2号", lon, lat, "王强", "户主", "11010519491231002X", "女", "", "", "独居老人、低保户"],
    ]


def test_the_template_has_the_columns_the_importer_reads(community, categories):
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert [c.value for c in wb.active[1]] == HEADER


def test_a_dry_run_checks_everything_and_writes_nothing(community, categories):
    report = registry_import(actor=None, node=community, data=sheet(good_rows(community)))
    assert report.ok, report.errors
    assert (report.households, report.residents, report.tags) == (2, 3, 3)
    assert not report.committed
    assert not Household.objects.exists()


def test_commit_writes_households_residents_tags_heads_and_counts(community, categories):
    report = registry_import(actor=None, node=community, data=sheet(good_rows(community)), commit=True)
    assert report.committed
    household = Household.objects.get(number="H001")
    assert household.head.name == "张伟"
    assert household.members.count() == 2
    assert Resident.objects.get(name="张伟").id_number_masked == "370402********0011"
    assert Resident.objects.get(name="张伟").sex == "M"
    assert ResidentTag.objects.count() == 3
    community.refresh_from_db()
    assert community.households == 2
    assert community.residents == 3


def test_an_imported_tag_is_due_for_a_follow_up_from_the_day_it_starts(community, categories):
    registry_import(actor=None, node=community, data=sheet(good_rows(community)), commit=True)
    tags = list(ResidentTag.objects.all())
    assert tags and all(t.next_visit_on == t.start_date for t in tags)


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_imported(community, categories, streets):
    rows = good_rows(community)
    other = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=streets["税郭镇"].code).first()
    olon, olat = point_in(other)
    rows += [
        ["H003", "x", 100.0, 30.0, "赵一", "户主", "", "男", "1990-01-01", "", ""],  # outside the district
        ["H004", "y", olon, olat, "钱二", "户主", "370402198001010012", "", "", "", ""],  # other street, bad ID
        ["H001", "", "", "", "孙三", "户主", "", "男", "1990-02-30", "123", "外星人"],  # 2nd head, bad date, phone, tag
        ["H005", "z", rows[0][2], rows[0][3], "", "亲戚", "370402198001010011", "", "", "", ""],  # dup ID, no name
    ]
    report = registry_import(actor=None, node=community, data=sheet(rows), commit=True)
    assert not report.committed
    by_row = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append((error.column, error.message))
    assert set(by_row) == {5, 6, 7, 8}
    assert any("outside the district" in m for _c, m in by_row[5])
    assert {c for c, _m in by_row[6]} == {"经度", "身份证号"}
    assert {c for c, _m in by_row[7]} == {"与户主关系", "出生日期", "联系电话", "特殊人群"}
    assert {c for c, _m in by_row[8]} >= {"姓名", "与户主关系", "身份证号"}
    assert not Household.objects.exists()
    assert not Resident.objects.exists()


def test_an_id_number_already_registered_is_reported(community, categories):
    registry_import(actor=None, node=community, data=sheet(good_rows(community)[:1]), commit=True)
    rows = good_rows(community)[:1]
    rows[0][0] = "H009"
    report = registry_import(actor=None, node=community, data=sheet(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook at all", "not a readable .xlsx"),
        (b"PK\x03\x04broken zip", "not a readable .xlsx"),
        (sheet([], header=["姓名"]), "lacks the column"),
    ],
)
def test_malformed_files_get_a_clear_error(community, data, message):
    with pytest.raises(InvalidInput, match=message):
        registry_import(actor=None, node=community, data=data)


def test_oversized_files_and_sheets_are_refused(community, categories, settings):
    settings.GRIDGOV_IMPORT_MAX_BYTES = 100
    with pytest.raises(InvalidInput, match="larger than"):
        registry_import(actor=None, node=community, data=sheet(good_rows(community)))
    settings.GRIDGOV_IMPORT_MAX_BYTES = 10**7
    settings.GRIDGOV_IMPORT_MAX_ROWS = 2
    with pytest.raises(InvalidInput, match="more than 2 rows"):
        registry_import(actor=None, node=community, data=sheet(good_rows(community)))


def test_a_user_cannot_import_into_a_node_outside_their_area(community, categories, streets, people):
    other = GridNode.objects.filter(level=Level.COMMUNITY, parent=streets["税郭镇"]).first()
    with pytest.raises(NotAllowed):
        registry_import(actor=people.grid_manager, node=other, data=sheet([]))
    with pytest.raises(NotAllowed):
        registry_import(actor=people.zhongxin, node=community, data=sheet([]))  # street offices read only


def test_the_command_is_a_dry_run_unless_told_commit(community, categories, tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(sheet(good_rows(community)))
    out = io.StringIO()
    call_command("import_registry", str(path), "--node", community.code, stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Household.objects.exists()
    call_command("import_registry", str(path), "--node", community.code, "--commit", stdout=out)
    assert Household.objects.count() == 2
    with pytest.raises(CommandError, match="bad row"):
        call_command("import_registry", str(path), "--node", community.code, "--commit", stdout=out)
    assert "already registered" in out.getvalue()


def _upload(client, node, data: bytes, django_capture_on_commit_callbacks):
    upload = io.BytesIO(data)
    upload.name = "sheet.xlsx"
    # The task is enqueued after commit; here it runs right away, as a worker would.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/registry/import/", {"node": node.pk, "file": upload})
    return response, callbacks


def test_the_import_page_stages_the_file_a_task_checks_it_and_another_imports_it_on_confirm(
    community, categories, community_user, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from residents.models import RegistryImport
    from residents.tasks import run_registry_import

    settings.MEDIA_ROOT = tmp_path
    client = client_for(community_user)
    assert client.get("/registry/import/template.xlsx").status_code == 200
    response, callbacks = _upload(client, community, sheet(good_rows(community)), django_capture_on_commit_callbacks)
    job = RegistryImport.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/import/{job.token}/"
    assert len(callbacks) == 1  # the check task, enqueued after commit
    assert job.status == "checking" and (tmp_path / "imports" / f"{job.token.hex}.xlsx").is_file()
    page = client.get(response.url)
    assert 'id="import-progress"' in page.content.decode() and "import_progress.js" in page.content.decode()
    assert client.get(f"{response.url}progress/").json()["in_progress"] is True

    assert run_registry_import(job.pk) == "checked"
    progress = client.get(f"{response.url}progress/").json()
    assert progress == {
        "status": "checked", "status_label": "Ready to import", "rows_done": 3, "rows_total": 3, "in_progress": False,
    }  # fmt: skip
    assert 'id="confirm"' in client.get(response.url).content.decode()
    assert not Household.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(response.url, {"confirm": "1"}).status_code == 302
    assert len(callbacks) == 1
    assert run_registry_import(job.pk) == "imported"
    assert Household.objects.count() == 2
    assert "Imported 2 households and 3 residents" in client.get(response.url).content.decode()
    assert not (tmp_path / "imports" / f"{job.token.hex}.xlsx").exists()  # nothing left staged
    # Spent: a second confirm or a second run of the task imports nothing twice.
    client.post(response.url, {"confirm": "1"})
    assert run_registry_import(job.pk) == "imported"
    assert Household.objects.count() == 2


def test_the_import_page_lists_bad_rows_and_offers_no_confirm(
    community, categories, community_user, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from residents.models import RegistryImport
    from residents.tasks import run_registry_import

    settings.MEDIA_ROOT = tmp_path
    client = client_for(community_user)
    rows = good_rows(community)
    rows[1][6] = "370402198001010012"
    response, _callbacks = _upload(client, community, sheet(rows), django_capture_on_commit_callbacks)
    assert run_registry_import(RegistryImport.objects.get().pk) == "rejected"
    page = client.get(response.url).content.decode()
    assert 'id="import-errors"' in page and 'id="confirm"' not in page
    assert client.post(response.url, {"confirm": "1"}).status_code == 302
    assert not Household.objects.exists()


def test_a_bomb_or_a_garbage_file_is_refused_at_upload_with_nothing_staged(
    community, categories, community_user, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from residents.models import RegistryImport

    settings.MEDIA_ROOT = tmp_path
    client = client_for(community_user, language="zh-hans")
    for data, message in ((crafted_workbook(one_huge_string(60)), "解压后超过"), (b"garbage", "xlsx")):
        with translation.override("zh-hans"):
            response, callbacks = _upload(client, community, data, django_capture_on_commit_callbacks)
        assert response.status_code == 200 and message in response.content.decode()
        assert callbacks == []
    assert not RegistryImport.objects.exists()
    assert not list(tmp_path.rglob("*.xlsx"))


def test_only_the_uploader_sees_an_import(
    community, categories, community_user, people, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    response, _callbacks = _upload(
        client_for(community_user), community, sheet(good_rows(community)), django_capture_on_commit_callbacks
    )
    other = client_for(people.center)
    assert other.get(response.url).status_code == 404
    assert other.get(f"{response.url}progress/").status_code == 404
    assert other.post(response.url, {"confirm": "1"}).status_code == 404


def test_an_id_number_typed_into_a_number_cell_is_reported_as_such(community, categories):
    rows = good_rows(community)[:1]
    rows[0][6] = 370402198001010011  # Excel keeps this as 3.70402198001010E+17
    report = registry_import(actor=None, node=community, data=sheet(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号")]
    assert "format the column as text" in report.errors[0].message


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/residents/households/?node=abc", 400),
        ("/api/residents/households/?node=999999", 404),
        ("/api/residents/areas/?level=9&bbox=116,33,119,36", 400),
        ("/api/residents/areas/?level=x&bbox=116,33,119,36", 400),
        ("/api/residents/residents/?household=x&page=2", 404),
        # One answer to a bad ?node= everywhere (gridgov.params): 400 with a message.
        ("/registry/households/?node=abc&page=zz", 400),
        ("/registry/households/?node=999999", 404),
        ("/registry/map/?node=999999", 404),
    ],
)
def test_bad_query_parameters_get_4xx_not_500(district, people, client_for, url, status):
    assert client_for(people.center).get(url).status_code == status


@pytest.mark.parametrize(
    "data",
    [
        {"address": "x", "lon": "abc", "lat": 34.8},
        {"address": "x", "lon": "nan", "lat": 34.8},
        {"address": "x", "lon": 1e308, "lat": 34.8},
        {"address": "", "lon": 117.5, "lat": 34.8},
        {"address": "x" * 500, "lon": 117.5, "lat": 34.8},
    ],
)
def test_bad_household_input_gets_a_400(district, people, client_for, data):
    response = client_for(people.center).post("/api/residents/households/", data)
    assert response.status_code == 400
    assert not Household.objects.exists()


# ---- Exhaustion: zip bombs and oversized sheets are refused before openpyxl parses ----


@pytest.fixture
def parsing_forbidden(monkeypatch):
    """Any call into openpyxl fails the test: the refusal must come from the zip directory."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a file that should have been refused")

    monkeypatch.setattr("residents.import_sheet.load_workbook", refuse)


def test_three_million_empty_rows_are_refused_from_the_zip_directory_alone(community, parsing_forbidden):
    data = crafted_workbook(million_empty_rows(3_000_000))
    assert len(data) < 1024 * 1024  # the attack's shape: a small upload
    with pytest.raises(InvalidInput, match="compressed more than 100 times") as refused:
        registry_import(actor=None, node=community, data=data)
    assert refused.value.code == "compression_ratio"


def test_a_400_mb_string_is_refused_from_the_zip_directory_alone(community, parsing_forbidden):
    data = crafted_workbook(one_huge_string(400))
    assert len(data) < 1024 * 1024
    with pytest.raises(InvalidInput, match="unpacks to more than"):
        registry_import(actor=None, node=community, data=data)


def test_a_member_compressed_beyond_the_ratio_is_refused(community, parsing_forbidden):
    data = crafted_workbook(one_huge_string(5))  # 5 MB of one letter: under the total, far past 100×
    with pytest.raises(InvalidInput, match="compressed more than 100 times") as refused:
        registry_import(actor=None, node=community, data=data)
    assert refused.value.code == "compression_ratio"


def test_the_refusal_reads_only_the_zip_directory(community, monkeypatch):
    from residents import import_sheet

    data = crafted_workbook(million_empty_rows(3_000_000))
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or 1 / 0)
    with pytest.raises(InvalidInput):
        import_sheet.check_archive(data)
    assert opened == []  # no member was decompressed


def test_a_bomb_is_refused_in_chinese(community, parsing_forbidden):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        registry_import(actor=None, node=community, data=crafted_workbook(one_huge_string(60)))
    assert "解压后超过" in refused.value.message


def test_empty_rows_count_against_the_row_limit_while_streaming(community, settings):
    settings.GRIDGOV_IMPORT_MAX_ROWS = 100
    # Within the zip limits (a few hundred rows), but the rows run past the limit while streaming.
    with pytest.raises(InvalidInput, match="more than 100 rows"):
        registry_import(actor=None, node=community, data=crafted_workbook(million_empty_rows(500)))


def test_a_cell_past_the_length_limit_is_refused_with_its_row(community, categories):
    rows = good_rows(community)
    rows[1][1] = "长" * 501
    with pytest.raises(InvalidInput, match="Row 3 holds a cell of more than 500 characters"):
        registry_import(actor=None, node=community, data=sheet(rows))


def test_columns_past_the_limit_are_not_read(community, categories, settings):
    settings.GRIDGOV_IMPORT_MAX_COLUMNS = len(HEADER)
    rows = [[*row, "x" * 10_000] for row in good_rows(community)]  # a 12th column is never read
    report = registry_import(actor=None, node=community, data=sheet(rows, header=[*HEADER, "备注"]))
    assert report.ok, report.errors


def test_staged_sheets_older_than_the_limit_are_deleted(clock, settings, tmp_path):
    import os

    from residents.import_jobs import staged_imports_expire, staging_dir
    from residents.tasks import expire_staged_imports

    settings.MEDIA_ROOT = tmp_path
    settings.GRIDGOV_IMPORT_STAGED_HOURS = 24
    old, fresh = staging_dir() / "old.xlsx", staging_dir() / "fresh.xlsx"
    for path, age in ((old, 25), (fresh, 23)):
        path.write_bytes(b"PK")
        stamp = clock.now.timestamp() - age * 3600
        os.utime(path, (stamp, stamp))
    assert expire_staged_imports() == 1
    assert not old.exists() and fresh.exists()
    clock.shift(datetime.timedelta(hours=2))
    assert staged_imports_expire() == 1
    assert not fresh.exists()
