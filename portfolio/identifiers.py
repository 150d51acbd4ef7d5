"""Spotting text that may identify a patient, so a trainee can be warned before saving a
reflection. Heuristics only: they warn, they never block, and they never log the text."""

import re

# Ten digits, optionally grouped 3-3-4 with spaces or hyphens, not inside a longer number.
NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s+\d{4}"
DATE_OF_BIRTH = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*[:\-]?\s*(?:{DATE})", re.IGNORECASE
)
# Hospital (unit) numbers: a labelled identifier, or the common letters-then-digits shape.
HOSPITAL_NUMBER = re.compile(
    r"\b(?:hospital|unit|MRN|case|patient)\s*(?:number|no\.?|#)?\s*[:\-]?\s*[A-Z]{0,3}\d{5,10}\b"
    r"|\b[A-Z]{1,3}\d{6,8}\b",
    re.IGNORECASE,
)


def is_valid_nhs_number(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def patient_identifier_warnings(text: str) -> list[str]:
    """Plain-language warnings, one per kind of identifier found."""
    warnings = []
    if any(is_valid_nhs_number("".join(m.groups())) for m in NHS_NUMBER.finditer(text)):
        warnings.append("It contains what looks like an NHS number.")
    if DATE_OF_BIRTH.search(text):
        warnings.append("It contains what looks like a date of birth.")
    if HOSPITAL_NUMBER.search(text):
        warnings.append("It contains what looks like a hospital number.")
    return warnings
