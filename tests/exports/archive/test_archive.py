"""The portable archive: what it holds, that portfolio.json follows the published schema,
and that the same portfolio always gives the same archive."""

import hashlib
import io
import json

import jsonschema
import pytest
from django.test import override_settings

from audit.chain import verify_record
from badges.images import baked_url
from badges.models import Award
from badges.ob3 import verifying as ob3_verifying
from exports.archive import write_archive
from exports.importer_checks import schema
from tests.exports.archive.conftest import archive_of, portfolio_json, read_zip

pytestmark = pytest.mark.django_db


def test_portfolio_json_follows_the_published_schema(portfolio):
    document = portfolio_json(archive_of(portfolio))

    jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    assert document["format"] == "waymark-portfolio/1"


def test_the_archive_holds_every_file_with_its_hash_in_the_manifest(portfolio):
    files = read_zip(archive_of(portfolio))
    manifest = json.loads(files.pop("manifest.json"))

    assert manifest["files"] == {
        name: hashlib.sha256(content).hexdigest() for name, content in files.items()
    }
    document = json.loads(files["portfolio.json"])
    evidence = [e for entry in document["entries"] for e in entry["evidence"] if e["file"]]
    assert sorted(e["original_name"] for e in evidence) == ["drain.png", "notes.pdf"]
    for listed in evidence:
        assert hashlib.sha256(files[listed["file"]]).hexdigest() == listed["sha256"]


def test_entries_carry_reflections_tags_and_mappings_by_framework_slug_version_and_code(
    portfolio, fpcs
):
    document = portfolio_json(archive_of(portfolio))
    entry = next(e for e in document["entries"] if e["title"] == "Sepsis teaching")

    codes = sorted(fpcs)
    assert entry["mappings"] == [
        {"framework": "uk-foundation", "version": "2021", "item": code} for code in codes[:2]
    ]
    assert entry["tags"] == ["sepsis", "teaching"]
    assert entry["reflection"]["learned"] == "Lactate early."
    assert entry["reflection"]["shared"] is True
    assert document["trainee"] == {
        "name": "Dr Asha Patel", "email": "trainee@example.org", "gmc_number": "7123456"
    }  # fmt: skip


def test_sign_off_requests_carry_supervisor_date_hash_comment_and_issuing_site(portfolio, settings):
    document = portfolio_json(archive_of(portfolio))
    by_title = {e["title"]: e for e in document["entries"]}

    [signed] = by_title["Sepsis teaching"]["sign_off_requests"]
    assert signed["site"] == settings.SITE_URL
    assert signed["supervisor"] == {"name": "Dr Ben Okafor", "gmc_number": "7654321"}
    assert signed["outcome"] == "approved"
    assert signed["sign_off"]["comment"] == "Well reflected."
    assert len(signed["sign_off"]["content_hash"]) == 64
    assert signed["sign_off"]["withdrawn"] is None
    [returned] = by_title["Chest drain"]["sign_off_requests"]
    assert (returned["outcome"], returned["comment"]) == ("returned", "Add the indication.")
    assert returned["sign_off"] is None
    [withdrawn] = by_title["Ward round"]["sign_off_requests"]
    assert withdrawn["sign_off"]["withdrawn"]["reason"] == "Signed too soon."


def test_every_award_travels_as_its_assertion_and_baked_image(portfolio):
    files = read_zip(archive_of(portfolio))
    [badge] = json.loads(files["portfolio.json"])["badges"]

    assertion = json.loads(files[badge["assertion"]])
    assert assertion["type"] == "Assertion"
    assert assertion["id"].endswith(badge["uid"])
    assert baked_url(files[badge["image"]]) == assertion["id"]


def test_every_award_travels_as_its_open_badges_3_credential_in_both_forms(portfolio):
    files = read_zip(archive_of(portfolio))
    [badge] = json.loads(files["portfolio.json"])["badges"]

    for path in (badge["credential"], badge["credential_jwt"]):
        report = ob3_verifying.verify(files[path].decode(), email=portfolio.email)
        assert report.verified, report.steps
    credential = json.loads(files[badge["credential"]])
    assert "OpenBadgeCredential" in credential["type"]
    assert credential == Award.objects.get(uid=badge["uid"]).credential.document


def test_the_trainees_audit_chain_and_the_latest_checkpoint_travel_and_verify(portfolio):
    files = read_zip(archive_of(portfolio))

    chain = json.loads(files["audit/chain.json"])
    assert chain["chain"] == f"user:{portfolio.pk}"
    assert chain["entries"]
    assert verify_record(chain) is None
    checkpoint = json.loads(files["audit/checkpoint.json"])
    assert checkpoint == chain["checkpoint"]


def test_zip_entries_come_in_a_fixed_order(portfolio):
    names = list(read_zip(archive_of(portfolio)))

    assert names[0] == "portfolio.json"
    assert names[-3:] == ["audit/checkpoint.json", "audit/chain.json", "manifest.json"]
    assert names[1:-3] == sorted(names[1:-3])


def test_the_same_portfolio_gives_the_same_archive_apart_from_the_export_time(portfolio):
    first, second = archive_of(portfolio), archive_of(portfolio)

    one, two = portfolio_json(first), portfolio_json(second)
    one.pop("exported_at"), two.pop("exported_at")
    assert one == two
    assert {
        n: c for n, c in read_zip(first).items() if n not in ("portfolio.json", "manifest.json")
    } == {n: c for n, c in read_zip(second).items() if n not in ("portfolio.json", "manifest.json")}


def test_the_schema_is_published_at_a_stable_address(client, settings):
    response = client.get("/schemas/waymark-portfolio-1.json")

    assert response.status_code == 200
    published = response.json()
    assert published["$id"] == settings.SITE_URL + "/schemas/waymark-portfolio-1.json"
    assert {k: v for k, v in published.items() if k != "$id"} == schema()


@override_settings(SITE_URL="https://waymark.example")
def test_local_sign_offs_name_this_site(portfolio):
    document = portfolio_json(archive_of(portfolio))

    assert document["instance"]["url"] == "https://waymark.example"
    assert {r["site"] for e in document["entries"] for r in e["sign_off_requests"]} == {
        "https://waymark.example"
    }


def test_progress_is_reported_in_percent_and_words_from_start_to_finish(portfolio):
    seen = []

    write_archive(trainee=portfolio, out=io.BytesIO(), progress=lambda p, d: seen.append((p, d)))

    assert seen[0] == (0, "Reading the portfolio")
    assert seen[-1] == (100, "Archive ready")
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    assert {"Adding evidence files", "Adding badges", "Adding the audit record"} <= {
        d for _, d in seen
    }
