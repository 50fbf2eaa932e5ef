"""Crafted .xlsx files that attack the importer (tests/residents/test_import.py and
bench/bench_import_bomb.py): small uploads that unpack to huge sheets."""

import io
import zipfile

SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def crafted_workbook(sheet_xml_parts, shared_strings: str = "") -> bytes:
    """A minimal .xlsx written member by member, so a test can make a 3-million-row sheet or
    a 400 MB string in a few hundred KB without building it in memory (the parts are streamed
    into the deflater)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for part in sheet_xml_parts:
                member.write(part.encode())
    return buffer.getvalue()


HEADER = ("户号", "姓名", "与户主关系")  # the columns the importer requires


def million_empty_rows(count: int):
    yield SHEET_HEAD + (
        '<row r="1">'
        + "".join(
            f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>' for col, name in zip("ABC", HEADER, strict=True)
        )
        + "</row>"
    )
    chunk = 100_000  # rows without a number: openpyxl counts them one after another
    for start in range(0, count, chunk):
        yield "<row/>" * min(chunk, count - start)
    yield "</sheetData></worksheet>"


def one_huge_string(megabytes: int):
    yield SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>'
    block = "x" * (1024 * 1024)
    for _ in range(megabytes):
        yield block
    yield "</t></is></c></row></sheetData></worksheet>"
