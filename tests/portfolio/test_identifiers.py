import pytest

from portfolio.identifiers import is_valid_nhs_number, patient_identifier_warnings

NHS = "It contains what looks like an NHS number."


@pytest.mark.parametrize(
    "text", ["Seen 943 476 5919 today", "NHS no 9434765919", "ref 943-476-5919."]
)
def test_a_valid_nhs_number_is_warned_about_with_or_without_spaces(text):
    assert NHS in patient_identifier_warnings(text)


@pytest.mark.parametrize("text", ["Seen 943 476 5918 today", "9434765918", "1234567890"])
def test_ten_digits_failing_the_checksum_are_not(text):
    assert NHS not in patient_identifier_warnings(text)


def test_longer_digit_runs_are_not_nhs_numbers():
    assert NHS not in patient_identifier_warnings("order 94347659190")


def test_modulus_11_check():
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765910")
    # Nine digits whose weighted sum leaves remainder 1 would need check digit 10, so no
    # tenth digit makes a valid number.
    prefix = next(
        p
        for p in (f"{n:09d}" for n in range(1, 1000))
        if sum(int(d) * w for d, w in zip(p, range(10, 1, -1), strict=True)) % 11 == 1
    )
    assert not any(is_valid_nhs_number(f"{prefix}{d}") for d in range(10))


@pytest.mark.parametrize(
    "text", ["DOB 12/03/1950", "date of birth: 3 March 1950", "born on 01.02.1988"]
)
def test_dates_of_birth_are_warned_about(text):
    assert "It contains what looks like a date of birth." in patient_identifier_warnings(text)


@pytest.mark.parametrize("text", ["Hospital number K1234567", "MRN: 00123456", "unit no RXH123456"])
def test_hospital_numbers_are_warned_about(text):
    assert "It contains what looks like a hospital number." in patient_identifier_warnings(text)


def test_ordinary_reflection_raises_no_warning():
    text = (
        "Teaching on 12/03/2026 about FPC1. "
        "I will ask for help earlier and re-read the NICE sepsis guideline."
    )
    assert patient_identifier_warnings(text) == []
