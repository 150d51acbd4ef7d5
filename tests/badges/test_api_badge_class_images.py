"""A badge class's image, sent through the API as multipart with the class's other fields,
is checked by its content exactly as on the badge class page: the same service, the same
refusals in the same words."""

import io
import json
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin
from rest_framework.test import APIClient

from badges.models import BadgeClass, Issuer
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

CLASSES = "/api/v1/badge-classes/"
NOT_PNG = "A badge image must be a PNG file; SVG and other formats are refused."
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<script>alert(1)</script><circle cx="32" cy="32" r="30"/></svg>'
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def png_bytes(size=(64, 64), **info) -> bytes:
    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 94, 184, 255)).save(out, "PNG", pnginfo=meta)
    return out.getvalue()


def upload(content, name="badge.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")


def new_class(**fields) -> dict:
    """A new badge class as a multipart form: the rule as JSON text, a field repeated for
    each value of a list."""
    return {
        "issuer": Issuer.objects.get().pk,
        "slug": "sepsis-six",
        "name": "Sepsis six",
        "description": "Knows the sepsis six.",
        "criteria": "Log six sepsis e-learning modules.",
        "rule": json.dumps({"type": "event_count", "min": 6, "kinds": ["elearning"]}),
        "tags": ["sepsis", "e-learning"],
        **fields,
    }


def test_an_admin_creates_a_badge_class_with_its_image(client, badge_classes, org_admin, fpcs):
    image = upload(png_bytes(Comment="secret", Author="me"))

    response = client_for(org_admin).post(
        CLASSES,
        new_class(image=image, alignments=[fpcs["FPC3"].pk, fpcs["FPC4"].pk]),
        format="multipart",
    )

    assert response.status_code == 201, response.content
    created = BadgeClass.objects.get(slug="sepsis-six")
    body = response.json()
    assert body["image_uploaded"] is True
    assert body["rule"] == {"type": "event_count", "min": 6, "kinds": ["elearning"]}
    assert (created.tags, created.is_active) == (["sepsis", "e-learning"], True)
    assert set(body["alignments"]) == {fpcs["FPC3"].pk, fpcs["FPC4"].pk}
    # Stored re-encoded, without its metadata, and served as the badge's image.
    with created.image.open("rb") as stored:
        kept = Image.open(io.BytesIO(stored.read()))
    assert kept.size == (64, 64)
    assert "Comment" not in kept.info and "Author" not in kept.info
    served = client.get(urlsplit(body["image_url"]).path)
    assert served["Content-Type"] == "image/png"


def test_without_an_image_waymark_draws_one(badge_classes, org_admin):
    response = client_for(org_admin).post(CLASSES, new_class(), format="multipart")

    assert response.status_code == 201, response.content
    assert response.json()["image_uploaded"] is False
    assert not BadgeClass.objects.get(slug="sepsis-six").image


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("badge.svg", SVG),
        ("badge.png", SVG),
        ("badge.png", b"\xff\xd8\xff\xe0" + b"\0" * 100),
    ],
)
def test_an_image_that_is_not_a_png_is_refused_in_the_pages_words(
    badge_classes, org_admin, name, content
):
    response = client_for(org_admin).post(
        CLASSES, new_class(image=upload(content, name)), format="multipart"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"image": [NOT_PNG]}
    assert not BadgeClass.objects.filter(slug="sepsis-six").exists()


def test_an_image_with_too_many_pixels_is_refused(badge_classes, org_admin):
    response = client_for(org_admin).post(
        CLASSES, new_class(image=upload(png_bytes(size=(1100, 1000)))), format="multipart"
    )

    error = assert_error(response, 400, "invalid")
    [problem] = error["fields"]["image"]
    assert "1,100 × 1,000 pixels, too many to be processed safely" in problem


def test_the_images_problems_come_with_the_other_fields(badge_classes, org_admin):
    response = client_for(org_admin).post(
        CLASSES,
        new_class(slug="peer-teacher", image=upload(SVG, "badge.svg")),
        format="multipart",
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "image": [NOT_PNG],
        "slug": ["Another badge class already uses this slug."],
    }


def test_an_admin_changes_a_badge_classs_image_and_nothing_else(badge_classes, org_admin):
    peer = BadgeClass.objects.get(slug="peer-teacher")
    rule = peer.rule

    response = client_for(org_admin).patch(
        f"{CLASSES}{peer.pk}/", {"image": upload(png_bytes())}, format="multipart"
    )

    assert response.status_code == 200, response.content
    peer.refresh_from_db()
    assert peer.image and peer.rule == rule and peer.name == "Peer teacher"
    assert response.json()["image_uploaded"] is True

    refused = client_for(org_admin).patch(
        f"{CLASSES}{peer.pk}/", {"image": upload(SVG, "badge.svg")}, format="multipart"
    )
    assert assert_error(refused, 400, "invalid")["fields"] == {"image": [NOT_PNG]}


def test_a_rule_in_a_multipart_body_is_json_text(badge_classes, org_admin):
    response = client_for(org_admin).post(CLASSES, new_class(rule="{not json"), format="multipart")

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"rule"}


def test_a_json_body_cannot_carry_an_image(badge_classes, org_admin):
    body = {**new_class(), "rule": None, "image": "iVBORw0KGgo="}

    response = client_for(org_admin).post(CLASSES, body, format="json")

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"image"}
