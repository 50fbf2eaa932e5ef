"""The reporter's name and phone: personal data, sealed before they reach the database.

Stored as gridgov.personal_data does for the registry: a Fernet cipher, an HMAC lookup hash
(the phone's, so a caller's earlier appeals and registry entry are found without decrypting
anything) and the masked display form, which is all that pages, the API, exports and Open311
ever show. The plain value comes back only through `appeal_reporter_reveal`, which checks the
role and writes the reveal log.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov import personal_data
from gridgov.errors import InvalidInput
from gridgov.personal_data import mask_name


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


def seal_reporter(name: str, phone: str, *, resident=None) -> SealedReporter:
    """Seal what was typed; what was not typed comes from the registered resident, whose phone
    is copied sealed as it is (nothing is decrypted)."""
    name = (name or "").strip()
    if len(name) > 50:
        raise InvalidInput(_("The reporter's name is longer than 50 characters."), field="reporter_name")
    if not name and resident is not None:
        name = resident.name
    phone_sealed = personal_data.seal_phone(phone, field="reporter_phone")
    if phone_sealed == personal_data.EMPTY and resident is not None:
        phone_sealed = personal_data.Sealed(resident.phone_cipher, resident.phone_hash, resident.phone_masked)
    return SealedReporter(
        name_cipher=personal_data.encrypt(name) if name else "",
        name_masked=mask_name(name),
        phone_cipher=phone_sealed.cipher,
        phone_hash=phone_sealed.hash,
        phone_masked=phone_sealed.masked,
    )


def phone_lookup_hash(phone: str) -> str:
    """The blind-index hash of a typed-in phone ("" for an empty one)."""
    if not personal_data.normalise_phone(phone):
        return ""
    return personal_data.phone_hash(phone)
