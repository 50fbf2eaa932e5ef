import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from gridgov import personal_data as pd
from gridgov.errors import InvalidInput

first17 = st.builds(
    lambda region, birth, seq: f"{region}{birth:%Y%m%d}{seq:03d}",
    st.sampled_from(["370402", "110105", "440305"]),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2024, 12, 31)),
    st.integers(0, 999),
)


def test_gb11643_example_number_is_valid_and_gives_birth_date_and_sex():
    parsed = pd.parse_id_number("11010519491231002X")
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.region == "110105"


@given(first17)
def test_every_number_with_its_check_digit_is_valid_and_any_other_digit_is_not(body):
    good = body + pd.id_check_digit(body)
    assert pd.parse_id_number(good).number == good
    for wrong in "0123456789X":
        if wrong != good[-1]:
            with pytest.raises(InvalidInput, match="check digit"):
                pd.parse_id_number(body + wrong)


@given(first17)
def test_masked_id_number_keeps_only_the_region_and_the_last_four(body):
    number = body + pd.id_check_digit(body)
    masked = pd.mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert number[6:14] not in masked  # the birth date never shows


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))  # ASCII digits: other scripts' are refused
def test_masked_phone_keeps_the_first_three_and_last_four(phone):
    assert pd.mask_phone(phone) == phone[:3] + "****" + phone[-4:]
    assert pd.parse_phone(phone) == phone


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("37040219800230001X", "not a date"),  # 30 February
        ("3704021980010100", "17 digits"),
        ("37040229990101001X", "not possible"),  # born in the future
        ("370402198001010012", "check digit"),
        ("ABCDEFGHIJKLMNOPQR", "17 digits"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(value, reason):
    with pytest.raises(InvalidInput, match=reason):
        pd.parse_id_number(value)


def test_seal_encrypts_hashes_and_masks_and_the_cipher_holds_no_plaintext():
    sealed = pd.seal_id_number("370402198001010011")
    assert "370402198001010011" not in sealed.cipher
    assert "1980" not in sealed.cipher
    assert sealed.masked == "370402********0011"
    assert pd.open_value(sealed.cipher) == "370402198001010011"
    assert sealed.hash == pd.id_number_hash(" 370402198001010011 ")
    # Fernet tokens carry a fresh IV: the same number never gives the same cipher twice.
    assert pd.seal_id_number("370402198001010011").cipher != sealed.cipher


def test_id_and_phone_hashes_differ_for_the_same_digits():
    assert pd.keyed_hash("id", "13812345678") != pd.keyed_hash("phone", "13812345678")


def test_phone_numbers_are_normalised_and_validated():
    assert pd.seal_phone("+86 138-1234-5678").masked == "138****5678"
    assert pd.seal_phone("").cipher == ""
    with pytest.raises(InvalidInput, match="11-digit"):
        pd.seal_phone("12345")


def test_without_debug_and_without_keys_nothing_is_sealed(settings, monkeypatch):
    settings.GRIDGOV_DEVELOPMENT_KEYS = False
    monkeypatch.delenv("GRIDGOV_DATA_KEY", raising=False)
    pd.reset_keys()
    try:
        with pytest.raises(ImproperlyConfigured, match="GRIDGOV_DATA_KEY"):
            pd.encrypt("x")
    finally:
        pd.reset_keys()


def test_keys_from_the_environment_are_used_and_rotation_still_decrypts_old_values(settings, monkeypatch):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.GRIDGOV_DEVELOPMENT_KEYS = False
    monkeypatch.setenv("GRIDGOV_DATA_KEY", old)
    monkeypatch.setenv("GRIDGOV_HASH_KEY", "k1")
    pd.reset_keys()
    try:
        token = pd.encrypt("13812345678")
        monkeypatch.setenv("GRIDGOV_DATA_KEY", f"{new},{old}")
        pd.reset_keys()
        assert pd.decrypt(token) == "13812345678"
        monkeypatch.setenv("GRIDGOV_DATA_KEY", new)
        pd.reset_keys()
        with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
            pd.decrypt(token)
    finally:
        pd.reset_keys()
