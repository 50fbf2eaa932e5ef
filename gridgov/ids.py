"""Ids typed by people and client systems: a number past the database's 64-bit key range
must be "not found", never a database error."""

MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """The id `value` names, or None when it names none (not a number, or out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None
