"""Personal data (个人信息): ID numbers and phone numbers, encrypted at rest.

Every such value is stored as three columns written together by `seal_id_number` or
`seal_phone`:

- `<field>_cipher`: Fernet token (AES-128-CBC + HMAC-SHA256), keyed from GRIDGOV_DATA_KEY;
- `<field>_hash`: HMAC-SHA256 of the normalised value, keyed from GRIDGOV_HASH_KEY, so that
  "find by ID number" is an indexed exact match without decrypting anything;
- `<field>_masked`: the display form (`370402********1234`, `138****5678`), the only form
  pages, the API, exports and the admin ever show; keeping it beside the cipher means a list
  of 50 rows (or an export of 50,000) decrypts nothing.

Plain text comes back only through `open_value`, which the registry's reveal service calls
after checking the role and writing the reveal log. The appeals app reuses this module for
reporters' phones.

Keys: each variable holds one or more comma-separated keys, newest first (Fernet keys are
url-safe base64 of 32 bytes: `python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"`); decryption tries each, so a key can be rotated.
Hashes use the first hash key only: rotating it means recomputing the hash columns. With
DEBUG on (or `make run`'s GRIDGOV_DEMO) and a variable unset, a fixed development key is used;
otherwise the process refuses to seal or open anything (settings.GRIDGOV_DEVELOPMENT_KEYS).
"""

import base64
import datetime
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput
from gridgov.numbers import ascii_digits

DEVELOPMENT_DATA_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"gridgov-development-data-key").digest()).decode()
DEVELOPMENT_HASH_KEY = "gridgov-development-hash-key"


def _keys(name: str, development: str) -> list[str]:
    keys = [k.strip() for k in os.environ.get(name, "").split(",") if k.strip()]
    if keys:
        return keys
    if getattr(settings, "GRIDGOV_DEVELOPMENT_KEYS", False):
        return [development]
    raise ImproperlyConfigured(f"{name} is not set; personal data cannot be stored or read without it.")


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in _keys("GRIDGOV_DATA_KEY", DEVELOPMENT_DATA_KEY)])
    except ValueError as exc:
        raise ImproperlyConfigured(f"GRIDGOV_DATA_KEY holds a key that is not a Fernet key: {exc}") from exc


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    return _keys("GRIDGOV_HASH_KEY", DEVELOPMENT_HASH_KEY)[0].encode()


def reset_keys() -> None:
    """Forget the keys read from the environment (tests that change them call this)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # A key was lost or the column edited by hand: say so, never show the token.
        raise ImproperlyConfigured("A personal-data value cannot be decrypted with the configured keys.") from exc


def keyed_hash(kind: str, normalised: str) -> str:
    # The kind is part of the message, so an ID number and a phone never share a hash.
    return hmac.new(_hash_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Sealed:
    """The three stored columns of one personal-data value ("" for all three when empty)."""

    cipher: str
    hash: str
    masked: str

    def columns(self, field: str) -> dict[str, str]:
        return {f"{field}_cipher": self.cipher, f"{field}_hash": self.hash, f"{field}_masked": self.masked}


EMPTY = Sealed("", "", "")


# ---- ID numbers: GB 11643-1999 公民身份号码 ----

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only: \d matches every script's digits


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value) -> str:
    # Full-width digits (an input method's １１０１…) are the same number: fold them, so the
    # hash and the look-ups agree (gridgov/numbers.py).
    return re.sub(r"\s+", "", ascii_digits(value or "", field="id_number")).upper()


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F", from the sequence code's parity

    @property
    def region(self) -> str:
        return self.number[:6]


def parse_id_number(value, *, today: datetime.date | None = None, field: str = "id_number") -> IdNumber:
    """A valid 18-digit ID number, or InvalidInput saying what is wrong with it."""
    number = normalise_id_number(value)
    if not ID_PATTERN.fullmatch(number):
        raise InvalidInput(_("An ID number has 17 digits and then a digit or X."), field=field, code="id_format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidInput(
            _("The ID number's birth date %(date)s is not a date.") % {"date": number[6:14]},
            field=field,
            code="id_birth_date",
        ) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise InvalidInput(
            _("The ID number's birth date %(date)s is not possible.") % {"date": birth.isoformat()},
            field=field,
            code="id_birth_date",
        )
    if id_check_digit(number[:17]) != number[17]:
        raise InvalidInput(_("The ID number's check digit is wrong."), field=field, code="id_check_digit")
    return IdNumber(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def mask_id_number(number: str) -> str:
    """`370402********1234`: the region code and the last four, nothing of the birth date."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def seal_id_number(value) -> Sealed:
    """Validate, then encrypt, hash and mask an ID number. Empty stays empty."""
    if not normalise_id_number(value):
        return EMPTY
    number = parse_id_number(value).number
    return Sealed(encrypt(number), keyed_hash("id", number), mask_id_number(number))


def id_number_hash(value) -> str:
    """The lookup hash of a typed-in ID number (no validation: a wrong one just finds nothing)."""
    return keyed_hash("id", normalise_id_number(value))


# ---- Phones: mainland mobiles (11 digits) and landlines (area code + number) ----

PHONE_PATTERN = re.compile(r"1[3-9][0-9]{9}|0[0-9]{9,11}")


def normalise_phone(value) -> str:
    digits = re.sub(r"[\s\-()]", "", ascii_digits(value or "", field="phone"))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def parse_phone(value, *, field: str = "phone") -> str:
    phone = normalise_phone(value)
    if not PHONE_PATTERN.fullmatch(phone):
        raise InvalidInput(
            _("A phone number is an 11-digit mobile number or a landline with its area code."),
            field=field,
            code="phone_format",
        )
    return phone


def mask_name(name: str) -> str:
    """`张*`, `王**`: the surname only (reporters' names, the reveal log's subjects)."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """`138****5678`: the first three and the last four digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def seal_phone(value, *, field: str = "phone") -> Sealed:
    if not normalise_phone(value):
        return EMPTY
    phone = parse_phone(value, field=field)
    return Sealed(encrypt(phone), keyed_hash("phone", phone), mask_phone(phone))


def phone_hash(value) -> str:
    return keyed_hash("phone", normalise_phone(value))


# ---- Look-ups travel in POST bodies ----

# A phone or ID number in a URL is written to every access log, proxy log, browser history and
# Referer header on the way. Look-ups by them are POSTs; a GET that carries one is refused.
URL_FORBIDDEN = ("phone", "reporter_phone", "id_number")


def refuse_in_url(query, names: tuple[str, ...] = URL_FORBIDDEN) -> None:
    """InvalidInput (a 400) when the query string carries a phone or an ID number."""
    present = [name for name in names if query.get(name)]
    if present:
        raise InvalidInput(
            _("A phone or ID number may not be sent in the address (URL): send %(names)s in a POST body.")
            % {"names": ", ".join(present)},
            field=present[0],
            code="personal_data_in_url",
        )


def open_value(cipher: str) -> str:
    """The plain value. Only the reveal service (which logs) and the holder's own tools call it."""
    return decrypt(cipher) if cipher else ""


REVEAL_REASON_MAX = 200


def clean_reveal_reason(value) -> str:
    """The reason a user gives before a value is shown in full (查看原因): required, kept in
    the reveal log beside the reveal."""
    reason = " ".join(str(value or "").split())
    if "\x00" in reason:
        raise InvalidInput(_("The reason contains a NUL character."), field="reason")
    if len(reason) < 2:
        raise InvalidInput(_("Say why you need to see this in full."), field="reason", code="reason_required")
    if len(reason) > REVEAL_REASON_MAX:
        raise InvalidInput(_("Keep the reason under %(n)s characters.") % {"n": REVEAL_REASON_MAX}, field="reason")
    return reason
