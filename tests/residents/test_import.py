import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gridgov.errors import InvalidInput, NotAllowed
from grids.models import GridNode, Level
from residents.importing import COLUMNS, registry_import, template_workbook
from residents.models import Household, Resident, ResidentTag

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


def test_the_import_page_checks_then_imports_on_confirm(community, categories, community_user, client_for, settings,
                                                         tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    client = client_for(community_user)
    assert client.get("/registry/import/template.xlsx").status_code == 200
    upload = io.BytesIO(sheet(good_rows(community)))
    upload.name = "sheet.xlsx"
    response = client.post("/registry/import/", {"node": community.pk, "file": upload})
    assert response.status_code == 200
    token = response.context["token"]
    assert token
    assert not Household.objects.exists()
    response = client.post("/registry/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert Household.objects.count() == 2
    # The token is spent: a second confirm imports nothing twice.
    response = client.post("/registry/import/", {"token": token, "confirm": "1"})
    assert Household.objects.count() == 2


def test_the_import_page_lists_bad_rows_and_offers_no_confirm(community, categories, community_user, client_for):
    rows = good_rows(community)
    rows[1][6] = "370402198001010012"
    upload = io.BytesIO(sheet(rows))
    upload.name = "sheet.xlsx"
    response = client_for(community_user).post("/registry/import/", {"node": community.pk, "file": upload})
    assert response.status_code == 200
    assert response.context["token"] is None
    assert [e.row for e in response.context["report"].errors] == [3]
    bad = io.BytesIO(b"garbage")
    bad.name = "x.xlsx"
    response = client_for(community_user).post("/registry/import/", {"node": community.pk, "file": bad})
    assert response.status_code == 200
    assert "xlsx" in response.content.decode()


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
