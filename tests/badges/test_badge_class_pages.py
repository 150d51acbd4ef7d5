"""The organisation admin's issuer profile and badge classes: the rule editor, alignments,
tags and badge images."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile, PngImagePlugin

from audit.models import AuditEntry
from badges import rules
from badges.models import BadgeClass, Issuer
from tests.helpers import assert_inline_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


def png_bytes(**info) -> bytes:
    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 94, 184, 255)).save(out, "PNG", pnginfo=meta)
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b"<script>alert(1)</script><circle cx="
    b'"32" cy="32" r="30"/></svg>'
)


# --- Issuer profile ------------------------------------------------------------------------------


def test_an_organisation_sets_up_its_issuer_before_its_first_badge(client, org_a, org_admin):
    client.force_login(org_admin)
    response = client.get(reverse("badges:org_badge_class_create", args=[org_a.slug]))
    assert response.status_code == 302
    assert response.url == reverse("badges:org_issuer_edit", args=[org_a.slug])

    response = client.post(
        reverse("badges:org_issuer_edit", args=[org_a.slug]),
        {
            "name": "St Elsewhere education",
            "url": "st-elsewhere.example",
            "email": "education@st-elsewhere.example",
            "description": "Postgraduate education.",
        },
    )
    assert response.status_code == 302
    issuer = Issuer.objects.get(organisation=org_a)
    assert (issuer.name, issuer.url) == ("St Elsewhere education", "https://st-elsewhere.example")

    client.post(
        reverse("badges:org_issuer_edit", args=[org_a.slug]),
        {"name": "Renamed", "url": issuer.url, "email": issuer.email},
    )
    issuer.refresh_from_db()
    assert issuer.name == "Renamed"
    assert Issuer.objects.count() == 1
    assert list(
        AuditEntry.objects.filter(object_type="issuer").values_list("action", flat=True)
    ) == ["issuer_create", "issuer_update"]


# --- Badge classes and the rule editor -----------------------------------------------------------


def badge_class_form(**fields):
    data = {
        "name": "Sepsis six",
        "slug": "sepsis-six",
        "description": "Knows the sepsis six.",
        "criteria": "Log six sepsis e-learning modules.",
        "rule": "",
        "tags": "",
        "valid_for_months": "",
        "is_active": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def create_url(org):
    return reverse("badges:org_badge_class_create", args=[org.slug])


def test_an_admin_creates_a_badge_class_with_a_rule_alignments_and_tags(
    client, org_a, org_admin, badge_classes, fpcs
):
    client.force_login(org_admin)
    rule = {"type": "event_count", "min": 6, "kinds": ["elearning"], "tags": ["sepsis"]}
    response = client.post(
        create_url(org_a),
        badge_class_form(
            rule=json.dumps(rule),
            alignments=[fpcs["FPC3"].pk, fpcs["FPC12"].pk],
            tags="sepsis, e-learning, , sepsis",
            valid_for_months="24",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    created = BadgeClass.objects.get(slug="sepsis-six")
    assert created.issuer.organisation == org_a
    assert created.rule == rule
    assert created.tags == ["sepsis", "e-learning"]
    assert created.valid_for_months == 24
    assert {i.code for i in created.alignments.all()} == {"FPC3", "FPC12"}
    assert AuditEntry.objects.filter(action="badge_class_create", object_id=created.pk).exists()
    assert (
        "Sepsis six"
        in client.get(reverse("badges:org_badge_classes", args=[org_a.slug])).content.decode()
    )


def test_invalid_json_is_shown_with_its_line_and_column(client, org_a, org_admin, badge_classes):
    client.force_login(org_admin)
    response = client.post(
        create_url(org_a), badge_class_form(rule='{\n  "type": "event_count"\n  "min": 5\n}')
    )
    assert response.status_code == 200
    assert_inline_error(
        response, "rule", "The rule is not valid JSON: expecting ',' delimiter at line 3, column 3."
    )
    assert not BadgeClass.objects.filter(slug="sepsis-six").exists()


def test_each_problem_with_a_rule_is_shown_in_words_next_to_it(
    client, org_a, org_admin, badge_classes
):
    rule = {"type": "event_count", "kinds": "social_media", "colour": "red"}
    with pytest.raises(rules.RuleError) as raised:
        rules.validate(rule)
    assert len(raised.value.problems) >= 2
    client.force_login(org_admin)
    response = client.post(create_url(org_a), badge_class_form(rule=json.dumps(rule)))
    assert response.status_code == 200
    for problem in raised.value.problems:
        assert_inline_error(response, "rule", problem)
    assert_inline_error(response, "rule", "the rule: 'min' is missing.")


def test_a_rule_naming_things_that_do_not_exist_is_refused_in_words(
    client, org_a, org_admin, badge_classes
):
    rule = {
        "type": "all",
        "rules": [
            {"type": "badges", "all": ["no-such-badge"]},
            {"type": "event_count", "min": 1, "kinds": ["socialmedia"]},
            {"type": "coverage", "item": "uk-foundation/2021/FPC99", "min_signed_off": 1},
            {"type": "attendance", "programme": "no-such-programme", "min_percent": 80},
        ],
    }
    client.force_login(org_admin)
    response = client.post(create_url(org_a), badge_class_form(rule=json.dumps(rule)))
    assert response.status_code == 200
    for words in [
        "the rule asks for badge 'no-such-badge', but no badge class has it.",
        "the rule counts entries of kind 'socialmedia', which is not a kind of entry",
        "the rule refers to curriculum item 'uk-foundation/2021/FPC99', which does not exist.",
        "the rule refers to teaching programme 'no-such-programme', which "
        "St Elsewhere NHS Foundation Trust does not run.",
    ]:
        assert_inline_error(response, "rule", words)


def test_badges_cannot_come_to_require_each_other(client, org_a, org_admin, badge_classes):
    regular = badge("journal-club-regular")
    client.force_login(org_admin)
    # The host badge already requires the regular badge; now the regular would require the host.
    response = client.post(
        reverse("badges:org_badge_class_edit", args=[org_a.slug, regular.pk]),
        badge_class_form(
            name=regular.name,
            slug=regular.slug,
            rule=json.dumps({"type": "badges", "all": ["journal-club-host"]}),
        ),
    )
    assert response.status_code == 200
    assert_inline_error(response, "rule", "badges depend on each other in a circle")
    regular.refresh_from_db()
    assert regular.rule == {
        "type": "event_count",
        "min": 5,
        "kinds": ["social_media"],
        "signed_off_only": True,
    }


def test_a_slug_other_rules_name_cannot_change(client, org_a, org_admin, badge_classes):
    regular = badge("journal-club-regular")
    client.force_login(org_admin)
    response = client.post(
        reverse("badges:org_badge_class_edit", args=[org_a.slug, regular.pk]),
        badge_class_form(name=regular.name, slug="jc-regular", rule=json.dumps(regular.rule)),
    )
    assert_inline_error(
        response, "slug", "The rules of journal-club-host refer to 'journal-club-regular'"
    )


def test_a_slug_in_use_is_refused(client, org_a, org_admin, badge_classes):
    client.force_login(org_admin)
    response = client.post(create_url(org_a), badge_class_form(slug="peer-teacher"))
    assert_inline_error(response, "slug", "Another badge class already uses this slug.")


def test_editing_keeps_what_is_not_changed_and_shows_the_rule_as_json(
    client, org_a, org_admin, badge_classes
):
    host = badge("journal-club-host")
    url = reverse("badges:org_badge_class_edit", args=[org_a.slug, host.pk])
    client.force_login(org_admin)
    html = client.get(url).content.decode()
    assert "&quot;journal-club-regular&quot;" in html
    alignments = [i.pk for i in host.alignments.all()]
    response = client.post(
        url,
        badge_class_form(
            name="Journal club host",
            slug=host.slug,
            description="Hosts journal clubs.",
            criteria=host.criteria,
            rule=json.dumps(host.rule),
            alignments=alignments,
            tags="foundation",
        ),
    )
    assert response.status_code == 302
    host.refresh_from_db()
    assert host.description == "Hosts journal clubs."
    assert host.tags == ["foundation"]
    assert sorted(i.pk for i in host.alignments.all()) == sorted(alignments)


# --- Badge images --------------------------------------------------------------------------------


def test_a_png_image_is_re_encoded_without_its_metadata(client, org_a, org_admin, badge_classes):
    upload = SimpleUploadedFile(
        "sepsis.png", png_bytes(Comment="secret", Author="me"), content_type="image/png"
    )
    client.force_login(org_admin)
    response = client.post(create_url(org_a), {**badge_class_form(), "image": upload})
    assert response.status_code == 302
    created = BadgeClass.objects.get(slug="sepsis-six")
    with created.image.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(content))
    assert image.size == (64, 64)
    assert "Comment" not in image.info and "Author" not in image.info


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("badge.svg", SVG, "image/svg+xml"),
        ("badge.png", SVG, "image/png"),
        ("badge.png", b"\xff\xd8\xff\xe0" + b"\0" * 100, "image/png"),
    ],
    ids=["svg", "svg-named-png", "jpeg-named-png"],
)
def test_anything_but_a_png_is_refused(
    client, org_a, org_admin, badge_classes, name, content, content_type
):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    client.force_login(org_admin)
    response = client.post(create_url(org_a), {**badge_class_form(), "image": upload})
    assert response.status_code == 200
    assert_inline_error(
        response, "image", "A badge image must be a PNG file; SVG and other formats are refused."
    )
    assert not BadgeClass.objects.filter(slug="sepsis-six").exists()


def test_a_damaged_png_is_refused(client, org_a, org_admin, badge_classes):
    broken = png_bytes()[:60]
    upload = SimpleUploadedFile("badge.png", broken, content_type="image/png")
    client.force_login(org_admin)
    response = client.post(create_url(org_a), {**badge_class_form(), "image": upload})
    assert_inline_error(response, "image", "could not be read as an image")


def test_a_badge_image_with_more_pixels_than_a_badge_needs_is_refused_before_decoding(
    client, org_a, org_admin, badge_classes, monkeypatch
):
    # Badge images are decoded in the web request, so they are held to about a megapixel:
    # this PNG is a few kilobytes, and would be 4.4 MB of pixels once decoded.
    big = io.BytesIO()
    Image.new("RGBA", (1100, 1000), (0, 94, 184, 255)).save(big, "PNG")
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda image: decoded.append(image.size) or load(image)
    )
    client.force_login(org_admin)

    response = client.post(
        create_url(org_a),
        {**badge_class_form(), "image": SimpleUploadedFile("badge.png", big.getvalue())},
    )

    assert_inline_error(
        response, "image", "“badge.png” is 1,100 × 1,000 pixels, too many to be processed safely"
    )
    assert decoded == []
    assert not BadgeClass.objects.filter(slug="sepsis-six").exists()


def test_an_issuer_logo_must_be_a_png_and_appears_in_the_issuer_document(
    client, badge_classes, org_a, org_admin
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(buffer, format="PNG")
    client.force_login(org_admin)
    url = reverse("badges:org_issuer_edit", args=[org_a.slug])
    fields = {
        "name": "St Elsewhere",
        "url": "https://st-elsewhere.example/",
        "email": "edu@st-elsewhere.example",
    }
    svg = SimpleUploadedFile(
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    refused = client.post(url, {**fields, "image": svg})
    assert refused.status_code == 200 and "must be a PNG" in refused.content.decode()
    response = client.post(
        url, {**fields, "image": SimpleUploadedFile("logo.png", buffer.getvalue())}
    )
    assert response.status_code == 302
    document = client.get(f"/ob/v2/issuers/{org_a.issuer.pk}").json()
    from urllib.parse import urlsplit

    logo = client.get(urlsplit(document["image"]).path)
    assert logo["Content-Type"] == "image/png"
