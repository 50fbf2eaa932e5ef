"""Read an exported workbook back the way a spreadsheet would: which cells are formulas."""

import io

from openpyxl import load_workbook

HOSTILE = '=HYPERLINK("http://evil.example/","点击查看")'
HOSTILE_VALUES = [HOSTILE, "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def formula_cells(content: bytes) -> list[str]:
    """Coordinates (sheet!A1) of every cell a spreadsheet would evaluate."""
    book = load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def text_values(content: bytes) -> set:
    book = load_workbook(io.BytesIO(content))
    return {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
