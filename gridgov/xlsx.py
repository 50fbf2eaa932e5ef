"""The one .xlsx writer every export goes through.

Formula injection (CWE-1236): openpyxl stores any string that starts with "=" as a formula,
so a household address typed as `=HYPERLINK("http://evil/","click")` would become a live
link in the export. Every cell here is built by `cell()`: text starting with "=", "+", "-",
"@", a tab or a carriage return is written with an explicit string type (`t="inlineStr"`,
never `<f>`) and the quote-prefix style (the cell's "'" in Excel and LibreOffice), so the
value reads exactly as typed, is never evaluated, and stays text when someone edits it.
Characters XML cannot carry (C0 controls) are dropped instead of failing the whole export.
"""

import re
import tempfile
from collections.abc import Iterable
from numbers import Number

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(ILLEGAL_CHARACTERS_RE.pattern)


def is_hostile(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def cell(sheet, value) -> Cell:
    """A cell for `sheet` (write-only or not) that can never hold a formula."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
    # Lazy translations (gettext_lazy) and other objects are written as their text.
    elif value is not None and not isinstance(value, Number) and not hasattr(value, "isoformat"):
        value = str(value)
    new = WriteOnlyCell(sheet, value=value)
    if is_hostile(value):
        new.data_type = "s"  # after the value: setting the value re-guesses the type
        new.quotePrefix = True
    return new


def append(sheet, values: Iterable) -> None:
    """Append one row, every cell through `cell()`."""
    sheet.append([cell(sheet, v) for v in values])


def workbook(*, write_only: bool = True) -> Workbook:
    return Workbook(write_only=write_only)


def to_bytes(book: Workbook) -> bytes:
    # Through a temporary file: a write-only book streams its rows there, not into memory.
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        return handle.read()


def response(data: bytes, filename: str) -> HttpResponse:
    """An .xlsx download; `filename` with or without its .xlsx."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    answer = HttpResponse(data, content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer
