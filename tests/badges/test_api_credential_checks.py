"""Anyone checks an Open Badges 3.0 credential through the API as on the "verify a credential"
page: given as JSON, as a VC-JWT or baked into an image, the answer is the same report, step by
step, and nothing is stored."""

import io
import json
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin
from rest_framework.test import APIClient

from audit.models import AuditEntry
from badges.models import BadgeClass
from badges.ob3 import baking
from badges.services import awarding
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache
make_token = api_fixtures.make_token

CHECKS = "/api/v1/credential-checks/"


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )


def check(body, format="json", client=None):
    return (client or APIClient()).post(CHECKS, body, format=format)


def outcomes(report) -> list[tuple[str, str]]:
    return [(step["name"], step["outcome"]) for step in report["steps"]]


def test_anyone_checks_a_credential_given_as_json(client, award):
    document = client.get(f"/ob/v3/credentials/{award.uid}").json()

    response = check({"credential": document, "email": "trainee@example.org"})

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["verified"] is True
    assert report["form"] == "JSON-LD with an embedded proof"
    assert outcomes(report) == [
        ("Proof", "passed"),
        ("Issuer", "passed"),
        ("Status", "passed"),
        ("Validity", "passed"),
        ("Recipient", "passed"),
    ]
    assert report["credential"] == document


def test_a_jwt_with_the_wrong_email_fails_the_recipient_check(client, award):
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()

    report = check({"credential": jwt, "email": "someone.else@example.org"}).json()

    assert report["verified"] is False and report["form"] == "VC-JWT"
    assert outcomes(report)[-1] == ("Recipient", "failed")
    assert report["steps"][-1]["detail"] == "It was not issued to that email address."
    assert report["credential"]["id"].endswith(f"/ob/v3/credentials/{award.uid}")


def test_json_written_out_as_text_is_read_as_the_page_reads_it(client, award):
    text = client.get(f"/ob/v3/credentials/{award.uid}").content.decode()
    assert check({"credential": text}).json()["verified"] is True


def test_a_tampered_credential_does_not_verify_and_is_not_echoed(client, award):
    document = client.get(f"/ob/v3/credentials/{award.uid}").json()
    document["credentialSubject"]["achievement"]["name"] = "Something grander"

    response = check({"credential": document})

    assert response.status_code == 200
    report = response.json()
    assert report["verified"] is False
    assert outcomes(report) == [("Proof", "failed")]
    assert report["credential"] is None


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_a_baked_image_of_a_revoked_badge_fails_as_revoked(client, award, org_admin, kind):
    baked = client.get(f"/badges/awards/{award.uid}/badge-ob3.{kind}").content
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded in error")

    response = check(
        {"image": SimpleUploadedFile(f"badge.{kind}", baked), "email": ""}, format="multipart"
    )

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["verified"] is False
    assert ("Status", "failed") in outcomes(report)


def test_a_credential_baked_compressed_is_read_too(client, award):
    document = client.get(f"/ob/v3/credentials/{award.uid}").json()
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_itxt(baking.PNG_KEYWORD, json.dumps(document), zip=True)
    Image.new("RGB", (8, 8), "navy").save(out, "PNG", pnginfo=info)

    response = check({"image": SimpleUploadedFile("badge.png", out.getvalue())}, "multipart")

    assert response.json()["verified"] is True


def test_a_baked_image_is_read_without_decoding_its_pixels(monkeypatch):
    # A tiny file that would decode to a gigapixel image: the text is found all the same.
    header = (40000).to_bytes(4, "big") * 2 + bytes([8, 6, 0, 0, 0])
    text = b"openbadgecredential\0\0\0\0\0not a credential"
    chunks = b"".join(
        len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        for kind, data in ((b"IHDR", header), (b"iTXt", text), (b"IEND", b""))
    )
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("pixels were decoded"))

    report = check(
        {"image": SimpleUploadedFile("b.png", baking.PNG_SIGNATURE + chunks)}, "multipart"
    ).json()

    assert outcomes(report) == [("Reading", "failed")]


def test_what_cannot_be_checked_is_refused_field_by_field(client):
    error = assert_error(check({}), 400, "invalid")
    assert error["fields"] == {
        "credential": ["Give a credential, as JSON or a JWT, or a baked badge image."]
    }
    plain = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(plain, "PNG")
    response = check({"image": SimpleUploadedFile("b.png", plain.getvalue())}, "multipart")
    assert assert_error(response, 400, "invalid")["fields"] == {
        "image": ["This PNG has no Open Badges 3.0 credential baked into it."]
    }
    error = assert_error(check({"credential": 42}), 400, "invalid")
    assert set(error["fields"]) == {"credential"}
    error = assert_error(check({"credential": "x", "email": "nobody"}), 400, "invalid")
    assert set(error["fields"]) == {"email"}


@pytest.mark.parametrize(
    "text",
    ['{"proof": NaN}', "[" * 100_000, "not a credential", "{" + '"a":{' * 5000],
)
def test_text_that_is_no_credential_fails_its_reading(text):
    response = check({"credential": text})

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["verified"] is False and report["credential"] is None
    assert [step["name"] for step in report["steps"]] in (["Reading"], ["Proof"])


def test_checking_changes_nothing_and_costs_a_fixed_number_of_queries(
    client, award, django_assert_num_queries
):
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    audited = AuditEntry.objects.count()
    # As on the page: the key, the issuer's domain verification and recognised-body mark (one
    # join), the status list.
    with django_assert_num_queries(3):
        assert check({"credential": jwt}).json()["verified"] is True
    assert AuditEntry.objects.count() == audited


def test_a_signed_in_caller_checks_too_and_a_bad_token_is_refused(
    client, award, trainee, make_token
):
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    _, secret = make_token(trainee)
    assert check({"credential": jwt}, client=token_client(secret)).json()["verified"] is True
    assert_error(check({"credential": jwt}, client=token_client("wm_not-a-token")), 401)
