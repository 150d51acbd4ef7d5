"""Everything the web pages do, other systems can do through the REST API.

The walk below visits every HTML page Waymark routes. Each page is either answered by the
API operations listed in COUNTERPARTS (and each of those must be in the OpenAPI schema), or
is in WITHOUT_API with the reason it needs none. A page that takes a form (it reads POST) must
have at least one API operation that writes. A new page that is on neither list fails here,
so that nobody adds a page and forgets the systems that talk to Waymark."""

import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

# Addresses that are not Waymark's own pages: its API, the OAuth and Open Badges protocol
# endpoints (machine interfaces already), allauth's sign-in pages and the staff admin.
NOT_PAGES = ("api/", "admin/", "accounts/", "oauth/", "ims/", "xapi")

# What in a view's source shows that it takes a form: it reads POST, or binds a form through
# the shared helpers (core.forms.form_data and submitted), or names the methods it allows.
TAKES_A_FORM = ("POST", "form_data(", "submitted(", "require_http_methods")

# The API operations that do what each page does. Parameters are written `{}`: only the
# shape of the path counts, not what each view calls its parameters.
COUNTERPARTS = {
    # Accounts
    "accounts:account": ["GET /api/v1/me/", "PATCH /api/v1/me/"],
    "accounts:token_create": ["POST /api/v1/tokens/"],
    "accounts:token_revoke": ["DELETE /api/v1/tokens/{}/"],
    "accounts:organisation_list": ["GET /api/v1/organisations/"],
    "accounts:members": ["GET /api/v1/organisations/{}/members/"],
    "accounts:invite": [
        "GET /api/v1/organisations/{}/invitations/",
        "POST /api/v1/organisations/{}/invitations/",
    ],
    "accounts:member_roles": ["PUT /api/v1/organisations/{}/members/{}/roles/"],
    "accounts:invitation_revoke": ["POST /api/v1/organisations/{}/invitations/{}/revoke/"],
    "accounts:supervisions": ["GET /api/v1/organisations/{}/supervisions/"],
    "accounts:supervision_start": ["POST /api/v1/organisations/{}/supervisions/"],
    "accounts:supervision_end": ["POST /api/v1/organisations/{}/supervisions/{}/end/"],
    # Curriculum
    "curriculum:framework_list": ["GET /api/v1/frameworks/"],
    "curriculum:framework_detail": ["GET /api/v1/frameworks/{}/", "GET /api/v1/items/"],
    "curriculum:item_detail": ["GET /api/v1/items/{}/"],
    "curriculum:programme_list": ["GET /api/v1/programmes/"],
    "curriculum:programme_create": ["POST /api/v1/programmes/"],
    "curriculum:programme_detail": [
        "GET /api/v1/programmes/{}/",
        "GET /api/v1/programmes/{}/enrolments/",
        "GET /api/v1/programmes/{}/requirements/",
    ],
    "curriculum:programme_edit": ["PATCH /api/v1/programmes/{}/"],
    "curriculum:enrolment_create": ["POST /api/v1/programmes/{}/enrolments/"],
    "curriculum:enrolment_end": ["POST /api/v1/programmes/{}/enrolments/{}/end/"],
    "curriculum:requirement_create": ["POST /api/v1/programmes/{}/requirements/"],
    "curriculum:requirement_bulk": ["POST /api/v1/programmes/{}/requirements/bulk/"],
    "curriculum:requirement_delete": ["DELETE /api/v1/programmes/{}/requirements/{}/"],
    # Portfolio
    "portfolio:dashboard": [
        "GET /api/v1/events/",
        "GET /api/v1/cpd/",
        "GET /api/v1/programmes/{}/coverage/",
    ],
    "portfolio:my_coverage": ["GET /api/v1/programmes/{}/coverage/"],
    "portfolio:coverage": ["GET /api/v1/programmes/{}/coverage/"],
    "portfolio:supervised_trainees": ["GET /api/v1/trainees/"],
    "portfolio:trainee_portfolio": ["GET /api/v1/trainees/{}/"],
    "portfolio:trainee_entries": ["GET /api/v1/events/"],
    "portfolio:entry_list": ["GET /api/v1/events/"],
    "portfolio:entry_create": ["POST /api/v1/events/"],
    "portfolio:reading_list_upload": ["POST /api/v1/reading-lists/preview/"],
    "portfolio:reading_list_import": ["POST /api/v1/reading-lists/import/"],
    "portfolio:entry_detail": ["GET /api/v1/events/{}/", "GET /api/v1/events/{}/reflection-reads/"],
    "portfolio:entry_edit": ["PATCH /api/v1/events/{}/", "PUT /api/v1/events/{}/mappings/"],
    "portfolio:entry_autosave": ["PATCH /api/v1/events/{}/"],
    "portfolio:entry_delete": ["DELETE /api/v1/events/{}/"],
    "portfolio:entry_submit": ["POST /api/v1/events/{}/submit/"],
    "portfolio:entry_recall": ["POST /api/v1/events/{}/recall/"],
    "portfolio:entry_decide": ["POST /api/v1/events/{}/approve/", "POST /api/v1/events/{}/return/"],
    "portfolio:entry_withdraw": ["POST /api/v1/events/{}/withdraw/"],
    "portfolio:evidence_add": ["POST /api/v1/events/{}/evidence/"],
    "portfolio:evidence_download": ["GET /api/v1/evidence/{}/download/"],
    "portfolio:evidence_thumbnail": ["GET /api/v1/evidence/{}/thumbnail/"],
    "portfolio:evidence_delete": ["DELETE /api/v1/evidence/{}/"],
    "portfolio:sign_off_queue": ["GET /api/v1/sign-off-requests/"],
    "portfolio:sign_off_batch": ["POST /api/v1/sign-off-requests/approve/"],
    "portfolio:organisation_sign_offs": ["GET /api/v1/organisations/{}/sign-offs/"],
    "portfolio:organisation_sign_off_withdraw": [
        "POST /api/v1/organisations/{}/sign-offs/{}/withdraw/"
    ],
    # Assessments
    "assessments:list": [
        "GET /api/v1/assessments/",
        "GET /api/v1/assessments/queue/",
        "GET /api/v1/assessment-forms/",
    ],
    "assessments:start": ["POST /api/v1/assessments/"],
    "assessments:detail": ["GET /api/v1/assessments/{}/"],
    "assessments:edit": ["PATCH /api/v1/assessments/{}/"],
    "assessments:request": ["POST /api/v1/assessments/{}/send/"],
    "assessments:revoke": ["POST /api/v1/assessments/{}/revoke/"],
    "assessments:complete": ["POST /api/v1/assessments/{}/complete/"],
    # Annual reviews
    "reviews:own": ["GET /api/v1/annual-reviews/"],
    "reviews:trainee": ["GET /api/v1/annual-reviews/"],
    "reviews:forecast": [
        "GET /api/v1/annual-reviews/{}/forecast/",
        "GET /api/v1/supervisor-reports/",
    ],
    "reviews:report_start": ["POST /api/v1/supervisor-reports/"],
    "reviews:report": [
        "GET /api/v1/supervisor-reports/{}/",
        "PATCH /api/v1/supervisor-reports/{}/",
        "POST /api/v1/supervisor-reports/{}/sign/",
    ],
    "reviews:programmes": ["GET /api/v1/programmes/"],
    "reviews:manage": [
        "GET /api/v1/review-requirements/",
        "GET /api/v1/annual-reviews/",
        "GET /api/v1/report-questions/{}/",
    ],
    "reviews:requirement_add": ["POST /api/v1/review-requirements/"],
    "reviews:requirement_remove": ["DELETE /api/v1/review-requirements/{}/"],
    "reviews:questions": ["GET /api/v1/report-questions/{}/", "PUT /api/v1/report-questions/{}/"],
    "reviews:review_date": ["POST /api/v1/annual-reviews/{}/review-date/"],
    # Teaching
    "teaching:check_in": ["POST /api/v1/teaching-sessions/check-in/"],
    "teaching:programmes": ["GET /api/v1/teaching-programmes/"],
    "teaching:programme_create": ["POST /api/v1/teaching-programmes/"],
    "teaching:programme_detail": [
        "GET /api/v1/teaching-programmes/{}/",
        "GET /api/v1/teaching-sessions/",
    ],
    "teaching:session_create": ["POST /api/v1/teaching-sessions/"],
    "teaching:session_detail": ["GET /api/v1/teaching-sessions/{}/"],
    "teaching:register": ["POST /api/v1/teaching-sessions/{}/register/"],
    # Badges
    "badges:my_badges": ["GET /api/v1/awards/", "GET /api/v1/badge-progress/"],
    "badges:award_visibility": ["PATCH /api/v1/awards/{}/"],
    "badges:profile_visibility": ["GET /api/v1/badge-profile/", "PUT /api/v1/badge-profile/"],
    "badges:backpack_add": ["POST /api/v1/external-badges/"],
    "badges:external_badge_detail": ["GET /api/v1/external-badges/{}/"],
    "badges:external_badge_visibility": ["PATCH /api/v1/external-badges/{}/"],
    "badges:external_badge_remove": ["DELETE /api/v1/external-badges/{}/"],
    "badges:trainee_badges": ["GET /api/v1/awards/"],
    "badges:verify_credential": ["POST /api/v1/credential-checks/"],
    "badges:org_badge_classes": ["GET /api/v1/badge-classes/"],
    "badges:org_issuer_edit": [
        "GET /api/v1/organisations/{}/issuer/",
        "PUT /api/v1/organisations/{}/issuer/",
        "GET /api/v1/organisations/{}/issuer/domain-verification/",
    ],
    "badges:org_issuer_domain_check": [
        "POST /api/v1/organisations/{}/issuer/domain-verification/check/"
    ],
    "badges:org_issuer_domain_token": [
        "POST /api/v1/organisations/{}/issuer/domain-verification/token/"
    ],
    "badges:org_badge_class_create": ["POST /api/v1/badge-classes/"],
    "badges:org_badge_class_edit": ["PATCH /api/v1/badge-classes/{}/"],
    "badges:org_badge_class_awards": ["GET /api/v1/badge-classes/{}/awards/"],
    "badges:org_award_create": ["POST /api/v1/badge-classes/{}/awards/"],
    "badges:org_award_revoke": ["POST /api/v1/awards/{}/revoke/"],
    # The mandatory-training passport
    "passport:mine": ["GET /api/v1/passport/"],
    "passport:manage": ["GET /api/v1/organisations/{}/passport/acceptances/"],
    "passport:acceptance_add": ["POST /api/v1/organisations/{}/passport/acceptances/"],
    "passport:acceptance_remove": ["DELETE /api/v1/organisations/{}/passport/acceptances/{}/"],
    "passport:compliance": ["GET /api/v1/organisations/{}/passport/compliance/"],
    "passport:compliance_csv": ["GET /api/v1/organisations/{}/passport/compliance/"],
    "badges:org_endorsements": ["GET /api/v1/organisations/{}/issuer/endorsements/"],
    "badges:org_endorsement_create": ["POST /api/v1/organisations/{}/issuer/endorsements/"],
    "badges:org_endorsement_withdraw": [
        "POST /api/v1/organisations/{}/issuer/endorsements/{}/withdraw/"
    ],
    # Notifications
    "notifications:list": ["GET /api/v1/notifications/"],
    "notifications:unread": ["GET /api/v1/notifications/"],
    "notifications:open": ["POST /api/v1/notifications/{}/read/"],
    "notifications:read_all": ["POST /api/v1/notifications/read-all/"],
    "notifications:preferences": [
        "GET /api/v1/notification-preferences/",
        "PUT /api/v1/notification-preferences/",
    ],
    # Exports
    "exports:export_page": ["GET /api/v1/exports/", "POST /api/v1/exports/"],
    "exports:export_status": ["GET /api/v1/exports/{}/"],
    "exports:export_download": ["GET /api/v1/exports/{}/download/"],
    "exports:import": ["POST /api/v1/imports/"],
    # Integrations
    "integrations:developer_apps": ["GET /api/v1/apps/", "POST /api/v1/apps/"],
    "integrations:connected_apps": ["GET /api/v1/connected-apps/"],
    "integrations:connection_revoke": ["DELETE /api/v1/connected-apps/{}/"],
    "integrations:webhooks": ["GET /api/v1/webhooks/", "POST /api/v1/webhooks/"],
    "integrations:webhook_detail": [
        "GET /api/v1/webhooks/{}/",
        "GET /api/v1/webhooks/{}/deliveries/",
    ],
    "integrations:webhook_rotate_secret": ["POST /api/v1/webhooks/{}/rotate-secret/"],
    "integrations:webhook_enable": ["POST /api/v1/webhooks/{}/enable/"],
    "integrations:webhook_delete": ["DELETE /api/v1/webhooks/{}/"],
    "integrations:webhook_redeliver": ["POST /api/v1/webhooks/{}/deliveries/{}/redeliver/"],
    "xapi:providers": ["GET /api/v1/connected-providers/", "POST /api/v1/connected-providers/"],
    "xapi:provider_disconnect": ["DELETE /api/v1/connected-providers/{}/"],
    "xapi:organisation_integrations": ["GET /api/v1/organisations/{}/xapi-keys/"],
    "xapi:credential_create": ["POST /api/v1/organisations/{}/xapi-keys/"],
    "xapi:credential_rotate": ["POST /api/v1/organisations/{}/xapi-keys/{}/rotate/"],
    "xapi:credential_revoke": ["POST /api/v1/organisations/{}/xapi-keys/{}/revoke/"],
}

PUBLIC_DOCUMENT = (
    "A public, permanent document printed into issued credentials or links: it is itself the "
    "machine-readable interface, fetched without an account."
)

# Pages that need no API counterpart, and why.
WITHOUT_API = {
    "home": "The landing page: it links to the others and shows nothing of its own.",
    "accounts:invitation": (
        "Accepting an invitation signs a person up or in: it is done in person, from the "
        "emailed link, and the API's callers are already signed in."
    ),
    "portfolio:sign_off_check": (
        "The public confirmation a printed sign-off links to, for someone without an account."
    ),
    "portfolio:sign_off_qr_code": "The QR code of a printed sign-off's public link.",
    "assessments:ticket": (
        "The one-time link an assessor without an account completes: the link is the "
        "credential, and an assessor with an account completes through the API instead."
    ),
    "badges:award_verify": (
        "A public page for someone holding a badge; its form compares a typed email with the "
        "award's hashed recipient, which Open Badges verifiers do from the assertion itself."
    ),
    "badges:public_profile": (
        "A trainee's public page, for people without an account; the trainee's own API "
        "reads and switches it (badge-profile)."
    ),
    "badges:issuer_detail": (
        "An issuer's public page, for people without an account; its public Open Badges 2.0 "
        "and 3.0 documents say the same to machines, the endorsements it holds included."
    ),
    "badges:external_badge_image": (
        "The image a badge from elsewhere came in, shown on its page; the API gives the badge's "
        "checks and ids, and its issuer serves the image."
    ),
    "exports:portfolio_schema": "The JSON Schema of the portable archive: a document already.",
    "integrations:oauth_metadata": "RFC 8414 metadata: a machine document already.",
    "audit:checkpoints": "Public JSON documents for auditors: machine-readable already.",
    "audit:latest-checkpoint": "Public JSON documents for auditors: machine-readable already.",
    "audit:checkpoint-keys": "Public JSON documents for auditors: machine-readable already.",
    "audit:checkpoint": "Public JSON documents for auditors: machine-readable already.",
    **{
        f"badges:{name}": PUBLIC_DOCUMENT
        for name in (
            "ob_issuer",
            "ob_issuer_trust_context",
            "ob_issuer_trust_schema",
            "issuer_image",
            "ob_badge_class",
            "award_assertion",
            "badge_class_detail",
            "badge_class_image",
            "award_baked_png",
            "award_baked_svg",
            "ob3_issuer",
            "award_credential",
            "award_credential_jwt",
            "ob3_status_list",
            "award_baked_ob3_png",
            "award_baked_ob3_svg",
            "ob_endorsement",
            "endorsement_credential",
            "endorsement_credential_jwt",
        )
    },
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def pages():
    """(name, route, view) of every HTML page."""
    for route, name, view in _walk(get_resolver().url_patterns):
        if route.lstrip("^").startswith(NOT_PAGES):
            continue
        yield name, route, view


PAGES = sorted(pages(), key=lambda page: page[1])


def takes_a_form(view) -> bool:
    # getsource of the unwrapped function includes its decorators, such as @require_POST.
    source = inspect.getsource(inspect.unwrap(view))
    return any(marker in source for marker in TAKES_A_FORM)


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


@pytest.fixture(scope="module")
def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {_shape(path)}"
        for path, methods in schema["paths"].items()
        for method in methods
    }


def test_the_walk_finds_the_pages():
    names = {name for name, _, _ in PAGES}
    assert {"portfolio:entry_create", "badges:my_badges", "accounts:invite"} <= names
    assert not any(route.startswith("api/") for _, route, _ in PAGES)


def test_every_page_is_named():
    unnamed = [route for name, route, _ in PAGES if not name]
    assert not unnamed, f"Pages without a URL name cannot be checked: {unnamed}"


def test_no_page_is_on_both_lists():
    assert not set(COUNTERPARTS) & set(WITHOUT_API)


def test_the_lists_name_only_pages_that_exist():
    names = {name for name, _, _ in PAGES}
    assert not (set(COUNTERPARTS) | set(WITHOUT_API)) - names


@pytest.mark.parametrize(("name", "route", "view"), PAGES, ids=[page[0] or "" for page in PAGES])
def test_every_page_has_an_api_counterpart_or_a_reason(name, route, view, api_operations):
    if name in WITHOUT_API:
        return
    assert name in COUNTERPARTS, (
        f"/{route} ({name}) has no API counterpart: add the API operations that do what it "
        "does to COUNTERPARTS, or say in WITHOUT_API why it needs none."
    )
    missing = [operation for operation in COUNTERPARTS[name] if operation not in api_operations]
    assert not missing, f"/{route} ({name}): the API schema lacks {missing}"
    if takes_a_form(view):
        writes = [op for op in COUNTERPARTS[name] if not op.startswith(("GET ", "HEAD "))]
        assert writes, f"/{route} ({name}) takes a form, but its API counterparts only read."
