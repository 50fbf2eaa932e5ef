"""The reporter's name and phone: personal data, sealed before they reach the database.

Uses gridgov.personal_data (Fernet cipher + HMAC lookup hash + masked display form) from the
registry issue. Until that module is on this branch, nothing of the name or phone is stored
but its masked form: no plain text, and no cipher that could not be read back later.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput

try:  # pragma: no cover - which branch runs depends on the merge state
    from gridgov import personal_data
except ImportError:  # pragma: no cover
    personal_data = None

SEALING_AVAILABLE = personal_data is not None


@dataclass(frozen=True)
class SealedReporter:
    name_cipher: str = ""
    name_masked: str = ""
    phone_cipher: str = ""
    phone_hash: str = ""
    phone_masked: str = ""

    def columns(self) -> dict[str, str]:
        return {
            "reporter_name_cipher": self.name_cipher,
            "reporter_name_masked": self.name_masked,
            "reporter_phone_cipher": self.phone_cipher,
            "reporter_phone_hash": self.phone_hash,
            "reporter_phone_masked": self.phone_masked,
        }


def mask_name(name: str) -> str:
    """`张*`, `王**`: the surname only."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def _mask_phone(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def _normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch not in " -()")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def seal_reporter(name: str, phone: str) -> SealedReporter:
    name = (name or "").strip()
    if len(name) > 50:
        raise InvalidInput(_("The reporter's name is longer than 50 characters."), field="reporter_name")
    if personal_data is not None:
        phone_sealed = personal_data.seal_phone(phone, field="reporter_phone")
        return SealedReporter(
            name_cipher=personal_data.encrypt(name) if name else "",
            name_masked=mask_name(name),
            phone_cipher=phone_sealed.cipher,
            phone_hash=phone_sealed.hash,
            phone_masked=phone_sealed.masked,
        )
    phone = _normalise_phone(phone or "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise InvalidInput(_("A phone number has 7 to 12 digits."), field="reporter_phone", code="phone_format")
    # OPEN (personal data): without gridgov.personal_data only the masked forms are kept.
    return SealedReporter(name_masked=mask_name(name), phone_masked=_mask_phone(phone) if phone else "")


def phone_lookup_hash(phone: str) -> str:
    """The blind-index hash of a typed-in phone, or "" when sealing is not available."""
    if personal_data is None or not phone:
        return ""
    return personal_data.phone_hash(phone)
