"""The published OpenAPI schema is true: Schemathesis sends every operation generated
requests, valid and invalid, as a trainee, a supervisor and an organisation admin, each with
their own personal access token, and every answer must be documented — its status code, its
content type, its headers and its body — and none may be a server error.

Marked `fuzz`: `make test` leaves it out and `make fuzz` (which .ci/run calls) runs it. The run
is bounded and repeatable: a fixed seed, derandomised Hypothesis with no example database, a
fixed number of examples per operation, and requests made in-process to the WSGI application,
so nothing crosses the network.
"""

from datetime import timedelta

import hypothesis
import pytest
import schemathesis
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as account_services
from badges import demo as badge_demo
from badges.models import Award, BadgeClass
from badges.services import awarding
from exports import services as export_services
from exports.models import Export
from portfolio import services as portfolio_services
from portfolio.models import Evidence
from teaching import services as teaching_services
from tests.portfolio.evidence.files import image_bytes, pdf_bytes

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# Every answer must be one the schema documents, in every respect it documents.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

SEED = 20261102
EXAMPLES_PER_OPERATION = 25


def fuzz_config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )


@pytest.fixture
def private_storage(settings, tmp_path, monkeypatch):
    """Evidence the run uploads goes to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storages["private"])
    monkeypatch.setattr(Export._meta.get_field("file"), "storage", storages["private"])


@pytest.fixture
def unthrottled(monkeypatch):
    """The run sends thousands of requests a minute; it is the schema under test, not the
    rate limits (tests/api/test_throttling.py covers those)."""
    for throttle in (AnonRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture
def wsgi_app():
    """Waymark's WSGI application, called in this process and inside the test's
    transaction. Like Django's test client, it must not close the database connection at
    the end of each request, which would end the transaction holding the test's data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield APPLICATION
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(private_storage, enrolled_trainee, supervisor, org_admin, org_a, foundation, fpcs, log):
    """A small portfolio for the three to work on: the trainee's entries in each state, with
    tags, mappings, a file and a link; a request for sign-off waiting for the supervisor; a
    teaching programme and session; badge classes and an award."""
    trainee = enrolled_trainee
    items = list(fpcs.values())[:3]
    draft = log(title="Sepsis teaching", tags=["sepsis", "journal-club"], items=items[:2])
    portfolio_services.add_file_evidence(
        entry=draft,
        actor=trainee,
        uploaded_file=SimpleUploadedFile("slide.png", image_bytes("PNG"), "image/png"),
        title="Slide",
    )
    portfolio_services.add_file_evidence(
        entry=draft,
        actor=trainee,
        uploaded_file=SimpleUploadedFile("certificate.pdf", pdf_bytes(), "application/pdf"),
    )
    portfolio_services.add_link_evidence(
        entry=draft, actor=trainee, url="https://example.org/sepsis", title="Guideline"
    )
    waiting = log(title="Chest drain", kind="procedure", items=items[2:])
    portfolio_services.submit_for_sign_off(entry=waiting, supervisor=supervisor, actor=trainee)
    signed = log(title="Ward round", tags=["ward"])
    portfolio_services.submit_for_sign_off(entry=signed, supervisor=supervisor, actor=trainee)
    portfolio_services.approve(entry=signed, actor=supervisor, comment="Well done.")

    programme = teaching_services.create_teaching_programme(
        organisation=org_a, actor=org_admin, name="FY teaching", slug="fy-teaching"
    )
    session = teaching_services.create_teaching_session(
        programme=programme,
        actor=org_admin,
        title="Sepsis",
        starts_at=timezone.now() - timedelta(minutes=10),
    )
    teaching_services.mark_register(session=session, trainees=[trainee], actor=org_admin)

    badge_demo.create_badge_classes(org_a)
    awarding.evaluate_awards(trainee=trainee)
    manual = BadgeClass.objects.filter(rule__isnull=True).first() or BadgeClass.objects.first()
    awarding.award_badge(badge_class=manual, recipient=trainee)

    # The objects of each kind, by the collection in their path: /api/v1/{collection}/{id}/.
    objects = {
        "events": [draft.pk, waiting.pk, signed.pk],
        "evidence": list(draft.evidence.order_by("pk").values_list("pk", flat=True)),
        "programmes": list(trainee.enrolments.values_list("programme_id", flat=True)),
        "frameworks": [foundation.pk],
        "items": [item.pk for item in items],
        "teaching-programmes": [programme.pk],
        "teaching-sessions": [session.pk],
        "badge-classes": list(BadgeClass.objects.order_by("pk").values_list("pk", flat=True)),
        "awards": list(Award.objects.filter(recipient=trainee).values_list("pk", flat=True)),
        "exports": _exports_of(trainee),
        "organisations": [org_a.slug],
    }
    people = {"trainee": trainee, "supervisor": supervisor, "org_admin": org_admin}
    return {"people": people, "objects": objects}


def _exports_of(trainee) -> list[int]:
    """A finished export of the trainee's and one still waiting."""
    done = export_services.request_export(actor=trainee, format="pdf")
    export_services.make_export(export_id=done.pk, writer=lambda **kw: kw["out"].write(b"%PDF"))
    waiting = export_services.request_export(actor=trainee, format="archive")
    return [done.pk, waiting.pk]


PERSONAS = ["trainee", "supervisor", "org_admin"]


@pytest.fixture(params=PERSONAS)
def persona(request, world, unthrottled):
    """Who calls: one of the three, with a personal access token of their own, and a
    second token of theirs to be revoked."""
    user = world["people"][request.param]
    _, secret = account_services.create_personal_access_token(
        user=user, name="Fuzzing", expires_in=timedelta(days=1), actor=user
    )
    spare, _ = account_services.create_personal_access_token(
        user=user, name="Spare", expires_in=timedelta(days=1), actor=user
    )
    objects = {**world["objects"], "tokens": [spare.token_key]}
    return {"headers": {"Authorization": f"Token {secret}"}, "objects": objects}


APPLICATION = WSGIHandler()
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", APPLICATION, config=fuzz_config()
)

# Generated ids seldom name anything that exists, so that most requests about one object
# would only be answered "not found". Half of them are instead a placeholder for the n-th
# object of the world of the operation's kind, which the test puts in before sending.
KNOWN = "known-{}"


@schema.hook
def before_generate_path_parameters(context, strategy):
    names = [parameter.name for parameter in context.operation.path_parameters]
    if len(names) != 1:
        return strategy
    known = st.integers(min_value=0, max_value=3).map(lambda n: {names[0]: KNOWN.format(n)})
    return st.one_of(strategy, known)


def naming_known_objects(case, objects):
    collection = case.operation.path.split("/")[3]
    for name, value in case.path_parameters.items():
        if isinstance(value, str) and value.startswith(KNOWN.format("")):
            n = int(value.removeprefix(KNOWN.format("")))
            of_kind = objects.get(collection) or [0]
            case.path_parameters[name] = of_kind[n % len(of_kind)]


@schema.parametrize()
# The world and the persona are made once per operation and persona, not once per request:
# each operation's requests build on what the ones before them changed, like a client's.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_every_answer_is_documented(case, persona, wsgi_app):
    naming_known_objects(case, persona["objects"])
    case.call_and_validate(headers=persona["headers"], checks=CHECKS)
