"""The one .xlsx writer (gridgov/xlsx.py): no text becomes a formula, and every export uses it."""

import io
import pathlib
import re
import zipfile

import pytest

from gridgov import xlsx

from .xlsx_cells import HOSTILE_VALUES, formula_cells, text_values

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ["accounts", "assessment", "funding", "gridgov", "grids", "petitions", "residents", "visits"]


@pytest.mark.parametrize("write_only", [True, False])
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_text_that_starts_like_a_formula_is_written_as_text(value, write_only):
    book = xlsx.workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    xlsx.append(sheet, ["header", 1])
    xlsx.append(sheet, [value, -5, 2.5, None])
    data = xlsx.to_bytes(book)
    assert formula_cells(data) == []
    # XML reads a carriage return back as a newline; the text is otherwise exactly as typed.
    assert value.replace("\r", "\n") in text_values(data)
    assert b"<f>" not in data  # no formula element anywhere in the package
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        # The quote prefix keeps it text when someone edits the cell in Excel or LibreOffice.
        assert 'quotePrefix="1"' in package.read("xl/styles.xml").decode()


def test_numbers_stay_numbers_and_control_characters_are_dropped():
    book = xlsx.workbook(write_only=False)
    xlsx.append(book.active, [-5, "光明路\x0012号"])
    values = text_values(xlsx.to_bytes(book))
    assert -5 in values
    assert "光明路12号" in values


def test_the_download_says_it_is_an_xlsx_attachment():
    response = xlsx.response(b"data", "households-20260101")
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="households-20260101.xlsx"'


def test_no_module_but_the_writer_builds_workbooks_or_names_the_xlsx_content_type():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "gridgov" / "xlsx.py" or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            # A workbook built, a sheet appended to, or the content type named outside the writer.
            if re.search(r"\bWorkbook\(|spreadsheetml|\b(ws|sheet|notes|book)\.append\(", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
