"""Every API operation says which OAuth scope it needs, or is on the list below of those
closed to apps on purpose: a new endpoint cannot be opened to apps by forgetting it."""

import pytest
from rest_framework.permissions import SAFE_METHODS

from config import api as api_urls
from core.api import not_found
from core.api_scopes import TokenHasDeclaredScope, declared_scopes

ORGANISATION_ADMIN = "Organisations are administered by their admins in person."
PROGRAMME_ADMIN = "Programmes are managed by their organisation's admins in person."

# (URL name, method): why apps may not use it.
CLOSED_TO_APPS = {
    ("api-root", "GET"): "The API's table of contents; apps are given its addresses instead.",
    ("token-list", "GET"): "Personal access tokens are their owner's alone, never an app's.",
    ("token-detail", "DELETE"): "Personal access tokens are their owner's alone, never an app's.",
    ("token-list", "POST"): "Personal access tokens are their owner's alone, never an app's.",
    ("me", "PATCH"): (
        "A profile is changed by its owner; an app changes a name through the Open Badges "
        "profile, with that API's own scope."
    ),
    ("organisation-member-list", "GET"): ORGANISATION_ADMIN,
    ("organisation-member-roles", "PUT"): ORGANISATION_ADMIN,
    ("organisation-invitation-list", "GET"): ORGANISATION_ADMIN,
    ("organisation-invitation-list", "POST"): ORGANISATION_ADMIN,
    ("organisation-invitation-revoke", "POST"): ORGANISATION_ADMIN,
    ("organisation-supervision-list", "GET"): ORGANISATION_ADMIN,
    ("organisation-supervision-list", "POST"): ORGANISATION_ADMIN,
    ("organisation-supervision-end", "POST"): ORGANISATION_ADMIN,
    ("programme-list", "POST"): PROGRAMME_ADMIN,
    ("programme-detail", "PATCH"): PROGRAMME_ADMIN,
    ("programme-enrolment-list", "GET"): PROGRAMME_ADMIN,
    ("programme-enrolment-list", "POST"): PROGRAMME_ADMIN,
    ("programme-enrolment-end", "POST"): PROGRAMME_ADMIN,
    ("programme-requirement-list", "GET"): PROGRAMME_ADMIN,
    ("programme-requirement-list", "POST"): PROGRAMME_ADMIN,
    ("programme-requirement-bulk", "POST"): PROGRAMME_ADMIN,
    ("programme-requirement-detail", "DELETE"): PROGRAMME_ADMIN,
    ("badge-class-list", "POST"): "Badge classes are made by organisation admins in person.",
    ("badge-class-detail", "PUT"): "Badge classes are changed by organisation admins in person.",
    ("badge-class-detail", "PATCH"): "Badge classes are changed by organisation admins in person.",
    ("award-revoke", "POST"): "Awards are revoked by the issuer's admins in person.",
    ("award-detail", "PATCH"): "Whether a badge is public is its earner's decision, in person.",
    ("badge-profile", "PUT"): "Whether a trainee's badges are public is decided in person.",
    ("external-badge-list", "POST"): "Apps add badges through the Open Badges API, its own scope.",
    ("external-badge-detail", "PATCH"): "Whether a badge is public is its earner's decision.",
    ("external-badge-detail", "DELETE"): "A badge leaves the backpack by its holder, in person.",
    ("badge-class-award-list", "GET"): "Who holds a badge is for the issuer's admins in person.",
    ("badge-class-award-list", "POST"): "Badges are awarded by the issuer's admins in person.",
    ("organisation-issuer", "GET"): "The issuer profile is kept by its admins in person.",
    ("organisation-issuer", "PUT"): "The issuer profile is kept by its admins in person.",
    ("connected-provider-list", "POST"): "Consent to a provider is given in person.",
    ("connected-provider-detail", "DELETE"): "Consent to a provider is withdrawn in person.",
    ("app-list", "GET"): "An app does not see which apps a person registered.",
    ("app-list", "POST"): "An app may not register apps.",
    ("connected-app-list", "GET"): "Which apps a person allowed is theirs to see, not an app's.",
    ("connected-app-detail", "DELETE"): "Consent to an app is taken back in person.",
    ("xapi-key-list", "GET"): "A provider's keys are its admins' to manage, in person.",
    ("xapi-key-list", "POST"): "A provider's keys are its admins' to manage, in person.",
    ("xapi-key-rotate", "POST"): "A provider's keys are its admins' to manage, in person.",
    ("xapi-key-revoke", "POST"): "A provider's keys are its admins' to manage, in person.",
    ("teaching-programme-list", "POST"): "Teaching is set up by organisation admins in person.",
    ("teaching-session-list", "POST"): "Teaching is set up by organisation admins in person.",
    ("organisation-sign-off-list", "GET"): (
        "An organisation's sign-offs are for its admins in person, not a person's portfolio."
    ),
    ("organisation-sign-off-withdraw", "POST"): (
        "Organisation admins withdraw sign-offs in person."
    ),
    ("issuer-domain-verification", "GET"): "An issuer's domain is proven by its admins in person.",
    ("issuer-domain-check", "POST"): "An issuer's domain is proven by its admins in person.",
    ("issuer-domain-token", "POST"): "An issuer's domain is proven by its admins in person.",
    (
        "passport-acceptance-list",
        "POST",
    ): "What an organisation accepts is set by admins in person.",
    ("passport-acceptance-detail", "DELETE"): (
        "What an organisation accepts is set by admins in person."
    ),
    ("passport-compliance-list", "GET"): (
        "An organisation's trainees' training records are for its admins in person."
    ),
    ("issuer-endorsement-list", "GET"): "An issuer's endorsements are its admins' in person.",
    ("issuer-endorsement-list", "POST"): "An issuer endorses through its admins in person.",
    ("issuer-endorsement-withdraw", "POST"): "An issuer withdraws through its admins in person.",
    ("review-requirement-list", "POST"): "Review requirements are set by admins in person.",
    ("review-requirement-detail", "DELETE"): "Review requirements are removed by admins in person.",
    ("annual-review-review-date", "POST"): "Review dates are set by admins in person.",
    ("report-questions-detail", "PUT"): "A report's questions are set by admins in person.",
    ("supervisor-report-list", "POST"): "A supervisor starts their report in person.",
    ("supervisor-report-detail", "PUT"): "A supervisor writes their report in person.",
    ("supervisor-report-detail", "PATCH"): "A supervisor writes their report in person.",
    ("supervisor-report-sign", "POST"): "A supervisor signs their report in person.",
}


def operations():
    """(URL name, method, view) for every operation the API answers."""
    seen = set()
    for pattern in api_urls.urlpatterns:
        callback = pattern.callback
        if callback is not_found or (pattern.name, callback) in seen:
            continue
        seen.add((pattern.name, callback))
        actions = getattr(callback, "actions", None) or {
            method: None
            for method in callback.cls.http_method_names
            if method not in ("options", "head") and hasattr(callback.cls, method)
        }
        for method, action in actions.items():
            view = callback.cls(**getattr(callback, "initkwargs", {}))
            view.action = action
            view.format_kwarg = None
            yield pattern.name, method.upper(), view


OPERATIONS = sorted(operations(), key=lambda op: (op[0], op[1]))


def test_the_walk_finds_the_api():
    names = {name for name, _, _ in OPERATIONS}
    assert {"me", "entry-list", "entry-detail", "award-list", "token-list"} <= names


@pytest.mark.parametrize(
    ("name", "method", "view"), OPERATIONS, ids=[f"{n} {m}" for n, m, _ in OPERATIONS]
)
def test_every_operation_declares_a_scope_or_is_closed_to_apps_on_purpose(name, method, view):
    scopes = declared_scopes(view, method)
    if (name, method) in CLOSED_TO_APPS:
        assert scopes is None, f"{name} {method} is listed as closed but declares {scopes}"
    else:
        assert scopes is not None, f"{name} {method} declares no OAuth scope"
    # A view that chooses its own permissions must still check scopes.
    assert any(isinstance(p, TokenHasDeclaredScope) for p in view.get_permissions())


def test_reading_never_needs_a_write_scope():
    for name, method, view in OPERATIONS:
        scopes = declared_scopes(view, method) or ()
        if method in SAFE_METHODS:
            assert not any(s.endswith(":write") for s in scopes), (name, method)


def test_the_closed_list_names_only_real_operations():
    real = {(name, method) for name, method, _ in OPERATIONS}
    assert set(CLOSED_TO_APPS) <= real
