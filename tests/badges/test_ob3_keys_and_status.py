"""Issuer keys (encrypted at rest, published as Multikeys, rotated without breaking earlier
credentials), the signed Bitstring Status List, and baked Open Badges 3.0 images."""

import base64
import gzip
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from badges import checks
from badges.models import BadgeClass, IssuerKey, OpenBadgeCredential, StatusList
from badges.ob3 import baking, issuing, keys, proofs, status_list, verifying
from badges.services import awarding
from tests.badges.ob3_independent import published_documents, verify_independently

pytestmark = pytest.mark.django_db

VERIFIED = {"verified": True, "revoked": False, "error": None}


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )


def credential_of(client, award) -> dict:
    return client.get(f"/ob/v3/credentials/{award.uid}").json()


def documents_for(client, document):
    return published_documents(
        client,
        [document["issuer"]["id"], document["credentialStatus"]["statusListCredential"]],
    )


# --- Keys ------------------------------------------------------------------------------------


def test_the_private_key_is_stored_encrypted_with_the_environments_key(client, award, settings):
    credential_of(client, award)
    key = IssuerKey.objects.get(issuer=award.badge_class.issuer)
    private = keys.decrypt_private_key(key.encrypted_private_key)
    assert keys.public_key_multibase(keys.raw_public(private.public_key())) == (
        key.public_key_multibase
    )
    raw = keys.raw_public(private.public_key())
    assert raw.hex() not in key.encrypted_private_key
    # Without the encryption key the stored key is useless.
    settings.BADGE_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="does not decrypt"):
        keys.decrypt_private_key(key.encrypted_private_key)


def test_the_encryption_key_rotates_newest_first(client, award, settings):
    credential_of(client, award)
    key = IssuerKey.objects.get(issuer=award.badge_class.issuer)
    old = settings.BADGE_KEY_ENCRYPTION_KEYS[0]
    settings.BADGE_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    from django.core.management import call_command

    call_command("reencrypt_badge_keys", stdout=io.StringIO())
    key.refresh_from_db()
    settings.BADGE_KEY_ENCRYPTION_KEYS = settings.BADGE_KEY_ENCRYPTION_KEYS[:1]
    keys.decrypt_private_key(key.encrypted_private_key)


def test_deployment_check_reports_missing_encryption_keys(settings):
    settings.BADGE_KEY_ENCRYPTION_KEYS = []
    settings.DEVELOPMENT = False
    [error] = checks.badge_key_encryption_loads(None)
    assert error.id == "badges.E001" and "BADGE_KEY_ENCRYPTION_KEYS" in error.msg


def test_the_issuer_profile_publishes_its_key_as_a_multikey(client, award, settings):
    document = credential_of(client, award)
    profile = client.get(document["issuer"]["id"].removeprefix(settings.SITE_URL)).json()
    [method] = profile["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["controller"] == profile["id"] == document["issuer"]["id"]
    assert method["id"] == document["proof"]["verificationMethod"]
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert profile["assertionMethod"] == [method["id"]]


def test_after_rotation_new_credentials_use_the_new_key_and_earlier_ones_still_verify(
    client, award, enrolled_trainee, org_admin
):
    before = credential_of(client, award)
    issuer = award.badge_class.issuer
    new_key = issuing.rotate_issuer_key(issuer=issuer, actor=org_admin)
    later = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-regular"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )
    after = credential_of(client, later)
    assert after["proof"]["verificationMethod"].endswith("#" + new_key.public_key_multibase)
    assert before["proof"]["verificationMethod"] != after["proof"]["verificationMethod"]
    for document in (before, after):
        assert verify_independently(document, documents_for(client, document)) == VERIFIED
        assert verifying.verify(json.dumps(document)).verified
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    assert verify_independently(jwt, documents_for(client, before)) == VERIFIED
    profile = client.get(f"/ob/v3/issuers/{issuer.pk}").json()
    current, retired = profile["verificationMethod"]
    assert current["id"] == after["proof"]["verificationMethod"]
    assert current["description"] == "Signs new credentials."
    assert retired["id"] == before["proof"]["verificationMethod"]
    assert "no longer used for new credentials" in retired["description"]
    assert profile["assertionMethod"] == [current["id"], retired["id"]]


def test_only_the_issuers_admins_rotate_its_key(client, award, org_b_admin):
    credential_of(client, award)
    with pytest.raises(PermissionDenied):
        issuing.rotate_issuer_key(issuer=award.badge_class.issuer, actor=org_b_admin)
    assert IssuerKey.objects.filter(issuer=award.badge_class.issuer).count() == 1


# --- Status list -----------------------------------------------------------------------------


def test_the_status_list_is_a_signed_gzip_bitstring_served_with_caching_headers(client, award):
    document = credential_of(client, award)
    entry = document["credentialStatus"]
    response = client.get(entry["statusListCredential"].split("/", 3)[3].join(["/", ""]))
    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["Last-Modified"]
    listed = response.json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"] == document["issuer"]["id"]
    subject = listed["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed[:2] == b"\x1f\x8b"  # GZIP
    assert len(gzip.decompress(compressed)) * 8 >= 131_072
    assert listed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert verifying.verify(json.dumps(listed)).failed("Proof") is False


def test_revoking_through_the_api_flips_the_bit_within_the_request(client, award, org_admin):
    document = credential_of(client, award)
    index = int(document["credentialStatus"]["statusListIndex"])
    path = "/" + document["credentialStatus"]["statusListCredential"].split("/", 3)[3]

    def bit_published() -> bool:
        encoded = client.get(path).json()["credentialSubject"]["encodedList"]
        return status_list.bit(status_list.decode(encoded), index)

    assert bit_published() is False
    client.force_login(org_admin)
    response = client.post(
        f"/api/v1/awards/{award.pk}/revoke/",
        {"reason": "Awarded to the wrong trainee"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["revoked"] is True
    assert bit_published() is True
    place = StatusList.objects.get()
    assert sum(bin(byte).count("1") for byte in bytes(place.bits)) == 1


def test_a_list_half_full_gives_way_to_a_new_one_without_counting_its_holders(
    badge_classes, enrolled_trainee, org_admin
):
    """Each credential counts its place in the list's row; once half the list's places are
    taken, the next credential starts a new list. Choosing the place counts nothing: the
    cost is the same with ten holders or sixty thousand."""

    def award(slug):
        return awarding.award_badge(
            badge_class=BadgeClass.objects.get(slug=slug),
            recipient=enrolled_trainee,
            actor=org_admin,
        )

    first = issuing.credential_for(award("journal-club-host"))
    place = StatusList.objects.get()
    assert place.places_taken == 1
    StatusList.objects.filter(pk=place.pk).update(places_taken=status_list.FILL_LIMIT - 1)
    with CaptureQueriesContext(connection) as queries:
        second = issuing.credential_for(award("journal-club-regular"))
    assert second.status_list == first.status_list
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    place.refresh_from_db()
    assert place.places_taken == status_list.FILL_LIMIT

    third = issuing.credential_for(award("journal-club-contributor"))
    assert third.status_list != place and third.status_list.issuer == place.issuer
    third.status_list.refresh_from_db()
    assert third.status_list.places_taken == 1


def test_the_status_list_costs_a_fixed_number_of_queries(client, award, django_assert_num_queries):
    path = (
        "/"
        + credential_of(client, award)["credentialStatus"]["statusListCredential"].split("/", 3)[3]
    )
    with django_assert_num_queries(2):
        client.get(path)


def test_the_issuer_profile_costs_a_fixed_number_of_queries(
    client, award, django_assert_num_queries
):
    credential_of(client, award)
    issuing.rotate_issuer_key(issuer=award.badge_class.issuer)
    # The issuer with its trust records, the endorsements it holds, its keys.
    with django_assert_num_queries(3):
        client.get(f"/ob/v3/issuers/{award.badge_class.issuer_id}")


# --- Baked images ----------------------------------------------------------------------------


def test_the_baked_png_holds_the_credential_in_one_uncompressed_itxt_chunk(client, award):
    response = client.get(f"/badges/awards/{award.uid}/badge-ob3.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    chunks = []
    position = 8
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        chunks.append((png[position + 4 : position + 8], png[position + 8 : position + 8 + length]))
        position += 12 + length
    baked = [data for kind, data in chunks if kind == b"iTXt"]
    [chunk] = baked
    keyword, _, rest = chunk.partition(b"\0")
    assert keyword == b"openbadgecredential"
    assert rest[0] == 0  # compression flag: uncompressed
    assert json.loads(baking.unbake(png)) == credential_of(client, award)
    Image.open(io.BytesIO(png)).verify()


def test_the_baked_svg_holds_the_credential_and_both_images_verify(client, award):
    svg = client.get(f"/badges/awards/{award.uid}/badge-ob3.svg").content
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    assert b"<openbadges:credential><![CDATA[" in svg
    assert json.loads(baking.unbake(svg)) == credential_of(client, award)
    png = client.get(f"/badges/awards/{award.uid}/badge-ob3.png").content
    for image in (svg, png):
        assert verifying.verify(baking.unbake(image)).verified


def test_a_stored_credential_is_what_every_download_carries(client, award):
    stored = issuing.credential_for(award)
    assert credential_of(client, award) == stored.document
    assert proofs.verify_jwt(
        stored.jwt, keys.public_key_from_multibase(stored.key.public_key_multibase)
    )
    assert OpenBadgeCredential.objects.count() == 1
