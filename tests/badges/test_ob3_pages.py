"""The Open Badges 3.0 parts of the pages: the badge's verification page shows both forms,
and anyone can verify a pasted or uploaded credential, step by step, in words."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import BadgeClass
from badges.services import awarding

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )


def steps(response) -> list[str]:
    return [
        " ".join(step.split())
        for step in response.content.decode().split('<li class="verify-step')[1:]
    ]


def test_the_verification_page_shows_the_credential_in_both_forms(client, award):
    page = client.get(f"/badges/awards/{award.uid}/").content.decode()
    stored = award.credential
    assert f'/ob/v3/credentials/{award.uid}">JSON-LD with an embedded proof' in page
    assert f"/ob/v3/credentials/{award.uid}.jwt" in page
    assert f"/badges/awards/{award.uid}/badge-ob3.png" in page
    assert stored.jwt in page
    assert "&quot;OpenBadgeCredential&quot;" in page


def test_a_pasted_json_credential_is_verified_step_by_step(client, award):
    document = client.get(f"/ob/v3/credentials/{award.uid}").json()
    response = client.post(
        "/badges/verify/", {"credential": json.dumps(document), "email": "trainee@example.org"}
    )
    assert response.status_code == 200
    assert '<h2 id="result-heading">Verified</h2>' in response.content.decode()
    found = steps(response)
    assert [step.split(":")[0].split(">")[-1] for step in found] == [
        "Proof",
        "Issuer",
        "Status",
        "Validity",
        "Recipient",
    ]
    assert all("passed" in step for step in found)


def test_a_pasted_jwt_with_the_wrong_email_fails_the_recipient_check(client, award):
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    response = client.post("/badges/verify/", {"credential": jwt, "email": "x@example.org"})
    page = response.content.decode()
    assert "Not verified" in page
    assert "Recipient: failed.</strong> It was not issued to that email address." in page


def test_an_uploaded_baked_png_of_a_revoked_badge_fails_as_revoked(client, award, org_admin):
    png = client.get(f"/badges/awards/{award.uid}/badge-ob3.png").content
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded in error")
    upload = SimpleUploadedFile("badge.png", png, content_type="image/png")
    page = client.post("/badges/verify/", {"image": upload}).content.decode()
    assert "Status: failed.</strong> The issuer has revoked this credential." in page


def test_the_form_says_what_is_missing_or_wrong(client):
    page = client.post("/badges/verify/", {}).content.decode()
    assert "Give a credential, as JSON or a JWT, or a baked badge image." in page
    upload = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    page = client.post("/badges/verify/", {"image": upload}).content.decode()
    assert "This SVG has no Open Badges 3.0 credential baked into it." in page
    page = client.post("/badges/verify/", {"credential": "not a credential"}).content.decode()
    assert "Reading: failed.</strong> Paste a credential as JSON, or as a JWT" in page


def test_a_key_its_issuer_does_not_answer_for_fails_the_proof(client, award, monkeypatch):
    from badges.ob3 import remote

    def not_found(url):
        raise remote.FetchRefused(f"{url} answered 404.")

    monkeypatch.setattr(remote, "fetch_json", not_found)
    document = client.get(f"/ob/v3/credentials/{award.uid}").json()
    document["proof"]["verificationMethod"] = "https://issuer.example/profile#key-1"
    page = client.post("/badges/verify/", {"credential": json.dumps(document)}).content.decode()
    assert "Proof: failed.</strong> https://issuer.example/profile answered 404." in page


def test_the_verify_page_costs_a_fixed_number_of_queries(client, award, django_assert_num_queries):
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    # The key, the issuer's domain verification and recognised-body mark (one join), the
    # status list; sessions and CSRF cost none for a signed-out visitor.
    with django_assert_num_queries(3):
        client.post("/badges/verify/", {"credential": jwt})


def test_the_verification_page_costs_a_fixed_number_of_queries(
    client, award, django_assert_num_queries
):
    client.get(f"/badges/awards/{award.uid}/")  # the first request signs the credential
    # The award with its badge class and issuer, the alignments, the stored credential, the
    # endorsements of the badge and its issuer.
    with django_assert_num_queries(4):
        client.get(f"/badges/awards/{award.uid}/")
