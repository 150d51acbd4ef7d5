"""API for an issuer's domain verification, for the admins of its organisation: the token and
where to publish it, the standing and the last check; checking now; a new token. The same
services as the issuer page's "Verify your domain" card (badges.services.issuer_domains).

Closed to apps: proving an organisation's domain is done by its admins in person."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors as account_selectors
from badges import selectors, trust
from badges.models import IssuerDomainVerification, IssuerRecognition
from badges.services import issuer_domains
from core.api import UNAUTHENTICATED, ErrorSerializer
from core.api_scopes import declare_scopes


class RecognitionSerializer(serializers.Serializer):
    recognised_as = serializers.ChoiceField(choices=IssuerRecognition.Kind.choices)
    label = serializers.CharField(help_text="In words: “a royal college or faculty”.")
    since = serializers.DateTimeField()
    evidence = serializers.CharField(help_text="What Waymark's staff relied on; public.")


class DomainVerificationSerializer(serializers.Serializer):
    domain = serializers.CharField(help_text="The host of the issuer's web address.")
    verified = serializers.BooleanField()
    verified_since = serializers.DateTimeField(
        allow_null=True, help_text="Since when the domain has been proven; null if it is not."
    )
    verified_by = serializers.ChoiceField(
        choices=IssuerDomainVerification.Method.choices,
        allow_null=True,
        help_text="How it was proven; null if it is not.",
    )
    token = serializers.CharField(
        allow_null=True, help_text="The token to publish; null until one is made (POST token/)."
    )
    well_known_url = serializers.URLField(help_text="Where to publish the token as a file.")
    dns_name = serializers.CharField(help_text="Or: the name of a DNS TXT record…")
    dns_value = serializers.CharField(
        allow_null=True, help_text="…with this value. Null until a token is made."
    )
    last_checked_at = serializers.DateTimeField(allow_null=True)
    last_result = serializers.CharField(help_text="What the last check found, in words.")
    recognition = RecognitionSerializer(
        allow_null=True, help_text="Waymark's staff's recognised-body mark; null if none."
    )


def _answer(issuer) -> Response:
    card = trust.domain_card(issuer)
    record, standing = card["domain_record"], card["trust"]
    return Response(
        DomainVerificationSerializer(
            {
                "domain": standing.domain,
                "verified": standing.verified,
                "verified_since": standing.verified_since,
                "verified_by": standing.method or None,
                "token": record.token if record else None,
                "well_known_url": card["well_known_url"],
                "dns_name": card["dns_name"],
                "dns_value": card["dns_value"] or None,
                "last_checked_at": record.last_checked_at if record else None,
                "last_result": record.last_result if record else "",
                "recognition": {
                    "recognised_as": standing.recognised_kind,
                    "label": standing.recognised_as,
                    "since": standing.recognised_since,
                    "evidence": standing.recognition_evidence,
                }
                if standing.recognised
                else None,
            }
        ).data
    )


def _issuer_for_admin(user, slug):
    organisation = account_selectors.access_organisation_for_admin(user, slug)
    issuer = selectors.issuer_of(organisation)
    if issuer is None:
        raise exceptions.NotFound("This organisation has no issuer profile yet.")
    return issuer


NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No organisation you administer has this slug, or it has no issuer profile.",
)
EXAMPLE = OpenApiExample(
    "Verified by a well-known file",
    value={
        "domain": "st-elsewhere.example",
        "verified": True,
        "verified_since": "2026-03-02T09:15:00Z",
        "verified_by": "well_known",
        "token": "k3J9x0c5Qm1yZ0RhYk1tM3VQZ2xQbm1qU2d4dVZ2Rm8",
        "well_known_url": "https://st-elsewhere.example/.well-known/waymark-issuer.txt",
        "dns_name": "_waymark.st-elsewhere.example",
        "dns_value": "waymark-issuer=k3J9x0c5Qm1yZ0RhYk1tM3VQZ2xQbm1qU2d4dVZ2Rm8",
        "last_checked_at": "2026-03-09T04:41:02Z",
        "last_result": "Verified: the token was found at "
        "https://st-elsewhere.example/.well-known/waymark-issuer.txt.",
        "recognition": None,
    },
    response_only=True,
)
DESCRIPTION = (
    "Publish `token` either as a file at `well_known_url` holding it on a line of its own, or "
    "as a DNS TXT record named `dns_name` with the value `dns_value`. Waymark looks for it "
    "when asked (`check/`) and again every day; a check that no longer finds it, a new token, "
    "or a new domain in the issuer's web address makes the issuer unverified."
)


@extend_schema(
    summary="The issuer's domain verification (organisation admins)",
    description=DESCRIPTION,
    responses={200: DomainVerificationSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    examples=[EXAMPLE],
    tags=["badges"],
)
@declare_scopes()
@api_view(["GET"])
def domain_verification(request, slug):
    return _answer(_issuer_for_admin(request.user, slug))


@extend_schema(
    summary="Look for the issuer's token now (organisation admins)",
    description="Fetches the well-known file, then looks up the TXT record, and records what "
    "was found, as the page's “Check now” does; the answer says whether the issuer is "
    "verified and, in `last_result`, why. At most once a minute per issuer.",
    request=None,
    responses={
        200: DomainVerificationSerializer,
        401: UNAUTHENTICATED,
        404: NOT_FOUND,
        429: OpenApiResponse(
            ErrorSerializer,
            description="Checked less than a minute ago; `Retry-After` says when to try again.",
        ),
    },
    examples=[EXAMPLE],
    tags=["badges"],
)
@declare_scopes()
@api_view(["POST"])
def domain_check(request, slug):
    issuer = _issuer_for_admin(request.user, slug)
    try:
        issuer_domains.check_now(issuer=issuer, actor=request.user)
    except issuer_domains.CheckTooSoon as too_soon:
        raise exceptions.Throttled(wait=too_soon.retry_after, detail=str(too_soon)) from None
    return _answer(issuer)


@extend_schema(
    summary="Make a new token for the issuer (organisation admins)",
    description="Replaces the token (or makes the first one). A verification made with the "
    "old token is withdrawn: publish the new one, then check.",
    request=None,
    responses={200: DomainVerificationSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    tags=["badges"],
)
@declare_scopes()
@api_view(["POST"])
def domain_token(request, slug):
    issuer = _issuer_for_admin(request.user, slug)
    issuer_domains.regenerate_token(issuer=issuer, actor=request.user)
    return _answer(issuer)
