"""One error format for every API error, and an OpenAPI schema with docs that need no CDN."""

import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.management import call_command
from django.http import Http404
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import UserRateThrottle

from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/tokens/"


# --- The error format --------------------------------------------------------------------------


class ThingSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(min_value=1)


@api_view(["POST"])
@permission_classes([AllowAny])
def make_thing(request):
    serializer = ThingSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(serializer.data, status=201)


@api_view(["GET"])
@permission_classes([AllowAny])
def raise_(request, what):
    if what == "http404":
        raise Http404("No such thing.")
    if what == "django403":
        raise DjangoPermissionDenied("Not yours.")
    if what == "plain_validation":
        raise serializers.ValidationError("Something is wrong as a whole.")
    raise AssertionError(what)


def call(view, method="get", data=None, **kwargs):
    factory = APIRequestFactory()
    request = getattr(factory, method)("/", data or {}, format="json")
    response = view(request, **kwargs)
    response.render()
    return response


def test_a_valid_request_to_the_example_view_works():
    assert call(make_thing, "post", {"name": "x", "count": 2}).status_code == 201


def test_validation_errors_carry_fields():
    response = call(make_thing, "post", {"count": 0})

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"name", "count"}
    assert error["fields"]["name"] == ["This field is required."]
    assert error["fields"]["count"] == ["Ensure this value is greater than or equal to 1."]


def test_a_validation_error_not_about_a_field_is_under_non_field_errors():
    error = assert_error(call(raise_, what="plain_validation"), 400, "invalid")
    assert error["fields"] == {"non_field_errors": ["Something is wrong as a whole."]}


def test_djangos_404_and_403_become_the_error_format():
    error = assert_error(call(raise_, what="http404"), 404, "not_found")
    assert error["message"] == "No such thing."
    error = assert_error(call(raise_, what="django403"), 403, "permission_denied")
    assert error["message"] == "Not yours."


def test_unparseable_json_is_a_400_in_the_error_format():
    request = APIRequestFactory().post("/", "{not json", content_type="application/json")
    response = make_thing(request)
    response.render()
    error = assert_error(response, 400, "parse_error")
    assert "fields" not in error


def test_deleting_a_token_that_does_not_exist_is_404(trainee, make_token):
    _, secret = make_token(trainee)
    error = assert_error(token_client(secret).delete(f"{TOKENS}wm_000000000000/"), 404, "not_found")
    assert "fields" not in error


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/me/"),
        ("delete", "/api/v1/me/"),
        ("put", TOKENS),
        ("put", f"{TOKENS}wm_000000000000/"),
        ("get", f"{TOKENS}wm_000000000000/"),
    ],
)
def test_an_unsupported_method_is_405_in_the_error_format(trainee, make_token, method, url):
    _, secret = make_token(trainee)
    response = getattr(token_client(secret), method)(url)
    error = assert_error(response, 405, "method_not_allowed")
    assert method.upper() in error["message"]
    assert "Allow" in response


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing-here/",
        "/api/v1/tokens/a/b/c/",
        # A line break inside a path segment is still an address under the API.
        "/api/v1/nothing%0Ahere/",
    ],
)
def test_an_unknown_api_address_is_404_in_the_error_format(api_client, url):
    assert_error(api_client.get(url), 404, "not_found")
    assert_error(api_client.post(url), 404, "not_found")


def test_a_missing_slash_is_still_redirected(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/me/"


def test_pages_outside_the_api_keep_their_html_404(client, trainee):
    client.force_login(trainee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_throttled_is_in_the_error_format_with_retry_after(trainee, make_token, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"anon": None, "user": "1/min"})
    _, secret = make_token(trainee)
    client = token_client(secret)
    assert client.get("/api/v1/me/").status_code == 200
    response = client.get("/api/v1/me/")
    error = assert_error(response, 429, "throttled")
    assert "Request was throttled" in error["message"]
    assert int(response["Retry-After"]) > 0


# --- The schema -----------------------------------------------------------------------------------


def test_the_schema_is_openapi_3_and_describes_the_api(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Waymark API"
    paths = schema["paths"]
    assert set(paths["/api/v1/me/"]) == {"get", "patch"}
    assert set(paths["/api/v1/tokens/"]) == {"get", "post"}
    assert set(paths["/api/v1/tokens/{token_key}/"]) == {"delete"}
    assert "personalAccessToken" in schema["components"]["securitySchemes"]
    assert "Error" in schema["components"]["schemas"]
    me = paths["/api/v1/me/"]["get"]["responses"]
    assert me["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_the_schema_is_served_as_yaml_by_default(api_client):
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_the_schema_command_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command(
        "spectacular",
        validate=True,
        fail_on_warn=True,
        file=str(out),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert out.read_text().startswith("openapi: 3.")


# --- The docs -------------------------------------------------------------------------------------


def test_the_docs_are_served_from_this_site_only(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    sources = re.findall(r"""<script[^>]*\bsrc=["']([^"']+)""", html)
    assert sources, "the Swagger UI scripts should be files on this site"
    for src in sources:
        assert not re.match(r"(https?:)?//", src), src
    for href in re.findall(r"""<link[^>]*\bhref=["']([^"']+)""", html):
        assert not re.match(r"(https?:)?//", href), href
    assert "/static/drf_spectacular_sidecar/" in html
    # No inline script: the page works under the site's script-src 'self' policy.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_the_docs_script_and_assets_are_served(client):
    html = client.get("/api/docs/").content.decode()
    sources = re.findall(r"""<script[^>]*\bsrc=["']([^"']+)""", html)
    init = next(src for src in sources if "script" in src and "static" not in src)
    response = client.get(init.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
    # The Swagger UI files are static files of this project (drf-spectacular-sidecar).
    static = [src for src in sources if src.startswith("/static/")]
    assert len(static) >= 2
    for src in static:
        assert finders.find(src.removeprefix("/static/")), src
