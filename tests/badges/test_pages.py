"""The badge pages: a trainee's badges and public choices, check-in, and the organisation
admin's issuer, badge classes, manual awards, revocation and teaching registers."""

import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin

from accounts.models import Role
from audit.models import AuditEntry
from badges import rules, services
from badges.models import (
    Attendance,
    Award,
    BadgeClass,
    Issuer,
    PublicProfile,
    TeachingProgramme,
    TeachingSession,
)
from portfolio.models import LearningEvent
from tests.conftest import member
from tests.helpers import assert_inline_error, messages_of, sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def clean_cache():
    # Check-in counts wrong codes in the cache; no test may inherit another's count.
    cache.clear()
    yield
    cache.clear()


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


def session_of(organisation, *, starts_at=None, code="123456", **fields):
    programme, _ = TeachingProgramme.objects.get_or_create(
        organisation=organisation, slug="fy-teaching", defaults={"name": "FY teaching"}
    )
    return TeachingSession.objects.create(
        programme=programme,
        title=fields.pop("title", "Sepsis"),
        starts_at=starts_at or timezone.now() - timedelta(minutes=10),
        check_in_code=code,
        **fields,
    )


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


# --- Who may open the organisation's badge and teaching pages ------------------------------------


@pytest.fixture
def scene(org_a, badge_classes, enrolled_trainee, org_admin):
    award = services.award_badge(
        badge_class=badge("teaching-impact"),
        recipient=enrolled_trainee,
        narrative="Audited sepsis teaching.",
        awarded_by=org_admin,
    )
    session = session_of(org_a)
    return {
        "org": org_a,
        "badge_class": badge("teaching-impact"),
        "award": award,
        "programme": session.programme,
        "session": session,
    }


# Each page: its URL, and a POST that would change something if allowed.
ORG_PAGES = {
    "org_badge_classes": (
        lambda s: reverse("badges:org_badge_classes", args=[s["org"].slug]),
        None,
    ),
    "org_issuer_edit": (
        lambda s: reverse("badges:org_issuer_edit", args=[s["org"].slug]),
        lambda s: {"name": "Taken over", "url": "https://evil.example/", "email": "x@evil.example"},
    ),
    "org_badge_class_create": (
        lambda s: reverse("badges:org_badge_class_create", args=[s["org"].slug]),
        lambda s: {
            "name": "Intruder",
            "slug": "intruder",
            "description": "x",
            "criteria": "x",
            "is_active": "on",
        },
    ),
    "org_badge_class_edit": (
        lambda s: reverse("badges:org_badge_class_edit", args=[s["org"].slug, s["badge_class"].pk]),
        lambda s: {
            "name": "Renamed",
            "slug": "teaching-impact",
            "description": "x",
            "criteria": "x",
        },
    ),
    "org_badge_class_awards": (
        lambda s: reverse(
            "badges:org_badge_class_awards", args=[s["org"].slug, s["badge_class"].pk]
        ),
        None,
    ),
    "org_award_create": (
        lambda s: reverse("badges:org_award_create", args=[s["org"].slug, s["badge_class"].pk]),
        lambda s: {"trainee": s["award"].recipient_id, "narrative": "x"},
    ),
    "org_award_revoke": (
        lambda s: reverse("badges:org_award_revoke", args=[s["org"].slug, s["award"].pk]),
        lambda s: {"reason": "Because I can."},
    ),
    "teaching_programmes": (
        lambda s: reverse("badges:teaching_programmes", args=[s["org"].slug]),
        None,
    ),
    "teaching_programme_create": (
        lambda s: reverse("badges:teaching_programme_create", args=[s["org"].slug]),
        lambda s: {"name": "Intruders", "slug": "intruders"},
    ),
    "teaching_programme_detail": (
        lambda s: reverse(
            "badges:teaching_programme_detail", args=[s["org"].slug, s["programme"].pk]
        ),
        None,
    ),
    "teaching_session_create": (
        lambda s: reverse(
            "badges:teaching_session_create", args=[s["org"].slug, s["programme"].pk]
        ),
        lambda s: {"title": "Fake", "starts_at": "2026-12-01T13:00", "duration_minutes": "60"},
    ),
    "teaching_session_detail": (
        lambda s: reverse("badges:teaching_session_detail", args=[s["org"].slug, s["session"].pk]),
        None,
    ),
    "teaching_register": (
        lambda s: reverse("badges:teaching_register", args=[s["org"].slug, s["session"].pk]),
        lambda s: {"trainees": [s["award"].recipient_id]},
    ),
}


def state(org):
    """Everything the organisation pages could change."""
    return (
        list(Issuer.objects.values_list("name", "url", "email")),
        list(BadgeClass.objects.order_by("pk").values_list("name", "slug", "rule")),
        list(Award.objects.order_by("pk").values_list("recipient", "revoked_at")),
        list(TeachingProgramme.objects.values_list("slug", flat=True)),
        list(TeachingSession.objects.values_list("title", flat=True)),
        Attendance.objects.count(),
    )


@pytest.mark.parametrize("page", ORG_PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("trainee", 404),
        ("supervisor", 404),
        ("org_b_admin", 404),
        ("org_admin", 200),
    ],
)
def test_organisation_badge_pages_are_for_that_organisations_admins(
    client, request, scene, supervisor, org_b_admin, page, persona, expected
):
    url = ORG_PAGES[page][0](scene)
    sign_in_as(client, request, persona)
    response = client.get(url)
    if expected == "login":
        assert response.status_code == 302
        assert reverse("account_login") in response.url
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("page", [name for name, (_, post) in ORG_PAGES.items() if post])
@pytest.mark.parametrize("persona", ["anonymous", "trainee", "supervisor", "org_b_admin"])
def test_nobody_else_changes_anything_by_posting(
    client, request, scene, supervisor, org_b_admin, page, persona
):
    url, data = ORG_PAGES[page]
    before = state(scene["org"])
    sign_in_as(client, request, persona)
    response = client.post(url(scene), data(scene))
    assert response.status_code in (302, 404)
    if persona != "anonymous":
        assert response.status_code == 404
    assert state(scene["org"]) == before


def test_admins_find_badges_in_the_organisation_navigation(client, org_admin, org_a):
    client.force_login(org_admin)
    html = client.get(reverse("accounts:members", args=[org_a.slug])).content.decode()
    assert reverse("badges:org_badge_classes", args=[org_a.slug]) in html


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
    assert regular.rule == {"type": "event_count", "min": 5, "kinds": ["social_media"]}


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


# --- Manual awards and revocation ----------------------------------------------------------------


def test_an_admin_awards_a_badge_by_hand(client, org_a, org_admin, badge_classes, trainee):
    impact = badge("teaching-impact")
    url = reverse("badges:org_award_create", args=[org_a.slug, impact.pk])
    client.force_login(org_admin)
    assert trainee.email in client.get(url).content.decode()

    response = client.post(url, {"trainee": trainee.pk, "narrative": ""})
    assert_inline_error(response, "narrative", "This field is required.")

    response = client.post(url, {"trainee": trainee.pk, "narrative": "Audited sepsis teaching."})
    assert response.status_code == 302
    award = Award.objects.get(badge_class=impact, recipient=trainee)
    assert (award.awarded_by, award.narrative) == (org_admin, "Audited sepsis teaching.")
    assert messages_of(response) == [f"{trainee} is awarded “{impact}”."]
    listing = client.get(reverse("badges:org_badge_class_awards", args=[org_a.slug, impact.pk]))
    assert f"By {org_admin}" in listing.content.decode()

    response = client.post(url, {"trainee": trainee.pk, "narrative": "Again."})
    assert_inline_error(response, "trainee", f"{trainee} already holds this badge.")
    assert Award.objects.filter(badge_class=impact, recipient=trainee).count() == 1


def test_only_the_organisations_trainees_can_be_awarded(
    client, org_a, org_b, org_admin, badge_classes, supervisor
):
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    url = reverse("badges:org_award_create", args=[org_a.slug, badge("teaching-impact").pk])
    client.force_login(org_admin)
    for person in (outsider, supervisor):
        response = client.post(url, {"trainee": person.pk, "narrative": "x"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Award.objects.exists()


def test_an_inactive_badge_class_cannot_be_awarded(
    client, org_a, org_admin, badge_classes, trainee
):
    BadgeClass.objects.filter(slug="teaching-impact").update(is_active=False)
    client.force_login(org_admin)
    url = reverse("badges:org_award_create", args=[org_a.slug, badge("teaching-impact").pk])
    response = client.post(url, {"trainee": trainee.pk, "narrative": "x"})
    assert response.status_code == 302
    assert not Award.objects.exists()


def test_revoking_asks_for_a_reason_and_confirmation(
    client, org_a, org_admin, badge_classes, trainee
):
    award = services.award_badge(
        badge_class=badge("teaching-impact"), recipient=trainee, awarded_by=org_admin
    )
    url = reverse("badges:org_award_revoke", args=[org_a.slug, award.pk])
    client.force_login(org_admin)

    page = client.get(url).content.decode()
    assert "Revoke" in page and "cannot be undone" in page
    response = client.post(url, {"reason": "  "})
    assert_inline_error(response, "reason", "This field is required.")
    award.refresh_from_db()
    assert award.revoked_at is None

    response = client.post(url, {"reason": "The audit was not the trainee's."})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked_at is not None
    assert award.revocation_reason == "The audit was not the trainee's."

    response = client.post(url, {"reason": "Twice"})
    assert messages_of(response)[-1] == "That badge is already revoked."
    award.refresh_from_db()
    assert award.revocation_reason == "The audit was not the trainee's."


# --- Teaching programmes, sessions and the register ----------------------------------------------


def test_an_admin_sets_up_a_programme_and_a_session_with_its_code_on_show(client, org_a, org_admin):
    client.force_login(org_admin)
    response = client.post(
        reverse("badges:teaching_programme_create", args=[org_a.slug]),
        {"name": "FY1 teaching", "slug": "fy1-teaching"},
    )
    programme = TeachingProgramme.objects.get(organisation=org_a, slug="fy1-teaching")
    assert response.url == reverse(
        "badges:teaching_programme_detail", args=[org_a.slug, programme.pk]
    )

    response = client.post(
        reverse("badges:teaching_programme_create", args=[org_a.slug]),
        {"name": "Again", "slug": "fy1-teaching"},
    )
    assert_inline_error(response, "slug", "Another teaching programme already uses this slug.")

    response = client.post(
        reverse("badges:teaching_session_create", args=[org_a.slug, programme.pk]),
        {
            "title": "Sepsis",
            "starts_at": "2026-12-01T13:00",
            "duration_minutes": "90",
            "mandatory": "on",
            "location": "Education centre",
        },
    )
    session = TeachingSession.objects.get(programme=programme)
    assert response.url == reverse("badges:teaching_session_detail", args=[org_a.slug, session.pk])
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 13:00"
    assert (session.duration_minutes, session.mandatory) == (90, True)
    assert len(session.check_in_code) == 6 and session.check_in_code.isdigit()

    html = client.get(response.url).content.decode()
    assert f'<span aria-hidden="true">{session.check_in_code}</span>' in html
    assert 'class="check-in-code"' in html


def test_the_register_marks_the_ticked_trainees_and_logs_their_attendance(
    client, org_a, org_admin, trainee, other_trainee, supervisor
):
    session = session_of(org_a, starts_at=timezone.now() - timedelta(days=2))
    url = reverse("badges:teaching_register", args=[org_a.slug, session.pk])
    client.force_login(org_admin)
    page = client.get(url).content.decode()
    assert trainee.email in page and other_trainee.email in page
    assert supervisor.email not in page

    response = client.post(url, {})
    assert_inline_error(response, "trainees", "Tick at least one trainee who was there.")

    response = client.post(url, {"trainees": [trainee.pk]})
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session)
    assert (attendance.trainee, attendance.method, attendance.recorded_by) == (
        trainee,
        "register",
        org_admin,
    )
    assert attendance.event.kind == "teaching_attended"
    assert attendance.event.trainee == trainee
    assert not LearningEvent.objects.filter(trainee=other_trainee).exists()
    # Once on the register, a trainee is no longer offered.
    offered = client.get(url).content.decode().split("Already recorded")[0]
    assert f"({trainee.email})" not in offered and f"({other_trainee.email})" in offered


def test_the_register_offers_no_one_from_elsewhere(client, org_a, org_b, org_admin, trainee):
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    session = session_of(org_a)
    client.force_login(org_admin)
    response = client.post(
        reverse("badges:teaching_register", args=[org_a.slug, session.pk]),
        {"trainees": [outsider.pk]},
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


# --- Check-in ------------------------------------------------------------------------------------


def check_in(client, code):
    return client.post(reverse("badges:check_in"), {"code": code})


def test_the_right_code_during_the_session_checks_the_trainee_in(client, org_a, trainee):
    session = session_of(org_a, code="042917")
    client.force_login(trainee)
    response = check_in(client, "042 917")
    assert response.status_code == 302
    assert messages_of(response) == [
        "You are checked in to “Sepsis”. It is logged in your entries."
    ]
    attendance = Attendance.objects.get(session=session, trainee=trainee)
    assert attendance.method == "check_in"
    event = LearningEvent.objects.get(trainee=trainee)
    assert (event.kind, event.title) == ("teaching_attended", "Sepsis")
    assert attendance.event == event


def test_a_wrong_code_is_refused(client, org_a, trainee):
    session_of(org_a, code="042917")
    client.force_login(trainee)
    response = check_in(client, "042918")
    assert_inline_error(
        response,
        "code",
        "No session of your organisations running now has that code. Check the code on the screen.",
    )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef"])
def test_a_code_must_be_six_digits(client, org_a, trainee, code):
    client.force_login(trainee)
    assert_inline_error(
        check_in(client, code), "code", "Enter the 6 digits of the code, for example 042917."
    )


@pytest.mark.parametrize(
    "starts_in",
    [timedelta(minutes=20), -timedelta(minutes=60 + 31)],
    ids=["too-early", "too-late"],
)
def test_check_in_is_closed_outside_the_session(client, org_a, trainee, starts_in):
    session_of(org_a, code="042917", starts_at=timezone.now() + starts_in, duration_minutes=60)
    client.force_login(trainee)
    response = check_in(client, "042917")
    assert_inline_error(response, "code", "Check-in is open only during the session.")
    assert not Attendance.objects.exists()


def test_another_organisations_session_cannot_be_checked_into(client, org_b, trainee):
    session_of(org_b, code="042917")
    client.force_login(trainee)
    assert_inline_error(check_in(client, "042917"), "code", "No session of your organisations")
    assert not Attendance.objects.exists()


def test_guessing_codes_is_stopped(client, org_a, trainee):
    session_of(org_a, code="042917")
    client.force_login(trainee)
    for guess in range(10):
        check_in(client, f"{guess:06d}")
    response = check_in(client, "042917")
    assert_inline_error(response, "code", "Too many wrong codes. Wait 15 minutes, then try again.")
    assert not Attendance.objects.exists()


# --- A trainee's badges --------------------------------------------------------------------------


def test_trainees_find_their_badges_in_the_navigation(client, trainee, supervisor):
    client.force_login(trainee)
    assert (
        f'href="{reverse("badges:my_badges")}"'
        in client.get(reverse("portfolio:dashboard")).content.decode()
    )
    client.force_login(supervisor)
    assert (
        f'href="{reverse("badges:my_badges")}"'
        not in client.get(reverse("portfolio:dashboard")).content.decode()
    )


def test_my_badges_shows_what_is_earned_and_what_is_under_way(
    client, badge_classes, add, enrolled_trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(1)
    client.force_login(enrolled_trainee)
    html = client.get(reverse("badges:my_badges")).content.decode()
    earned, in_progress = html.split('id="progress-heading"')
    assert "Journal club contributor" in earned
    award = Award.objects.get(recipient=enrolled_trainee)
    assert reverse("badges:award_verify", args=[award.uid]) in earned
    assert "Journal club regular" in in_progress
    assert "<strong>1 of 5</strong> social media entries" in in_progress
    assert '<progress max="5" value="1"' in in_progress


def test_my_badges_shows_revoked_and_expired_awards_for_what_they_are(
    client, badge_classes, trainee, org_admin
):
    revoked = services.award_badge(badge_class=badge("teaching-impact"), recipient=trainee)
    services.revoke_award(award=revoked, by=org_admin, reason="Awarded in error.")
    expired = services.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    Award.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(days=1))
    client.force_login(trainee)
    html = client.get(reverse("badges:my_badges")).content.decode()
    assert "Revoked</span> on" in html and "Awarded in error." in html
    assert "Expired</span>" in html


def test_the_public_profile_is_off_until_the_trainee_turns_it_on(client, trainee):
    client.force_login(trainee)
    html = client.get(reverse("badges:my_badges")).content.decode()
    assert "Your public profile is <strong>off</strong>" in html
    assert not PublicProfile.objects.filter(user=trainee, enabled=True).exists()

    client.post(reverse("badges:profile_visibility"), {"enabled": "1"})
    profile = PublicProfile.objects.get(user=trainee)
    assert profile.enabled
    assert trainee.email.split("@")[0] not in profile.slug and len(profile.slug) >= 16
    assert "Your public profile is <strong>on</strong>" in (
        client.get(reverse("badges:my_badges")).content.decode()
    )

    client.post(reverse("badges:profile_visibility"), {"enabled": "0"})
    profile.refresh_from_db()
    assert not profile.enabled
    assert client.get(reverse("badges:profile_visibility")).status_code == 405


def test_a_trainee_chooses_which_badges_to_show(client, badge_classes, trainee, other_trainee):
    award = services.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    assert not award.public
    url = reverse("badges:award_visibility", args=[award.pk])

    client.force_login(other_trainee)
    assert client.post(url, {"public": "1"}).status_code == 404

    client.force_login(trainee)
    client.post(url, {"public": "1"})
    award.refresh_from_db()
    assert award.public
    client.post(url, {"public": "0"})
    award.refresh_from_db()
    assert not award.public
    assert list(
        AuditEntry.objects.filter(object_type="award", object_id=award.pk)
        .exclude(action="award")
        .values_list("action", flat=True)
    ) == ["award_public", "award_hidden"]


def test_a_revoked_badge_cannot_be_shown(client, badge_classes, trainee, org_admin):
    award = services.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    services.revoke_award(award=award, by=org_admin, reason="Error.")
    client.force_login(trainee)
    response = client.post(reverse("badges:award_visibility", args=[award.pk]), {"public": "1"})
    assert messages_of(response) == ["A revoked badge cannot be shown on your public profile."]
    award.refresh_from_db()
    assert not award.public


# --- The dashboard card --------------------------------------------------------------------------


def test_the_dashboard_shows_the_latest_badges_and_the_closest_one(
    client, badge_classes, add, enrolled_trainee, django_capture_on_commit_callbacks
):
    client.force_login(enrolled_trainee)
    assert "Badges you earn from your learning will appear here." in (
        client.get(reverse("portfolio:dashboard")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        add(3)
    card = (
        client.get(reverse("portfolio:dashboard")).content.decode().split('id="badges-heading"')[1]
    )
    assert "Journal club contributor" in card
    assert "Closest next: Journal club regular" in card
    assert "<strong>3 of 5</strong> social media entries" in card


def test_the_badge_card_costs_the_same_queries_however_many_badges(
    client, badge_classes, enrolled_trainee
):
    client.force_login(enrolled_trainee)
    classes = list(BadgeClass.objects.order_by("pk"))
    counts = []
    for held in (1, len(classes)):
        for badge_class in classes[:held]:
            services.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
        services.evaluate_awards(trainee=enrolled_trainee)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portfolio:dashboard")).status_code == 200
            assert client.get(reverse("badges:my_badges")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_manual_award_can_link_the_trainees_signed_off_entries(
    client, badge_classes, org_a, org_admin, enrolled_trainee, supervisor, log
):
    from badges.models import Award, BadgeClass
    from portfolio import services as portfolio_services

    event = log(title="Taught the nursing team sepsis recognition")
    portfolio_services.submit_for_sign_off(
        event=event, supervisor=supervisor, actor=enrolled_trainee
    )
    portfolio_services.approve(event=event, actor=supervisor)
    log(title="A draft nobody signed off")
    impact = BadgeClass.objects.get(slug="teaching-impact")
    url = reverse("badges:org_award_create", args=[org_a.slug, impact.pk])
    client.force_login(org_admin)

    listed = client.post(url, {"trainee": enrolled_trainee.pk, "narrative": "", "choose": "1"})
    page = listed.content.decode()
    assert "Taught the nursing team sepsis recognition" in page
    assert "A draft nobody signed off" not in page and "This field is required" not in page

    response = client.post(
        url,
        {
            "trainee": enrolled_trainee.pk,
            "narrative": "Audited impact on ward 7.",
            "events": [event.pk],
        },
    )
    assert response.status_code == 302
    award = Award.objects.get(badge_class=impact, recipient=enrolled_trainee)
    assert list(award.events.all()) == [event] and award.awarded_by == org_admin


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
