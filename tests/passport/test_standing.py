"""The passport's pure core: when a credential meets a subject, until when, and which wins."""

from datetime import date

from passport.standing import (
    EXPIRING,
    MET,
    MISSING,
    Accepted,
    Credential,
    add_months,
    general_standing,
    organisation_standing,
    valid_until,
)

TODAY = date(2026, 11, 30)
IG = ("badge_class", 1)
ELSEWHERE = ("external", "https://issuer.example/", "https://issuer.example/ig")


def credential(ref="award:1", target=IG, issued=date(2026, 6, 1), expires=None):
    return Credential(ref, target, "IG", "St Elsewhere", issued, expires)


def accept(target=IG, months=12, organisation=1, subject="CSTF-IG"):
    return Accepted(organisation, subject, target, months)


def test_a_month_later_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)


def test_valid_until_is_the_earlier_of_the_expiry_and_the_age_limit():
    aged = credential(expires=date(2028, 1, 1))
    assert valid_until(aged, 12) == (date(2027, 6, 1), False)
    expiring = credential(expires=date(2027, 1, 1))
    assert valid_until(expiring, 12) == (date(2027, 1, 1), True)
    assert valid_until(credential(), None) == (None, False)
    assert valid_until(expiring, None) == (date(2027, 1, 1), True)


def test_an_accepted_credential_meets_the_subject_until_its_last_day():
    [row] = organisation_standing(["CSTF-IG"], [accept()], [credential()], TODAY)
    assert row.status == MET and row.match.valid_until == date(2027, 6, 1)
    assert row.organisations == (1,)


def test_it_stops_counting_on_the_day_and_is_expiring_soon_within_30_days():
    issued = date(2025, 12, 30)  # counts until 30 December 2026
    cred = credential(issued=issued)
    [soon] = organisation_standing(["CSTF-IG"], [accept()], [cred], TODAY)
    assert soon.status == EXPIRING
    [last_day] = organisation_standing(["CSTF-IG"], [accept()], [cred], date(2026, 12, 29))
    assert last_day.met
    [gone] = organisation_standing(["CSTF-IG"], [accept()], [cred], date(2026, 12, 30))
    assert gone.status == MISSING and gone.match is None and gone.organisations == ()


def test_a_credential_nobody_accepts_meets_nothing():
    other = credential(target=("badge_class", 2))
    [row] = organisation_standing(["CSTF-IG"], [accept()], [other], TODAY)
    assert row.status == MISSING


def test_the_credential_that_counts_longest_wins():
    old = credential("award:1", issued=date(2026, 1, 10))
    renewed = credential("external:7", target=ELSEWHERE, issued=date(2026, 10, 1))
    accepted = [accept(), accept(target=ELSEWHERE)]
    [row] = organisation_standing(["CSTF-IG"], accepted, [old, renewed], TODAY)
    assert row.match.credential.ref == "external:7"
    assert row.match.valid_until == date(2027, 10, 1)


def test_one_that_never_runs_out_beats_any_that_does():
    lasting = credential("award:2", target=("badge_class", 2))
    accepted = [accept(), accept(target=("badge_class", 2), months=None)]
    [row] = organisation_standing(["CSTF-IG"], accepted, [credential(), lasting], TODAY)
    assert row.match.credential.ref == "award:2" and row.match.valid_until is None


def test_in_general_a_subject_is_met_anywhere_and_names_where_it_counts():
    # Organisation 1 takes it for 12 months, organisation 2 for 3: at 2 it no longer counts.
    accepted = [accept(organisation=1), accept(organisation=2, months=3)]
    [row] = general_standing(["CSTF-IG"], accepted, [credential()], TODAY)
    assert row.status == MET and row.organisations == (1,)
    assert row.match.valid_until == date(2027, 6, 1)
    [nothing] = general_standing(["CSTF-FIRE"], accepted, [credential()], TODAY)
    assert nothing.status == MISSING
