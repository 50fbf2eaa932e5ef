"""Excel (.xlsx) export of any funding list: one sheet, a bold header row, money in yuan."""

from openpyxl.styles import Font

from gridgov import xlsx


def fen_to_yuan(fen: int | None) -> float:
    """Yuan for a spreadsheet cell (formatted to two decimals there)."""
    return round((fen or 0) / 100, 2)


def xlsx_response(filename: str, title: str, headers: list[str], rows, money_columns: tuple[int, ...] = ()):
    """Rows are lists of cells; the columns at `money_columns` hold fen and are written as yuan."""
    book = xlsx.workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    xlsx.append(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        row = list(row)
        for i in money_columns:
            row[i] = fen_to_yuan(row[i])
        xlsx.append(sheet, row)
    for i in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
            cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    return xlsx.response(xlsx.to_bytes(book), filename)
