"""The backpack: badges issued elsewhere, added by a hosted assertion's address, a baked
image or a credential; verified with their issuer's server (a small one on this machine
here), refused with the reason when they do not verify, re-verified daily, shown on the
public profile, and counted by the rules that name them."""

import io
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from audit.models import AuditEntry
from badges import facts, images
from badges.models import Award, BadgeClass, ExternalBadge, Issuer
from badges.openbadges import hashed_identity
from badges.services import external
from badges.tasks import reverify_external_badges

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class IssuerServer:
    """Another issuer's documents, served over http on this machine, as the test sets them."""

    def __init__(self):
        self.documents: dict[str, tuple[int, dict]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, document = site.documents.get(self.path, (404, {}))
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return self.base + path

    def publish(self, *, number=1, recipient="trainee@example.org", expires=None, **issuer):
        assertion = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": self.url(f"/assertions/{number}"),
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": "pepper",
                "identity": hashed_identity(recipient, "pepper"),
            },
            "badge": self.url("/badge-classes/1"),
            "verification": {"type": "hosted"},
            "issuedOn": "2026-01-10T09:00:00+00:00",
        }
        if expires:
            assertion["expires"] = expires
        self.documents[f"/assertions/{number}"] = (200, assertion)
        self.documents["/badge-classes/1"] = (
            200,
            {
                "type": "BadgeClass",
                "id": self.url("/badge-classes/1"),
                "name": "Advanced life support",
                "issuer": self.url("/issuer"),
            },
        )
        self.documents["/issuer"] = (
            200,
            {"type": "Issuer", "id": self.url("/issuer"), "name": "Resus Council", **issuer},
        )
        return assertion

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def issuer_server():
    server = IssuerServer()
    yield server
    server.stop()


class Clock:
    def __init__(self):
        self.now = NOW


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The time held still, at NOW until a test moves it on."""
    from django.utils import timezone

    held = Clock()
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


def add(trainee, **given):
    return external.add_to_backpack(actor=trainee, trainee=trainee, source="Added by you", **given)


def refusal(trainee, **given) -> dict:
    with pytest.raises(ValidationError) as refused:
        add(trainee, **given)
    assert not ExternalBadge.objects.exists()
    return refused.value.message_dict


def png_with(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (8, 8), "white")
    info = PngInfo()
    info.add_itxt("openbadges", text)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return SimpleUploadedFile("badge.png", output.getvalue(), content_type="image/png")


# --- Arrival ---------------------------------------------------------------------------------


def test_a_hosted_assertion_is_verified_and_kept_with_its_identity(trainee, issuer_server):
    issuer_server.publish()

    added = add(trainee, url=issuer_server.url("/assertions/1"))

    badge = added.badge
    assert added.outcome == external.CREATED
    assert badge.verified and badge.verified_at == NOW
    assert (badge.badge_name, badge.issuer_name) == ("Advanced life support", "Resus Council")
    assert badge.issuer_uri == issuer_server.url("/issuer")
    assert badge.achievement_uri == issuer_server.url("/badge-classes/1")
    assert badge.issued_on == datetime(2026, 1, 10, 9, tzinfo=UTC)
    assert AuditEntry.objects.filter(action="external_credential").count() == 1


def test_an_svg_with_the_assertion_address_baked_in_is_added_with_its_image(trainee, issuer_server):
    issuer_server.publish()
    badge_class = BadgeClass(slug="x", name="Advanced life support")
    svg = images.bake_svg(images.badge_svg(badge_class), issuer_server.url("/assertions/1"))

    badge = add(trainee, upload=SimpleUploadedFile("b.svg", svg.encode())).badge

    assert badge.verified and badge.image.name.endswith(".svg")


def test_the_same_assertion_again_is_unchanged_and_a_newer_copy_replaces_it(trainee, issuer_server):
    issuer_server.publish()
    url = issuer_server.url("/assertions/1")

    first, again = add(trainee, url=url), add(trainee, url=url)
    issuer_server.publish(expires="2027-01-01T00:00:00+00:00")
    newer = add(trainee, text=url)

    assert [first.outcome, again.outcome, newer.outcome] == ["created", "unchanged", "replaced"]
    assert ExternalBadge.objects.get().expires == datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"recipient": "someone@else.example"}, "Recipient: It was not issued to any of your"),
        ({"expires": "2026-02-01T00:00:00Z"}, "Validity: It expired on 1 February 2026."),
        ({"verification": {"allowedOrigins": "elsewhere.example"}}, "Issuer: "),
    ],
)
def test_a_badge_that_does_not_verify_is_refused_with_the_reason(
    trainee, issuer_server, change, reason
):
    issuer_server.publish(**change)

    errors = refusal(trainee, url=issuer_server.url("/assertions/1"))

    assert errors["url"][0].startswith(reason), errors


def test_a_revoked_badge_is_refused(trainee, issuer_server):
    issuer_server.documents["/assertions/1"] = (410, {"revoked": True, "revocationReason": "Error"})

    errors = refusal(trainee, url=issuer_server.url("/assertions/1"))

    assert errors == {"url": ["Status: The issuer has revoked this badge (Error)."]}


def test_an_image_whose_assertion_was_edited_is_refused(trainee, issuer_server):
    assertion = dict(issuer_server.publish(recipient="someone@else.example"))
    assertion["recipient"] = {"type": "email", "hashed": False, "identity": trainee.email}

    errors = refusal(trainee, upload=png_with(json.dumps(assertion)))

    assert "different recipient from the issuer's own copy" in errors["file"][0]


def test_an_address_that_answers_nothing_is_refused(trainee, issuer_server):
    errors = refusal(trainee, url=issuer_server.url("/assertions/9"))
    assert errors["url"][0].startswith("Hosted assertion: The issuer's copy could not be fetched")


def test_production_fetches_only_public_https_addresses(trainee, issuer_server, settings):
    settings.BACKPACK_ALLOW_HTTP = False
    issuer_server.publish()

    errors = refusal(trainee, url=issuer_server.url("/assertions/1"))

    assert "Only https:// addresses are fetched" in errors["url"][0]


def test_a_badge_issued_here_is_already_in_the_trainees_badges(trainee, settings):
    url = f"{settings.SITE_URL}/ob/v2/assertions/8a6b8f0e-33a4-4d3c-8c1b-0f1b5d4f6a77"
    assert refusal(trainee, url=url) == {"url": [external.ISSUED_TO_SOMEONE_ELSE]}


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"text": "{broken"}, "credential"),
        ({"text": "x" * 300_000}, "credential"),
        ({"text": '{"recipient": 3, "badge": []}'}, "credential"),
        ({"url": "ftp://badges.example/1"}, "url"),
        ({"upload": SimpleUploadedFile("b.png", b"not an image")}, "file"),
        ({"upload": SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40)}, "file"),
        ({"upload": SimpleUploadedFile("b.png", b"0" * (3 * 1024 * 1024))}, "file"),
        (
            {"upload": SimpleUploadedFile("b.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")},
            "file",
        ),
    ],
)
def test_untrusted_input_is_refused_by_field_never_an_error(trainee, given, field):
    errors = refusal(trainee, **given)
    assert errors[field][0]


def test_only_the_trainee_adds_to_their_own_backpack(trainee, other_trainee):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        external.add_to_backpack(
            actor=other_trainee, trainee=trainee, url="https://x.example/1", source="x"
        )


# --- Re-verification and rules ---------------------------------------------------------------


def test_a_revocation_is_found_the_next_day_and_the_badge_stops_counting(
    org_a, trainee, issuer_server, clock, django_capture_on_commit_callbacks
):
    issuer_server.publish()
    here = Issuer.objects.create(
        organisation=org_a, name="St Elsewhere", url="https://st.example", email="b@st.example"
    )
    rule = {"type": "external_badge", "issuer": issuer_server.url("/issuer")}
    BadgeClass.objects.create(
        issuer=here, slug="resus", name="Resus ready", description="d", criteria="c", rule=rule
    )
    request = ("external_badge", rule["issuer"], "")
    with django_capture_on_commit_callbacks(execute=True):
        add(trainee, url=issuer_server.url("/assertions/1"))
    assert facts.gather(trainee, {request}, NOW.date())[request].names == ("Advanced life support",)
    assert Award.objects.filter(recipient=trainee, badge_class__slug="resus").exists()

    issuer_server.documents["/assertions/1"] = (410, {"revoked": True})
    assert reverify_external_badges() == 0  # checked less than a day ago
    clock.now = NOW + timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reverify_external_badges() == 1
    assert reverify_external_badges() == 0  # idempotent: not due again for a day
    assert facts.gather(trainee, {request}, NOW.date())[request].names == ()

    badge = ExternalBadge.objects.get()
    assert badge.verified is False and badge.failure.startswith("Status: The issuer has revoked")
    assert AuditEntry.objects.filter(action="external_badge_reverified").count() == 1


def test_an_expired_or_failing_badge_is_not_counted(trainee, issuer_server, clock):
    issuer_server.publish(expires="2026-06-01T00:00:00Z")
    badge = add(trainee, url=issuer_server.url("/assertions/1")).badge
    request = ("external_badge", badge.issuer_uri, badge.achievement_uri)

    assert facts.gather(trainee, {request}, NOW.date())[request].names
    clock.now = datetime(2026, 6, 2, tzinfo=UTC)
    assert facts.gather(trainee, {request}, NOW.date())[request].names == ()
    ExternalBadge.objects.update(verified=False)
    assert facts.gather(trainee, {request}, NOW.date())[request].names == ()


def test_the_rule_is_checked_against_its_schema():
    from badges import rules

    rules.validate({"type": "external_badge", "issuer": "https://x.example/issuer"})
    with pytest.raises(rules.RuleError):
        rules.validate({"type": "external_badge", "achievement": "https://x.example/b"})


# --- Pages and API ---------------------------------------------------------------------------


def make_badges(trainee, count):
    for number in range(count):
        ExternalBadge.objects.create(
            trainee=trainee,
            uid=f"00000000-0000-4000-8000-{number:012d}",
            credential_id=f"https://x.example/assertions/{number}",
            badge_name=f"Badge {number}",
            issuer_name="Resus Council",
            issued_on=NOW,
            source="Added by you",
            verified=number % 2 == 0,
            verification=[{"check": "Status", "outcome": "failed", "detail": "Revoked."}],
            verified_at=NOW,
            public=True,
        )


@pytest.mark.parametrize("count", [1, 8])
def test_the_badges_page_and_api_list_cost_the_same_however_many(
    client, trainee, count, django_assert_num_queries
):
    make_badges(trainee, count)
    client.force_login(trainee)
    # The page's queries, one of them for every badge from elsewhere, however many.
    with django_assert_num_queries(7):
        page = client.get(reverse("badges:my_badges")).content.decode()
    # Session and user; the count; the page of badges.
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/external-badges/").json()
    assert page.count("Failed</span>") == count // 2 and listed["count"] == count


def test_the_api_adds_shows_and_removes_a_badge(client, trainee, issuer_server):
    issuer_server.publish()
    client.force_login(trainee)

    created = client.post("/api/v1/external-badges/", {"url": issuer_server.url("/assertions/1")})
    again = client.post("/api/v1/external-badges/", {"url": issuer_server.url("/assertions/1")})
    uid = created.json()["uid"]
    shown = client.patch(
        f"/api/v1/external-badges/{uid}/", {"public": True}, content_type="application/json"
    )
    refused = client.post("/api/v1/external-badges/", {"credential": "{broken"})
    removed = client.delete(f"/api/v1/external-badges/{uid}/")

    assert (created.status_code, again.status_code) == (201, 200)
    assert created.json()["status"] == "verified"
    assert created.json()["verification"][0]["check"] == "Hosted assertion"
    assert shown.json()["public"] is True
    assert refused.status_code == 400 and "credential" in refused.json()["error"]["fields"]
    assert removed.status_code == 204 and not ExternalBadge.objects.exists()


def test_another_trainees_badge_is_not_found(client, trainee, other_trainee):
    make_badges(other_trainee, 1)
    uid = ExternalBadge.objects.get().uid
    client.force_login(trainee)

    assert client.get(reverse("badges:external_badge_detail", args=[uid])).status_code == 404
    assert client.get(f"/api/v1/external-badges/{uid}/").status_code == 404
    assert client.post(reverse("badges:external_badge_remove", args=[uid])).status_code == 404


def test_the_public_profile_shows_badges_issued_elsewhere_that_are_shown(client, trainee):
    from badges.services.public_profile import set_public_profile

    make_badges(trainee, 2)
    ExternalBadge.objects.filter(badge_name="Badge 1").update(public=False)
    profile = set_public_profile(trainee=trainee, actor=trainee, enabled=True)

    page = client.get(reverse("badges:public_profile", args=[profile.slug])).content.decode()

    assert "Badge 0" in page and "Badge 1" not in page
    assert "Issued elsewhere by Resus Council" in page
    assert "Checked with its issuer by Waymark on 2 March 2026" in page


def test_removing_asks_first(client, trainee):
    make_badges(trainee, 1)
    uid = ExternalBadge.objects.get().uid
    client.force_login(trainee)
    url = reverse("badges:external_badge_remove", args=[uid])

    asked = client.get(url).content.decode()
    assert "Remove “Badge 0”?" in asked and ExternalBadge.objects.exists()
    client.post(url)
    assert not ExternalBadge.objects.exists()


def test_the_pdf_export_lists_badges_from_elsewhere_with_how_they_verified(
    trainee, django_capture_on_commit_callbacks
):
    from exports import services as exports
    from exports.filters import Chosen
    from tests.exports.conftest import pdf_text, read_pdf

    make_badges(trainee, 2)
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(actor=trainee, format="pdf", chosen=Chosen())
    export.refresh_from_db()
    assert export.status == "done", export.error

    text = pdf_text(read_pdf(export))

    assert "Issued elsewhere" in text and "Resus Council, elsewhere" in text
    assert "Verified with its issuer on 2 March 2026" in text
    assert "Failed on 2 March 2026: Status: Revoked." in text


def test_an_archive_export_leaves_behind_a_badge_from_elsewhere_without_an_image(
    trainee, issuer_server, django_capture_on_commit_callbacks
):
    from exports import services as exports
    from exports.filters import Chosen

    issuer_server.publish()
    add(trainee, url=issuer_server.url("/assertions/1"))
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(actor=trainee, format="archive", chosen=Chosen())
    export.refresh_from_db()

    assert export.status == "done", export.error
