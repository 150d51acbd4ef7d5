"""The content a sign-off vouches for is spelled the same for ever: every stored sign-off's
hash was computed from this spelling, and verify_audit recomputes it."""

import datetime
from decimal import Decimal

import pytest

from core.hashing import sha256
from portfolio.content import canonical_content, content_hash

pytestmark = pytest.mark.django_db


def test_the_canonical_content_of_an_entry_is_spelled_exactly_so(log, fpcs):
    entry = log(
        kind="procedure",
        title="Ascitic tap — supervised",
        date=datetime.date(2026, 11, 2),
        time=datetime.time(14, 30),
        duration_minutes=50,
        cpd_credits=Decimal("0.75"),
        provider="Gastroenterology",
        location="Ward 7",
        description="Ultrasound-marked site.",
        tags=["Procedures", "gastro"],
        items=[fpcs["FPC2"], fpcs["FPC1"]],
        reflection_learned="Mark the site with the patient lying as they will be.",
    )
    reflection = sha256('["","Mark the site with the patient lying as they will be.",""]')
    spelled = (
        '{"cpd_credits":"0.75","date":"2026-11-02","description":"Ultrasound-marked site.",'
        f'"duration_minutes":50,"evidence":[],"id":{entry.pk},'
        '"items":["uk-foundation/2021/FPC1","uk-foundation/2021/FPC2"],'
        '"kind":"procedure","location":"Ward 7","provider":"Gastroenterology",'
        f'"reflection_sha256":"{reflection}","tags":["gastro","procedures"],"time":"14:30:00",'
        f'"title":"Ascitic tap — supervised","trainee":{entry.trainee_id}}}'
    )
    assert canonical_content(entry)["cpd_credits"] == "0.75"
    assert content_hash(entry) == sha256(spelled)


def test_whole_credits_and_no_credits_are_spelled_without_decimals(log):
    assert canonical_content(log(cpd_credits=Decimal("2.00")))["cpd_credits"] == "2"
    assert canonical_content(log(cpd_credits=Decimal("0")))["cpd_credits"] == "0"
    # Decimal's normal form, odd as it reads: the hashes already stored were made with it.
    assert canonical_content(log(cpd_credits=Decimal("10.00")))["cpd_credits"] == "1E+1"
