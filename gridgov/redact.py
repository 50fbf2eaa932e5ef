"""The one redactor for text that leaves the platform for the public (Open311 GET, and any
later public output): personal data a resident typed into free text is replaced before it
is shown to anyone who is not signed in.

What goes: ID numbers (18-digit 公民身份号码 and old 15-digit ones), phone numbers (mobiles,
landlines with area codes, with spaces, dashes or +86), and house and flat numbers — the run
of 号 / 号楼 / 号院 / 栋 / 幢 / 座 / 单元 / 层 / 楼 / 室 / 户 tokens that locates a door
(光明路12号1号楼1单元101室 → 光明路＊), and the 3-2-401 form. What stays: the road, the
community, dates ("12月3号" is a day, not a door) and the rest of the words.
"""

import re

MASK = "＊"
_DIGITS = r"[0-9０-９]"
_NUMERAL = r"[0-9０-９一二三四五六七八九十百零〇两]"

ID_NUMBER = re.compile(rf"(?<![0-9A-Za-z]){_DIGITS}{{17}}[0-9Xx](?![0-9A-Za-z])|(?<![0-9]){_DIGITS}{{15}}(?![0-9])")
PHONE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[\s-]?)?1[3-9][0-9](?:[\s-]?[0-9]{4}){2}(?![0-9])"  # mobiles
    r"|(?<![0-9])0[0-9]{2,3}[\s-]?[0-9]{7,8}(?![0-9])"  # landlines with their area code
)
# One or more door tokens in a row; a day of the month (12月3号) is not a door.
DOOR = re.compile(
    rf"(?<![月0-9０-９])(?:{_NUMERAL}+[-－]?(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|户))+"
    # 3-2-401 (building-unit-flat); a date (2026-12-03) starts with four digits and is left.
    rf"|(?<![0-9０-９\-－]){_DIGITS}{{1,3}}(?:[-－]{_DIGITS}{{1,4}}){{1,3}}(?:室|号)?(?![0-9０-９\-－])"
)


def redact(text: str) -> str:
    """Public text: no ID number, phone, house or flat number."""
    if not text:
        return ""
    text = ID_NUMBER.sub(MASK, text)
    text = PHONE.sub(MASK, text)
    return DOOR.sub(MASK, text)
