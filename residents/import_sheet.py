"""Reading an uploaded registry workbook without letting it exhaust the worker
(docs/security.md, "Spreadsheet imports cannot exhaust a worker"): `check_archive` judges the
zip from its directory before anything is inflated; `_read_rows` streams the sheet in
openpyxl's read-only mode within the row, column and cell-length limits."""

import datetime
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gridgov.errors import DomainError, InvalidInput

# (key, header in the sheet, also accepted headers)
COLUMNS = [
    ("number", "户号", ("household number",)),
    ("address", "地址", ("address",)),
    ("lon", "经度", ("longitude", "lon")),
    ("lat", "纬度", ("latitude", "lat")),
    ("name", "姓名", ("name",)),
    ("relation", "与户主关系", ("relation",)),
    ("id_number", "身份证号", ("id number", "公民身份号码")),
    ("sex", "性别", ("sex",)),
    ("birth_date", "出生日期", ("birth date",)),
    ("phone", "联系电话", ("phone", "手机号")),
    ("tags", "特殊人群", ("tags", "categories")),
]
REQUIRED = {"number", "name", "relation"}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _too_large(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, field="file", code=code)


def check_archive(data: bytes) -> None:
    """Refuse a workbook that would exhaust the worker before any of it is parsed.

    An .xlsx is a zip archive. Its central directory (read here, and nothing else: no member is
    decompressed) declares each member's compressed and uncompressed size; a zip bomb shows
    itself there as a huge total or an extreme ratio (3 million empty rows or one 400 MB string
    fit in ~400 KB). Python's zipfile never inflates a member past its declared size, so a
    directory that understates the sizes cannot get more through openpyxl than this check saw."""
    if len(data) > settings.GRIDGOV_IMPORT_MAX_BYTES:
        raise _too_large(
            _("The file is larger than %(mb)d MB; split it by community.")
            % {"mb": settings.GRIDGOV_IMPORT_MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InvalidInput(
            _("The file is not a readable .xlsx workbook (%(error)s).") % {"error": type(exc).__name__},
            field="file",
            code="unreadable",
        ) from exc
    limit = settings.GRIDGOV_IMPORT_MAX_UNCOMPRESSED
    if len(members) > settings.GRIDGOV_IMPORT_MAX_MEMBERS or sum(m.file_size for m in members) > limit:
        raise _too_large(
            _("The workbook unpacks to more than %(mb)d MB; split it by community.") % {"mb": limit // (1024 * 1024)},
            "too_large_unpacked",
        )
    ratio = settings.GRIDGOV_IMPORT_MAX_RATIO
    for member in members:
        # Small members compress well for honest reasons (a repeated style); the ratio matters
        # only once a member is big enough to hurt.
        if member.file_size > 1024 * 1024 and member.file_size > ratio * max(member.compress_size, 1):
            raise _too_large(
                _(
                    "The workbook is compressed more than %(ratio)d times (%(member)s): it holds masses "
                    "of empty rows or repeated text. Copy only the filled rows into the template."
                )
                % {"ratio": ratio, "member": member.filename[:60]},
                "compression_ratio",
            )


def _read_rows(data: bytes) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    check_archive(data)
    max_rows = settings.GRIDGOV_IMPORT_MAX_ROWS
    max_chars = settings.GRIDGOV_IMPORT_MAX_CELL_CHARS
    too_many_rows = _too_large(_("The sheet has more than %(n)d rows; split it.") % {"n": max_rows}, "too_many_rows")
    try:
        # Read-only mode streams the sheet row by row instead of building it in memory.
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        # The sheet's declared dimension first (cheap); the row count below holds when it lies.
        declared = ws.max_row if isinstance(ws.max_row, int) else 0
        if declared > max_rows + 1:
            raise too_many_rows
        rows = ws.iter_rows(values_only=True, max_col=settings.GRIDGOV_IMPORT_MAX_COLUMNS)
        header = next(rows, None)
        if header is None:
            raise InvalidInput(_("The sheet is empty."), field="file")
        lookup = {}
        for key, name, aliases in COLUMNS:
            for i, h in enumerate(header):
                if _cell(h).lower() in {name.lower(), *aliases}:
                    lookup[key] = i
        missing = [name for key, name, _a in COLUMNS if key in REQUIRED and key not in lookup]
        if missing:
            raise InvalidInput(
                _("The sheet lacks the column(s) %(cols)s; download the template.") % {"cols": "、".join(missing)},
                field="file",
            )
        body = []
        for number, row in enumerate(rows, start=2):
            # Empty rows count too: a million of them cost as much time as filled ones.
            if number > max_rows + 1:
                raise too_many_rows
            if all(v is None or _cell(v) == "" for v in row):
                continue
            for v in row:
                if isinstance(v, str) and len(v) > max_chars:
                    raise _too_large(
                        _("Row %(row)d holds a cell of more than %(n)d characters.") % {"row": number, "n": max_chars},
                        "cell_too_long",
                    )
            body.append((number, row))
        wb.close()
        return lookup, body
    except DomainError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InvalidInput(
            _("The file is not a readable .xlsx workbook (%(error)s).") % {"error": type(exc).__name__},
            field="file",
            code="unreadable",
        ) from exc
