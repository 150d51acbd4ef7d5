"""The content a sign-off vouches for is spelled the same for ever, version by version: every
stored sign-off's hash was computed from one version's spelling, and verify_audit recomputes
it with that version."""

import datetime
from decimal import Decimal

import pytest

from core.hashing import sha256
from portfolio import services
from portfolio.content import CURRENT_VERSION, canonical_content, content_hash
from portfolio.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def ascitic_tap(log, fpcs):
    return log(
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


REFLECTION = sha256('["","Mark the site with the patient lying as they will be.",""]')


def test_version_1_of_the_canonical_content_is_spelled_exactly_so(ascitic_tap):
    entry = ascitic_tap
    spelled = (
        '{"cpd_credits":"0.75","date":"2026-11-02","description":"Ultrasound-marked site.",'
        f'"duration_minutes":50,"evidence":[],"id":{entry.pk},'
        '"items":["uk-foundation/2021/FPC1","uk-foundation/2021/FPC2"],'
        '"kind":"procedure","location":"Ward 7","provider":"Gastroenterology",'
        f'"reflection_sha256":"{REFLECTION}","tags":["gastro","procedures"],"time":"14:30:00",'
        f'"title":"Ascitic tap — supervised","trainee":{entry.trainee_id}}}'
    )
    assert canonical_content(entry, version=1)["cpd_credits"] == "0.75"
    assert content_hash(entry, version=1) == sha256(spelled)


def test_version_2_of_the_canonical_content_is_spelled_exactly_so(ascitic_tap):
    entry = ascitic_tap
    Evidence.objects.create(
        entry=entry,
        kind="file",
        file="evidence/0f.png",
        title="Site marked",
        original_name="site.png",
        sha256="ab" * 32,
    )
    services.add_link_evidence(
        entry=entry, actor=entry.trainee, url="https://example.org/guideline", title="BSG"
    )
    entry.reflection_shared = True
    entry.save()
    spelled = (
        '{"cpd_credits":"0.75","date":"2026-11-02","description":"Ultrasound-marked site.",'
        '"duration_minutes":50,"evidence":['
        f'{{"kind":"file","name":"site.png","sha256":"{"ab" * 32}","title":"Site marked"}},'
        '{"kind":"link","title":"BSG","url":"https://example.org/guideline"}],'
        f'"hash_version":2,"id":{entry.pk},'
        '"items":["uk-foundation/2021/FPC1","uk-foundation/2021/FPC2"],'
        '"kind":"procedure","location":"Ward 7","provider":"Gastroenterology",'
        f'"reflection_sha256":"{REFLECTION}","reflection_shared":true,'
        '"tags":["gastro","procedures"],"time":"14:30:00",'
        f'"title":"Ascitic tap — supervised","trainee":{entry.trainee_id}}}'
    )
    assert CURRENT_VERSION == 2
    assert content_hash(entry) == content_hash(entry, version=2) == sha256(spelled)


@pytest.mark.parametrize(
    "change",
    [
        {"reflection_shared": True},
        {"evidence_title": "Another title"},
        {"evidence_name": "other.png"},
    ],
    ids=["reflection shared", "evidence title", "evidence file name"],
)
def test_version_2_covers_what_version_1_left_out(log, change):
    entry = log(reflection_learned="Ask early.")
    evidence = Evidence.objects.create(
        entry=entry, kind="file", file="evidence/0f.png", original_name="a.png", sha256="cd" * 32
    )
    before = {version: content_hash(entry, version=version) for version in (1, 2)}

    if "reflection_shared" in change:
        entry.reflection_shared = True
        entry.save()
    else:
        evidence.title = change.get("evidence_title", evidence.title)
        evidence.original_name = change.get("evidence_name", evidence.original_name)
        evidence.save()

    assert content_hash(entry, version=1) == before[1]
    assert content_hash(entry, version=2) != before[2]


def test_an_unknown_version_is_refused(log):
    with pytest.raises(ValueError, match="No content hash version 3"):
        content_hash(log(), version=3)


@pytest.mark.parametrize("version", [1, 2])
def test_whole_credits_and_no_credits_are_spelled_without_decimals(log, version):
    def credits(value):
        return canonical_content(log(cpd_credits=Decimal(value)), version=version)["cpd_credits"]

    assert credits("2.00") == "2"
    assert credits("0") == "0"
    # Decimal's normal form, odd as it reads: the hashes already stored were made with it.
    assert credits("10.00") == "1E+1"
