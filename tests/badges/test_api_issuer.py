"""An organisation's admins read and set its Open Badges issuer profile through the API as on
the issuer page: the same service, the logo checked by its content, the same audit entries."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin
from rest_framework.test import APIClient

from audit.models import AuditEntry
from badges.models import Issuer
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

PROFILE = {
    "name": "St Elsewhere postgraduate education",
    "url": "https://education.st-elsewhere.example/",
    "email": "education@st-elsewhere.example",
    "description": "Badges for foundation doctors.",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def issuer_url(organisation) -> str:
    return f"/api/v1/organisations/{organisation.slug}/issuer/"


def png(**info) -> bytes:
    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(out, "PNG", pnginfo=meta)
    return out.getvalue()


def test_an_admin_sets_up_the_issuer_profile_and_changes_it(client, org_a, org_admin):
    assert_error(client_for(org_admin).get(issuer_url(org_a)), 404, "not_found")

    response = client_for(org_admin).put(issuer_url(org_a), PROFILE, format="json")

    assert response.status_code == 200, response.content
    issuer = Issuer.objects.get(organisation=org_a)
    body = response.json()
    assert body["id"] == issuer.pk and body["organisation"] == org_a.slug
    assert {k: body[k] for k in PROFILE} == PROFILE
    assert body["image_url"] is None
    assert body["profile_url"].endswith(f"/ob/v2/issuers/{issuer.pk}")
    assert body["ob3_profile_url"].endswith(f"/ob/v3/issuers/{issuer.pk}")
    assert AuditEntry.objects.filter(action="issuer_create", object_id=issuer.pk).exists()

    changed = {**PROFILE, "name": "St Elsewhere education"}
    del changed["description"]  # PUT replaces: left out, it is emptied
    response = client_for(org_admin).put(issuer_url(org_a), changed, format="json")

    assert response.status_code == 200, response.content
    issuer.refresh_from_db()
    assert (issuer.name, issuer.description) == ("St Elsewhere education", "")
    assert AuditEntry.objects.filter(action="issuer_update", object_id=issuer.pk).exists()
    assert client_for(org_admin).get(issuer_url(org_a)).json()["name"] == "St Elsewhere education"
    # The page and the public issuer document say the same.
    client.force_login(org_admin)
    page = client.get(reverse("badges:org_issuer_edit", args=[org_a.slug])).content.decode()
    assert "St Elsewhere education" in page
    assert client.get(f"/ob/v2/issuers/{issuer.pk}").json()["name"] == "St Elsewhere education"


def test_a_logo_is_a_png_re_encoded_without_its_metadata(client, org_a, org_admin):
    upload = SimpleUploadedFile("logo.png", png(Comment="secret"), content_type="image/png")

    response = client_for(org_admin).put(
        issuer_url(org_a), {**PROFILE, "image": upload}, format="multipart"
    )

    assert response.status_code == 200, response.content
    logo = client.get(urlsplit(response.json()["image_url"]).path)
    assert logo["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(logo.content))
    assert image.size == (64, 64) and "Comment" not in image.info
    # A change without a logo keeps the one stored.
    client_for(org_admin).put(issuer_url(org_a), PROFILE, format="json")
    assert Issuer.objects.get(organisation=org_a).image


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b"\xff\xd8\xff\xe0" + b"\0" * 100),
    ],
)
def test_a_logo_that_is_not_a_png_is_refused_as_on_the_page(org_a, org_admin, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")

    response = client_for(org_admin).put(
        issuer_url(org_a), {**PROFILE, "image": upload}, format="multipart"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "image": ["A badge image must be a PNG file; SVG and other formats are refused."]
    }
    assert not Issuer.objects.exists()


def test_the_profiles_fields_are_checked_field_by_field(org_a, org_admin):
    bad = {"name": "", "url": "not a web address", "email": "nobody"}

    response = client_for(org_admin).put(issuer_url(org_a), bad, format="json")

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"name", "url", "email"}


def test_a_web_address_the_issuer_document_cannot_publish_is_refused(org_a, org_admin):
    response = client_for(org_admin).put(
        issuer_url(org_a), {**PROFILE, "url": "https://example.org/{badges}"}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "url": ['A web address cannot contain spaces or any of " < > \\ ^ ` { | }.']
    }
    assert not Issuer.objects.exists()


@pytest.mark.parametrize("who", ["org_b_admin", "trainee", "supervisor"])
def test_only_the_organisations_admins_see_or_set_its_issuer(request, org_a, org_admin, who):
    client_for(org_admin).put(issuer_url(org_a), PROFILE, format="json")
    caller = request.getfixturevalue(who)

    assert_error(client_for(caller).get(issuer_url(org_a)), 404, "not_found")
    response = client_for(caller).put(issuer_url(org_a), {**PROFILE, "name": "Mine"}, format="json")
    assert_error(response, 404, "not_found")
    assert Issuer.objects.get(organisation=org_a).name == PROFILE["name"]


def test_an_unknown_organisation_is_not_found(org_admin):
    assert_error(client_for(org_admin).get("/api/v1/organisations/nowhere/issuer/"), 404)


@pytest.mark.parametrize("method", ["get", "put"])
def test_signed_out_callers_are_refused(org_a, method):
    response = getattr(client_for(), method)(issuer_url(org_a), PROFILE, format="json")
    assert_error(response, 401)


@pytest.mark.parametrize("who", ["org_admin", "org_b_admin"])
def test_asking_what_the_address_allows_is_answered(request, org_a, who):
    response = client_for(request.getfixturevalue(who)).options(issuer_url(org_a))
    assert response.status_code == 200
    assert response.json()["name"]
