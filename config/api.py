"""The API's wiring: every viewset of every app is registered here, and nowhere else."""

from django.urls import path

from accounts import api as accounts
from assessments import api as assessments
from badges import api as badges
from badges import api_issuer_domains as issuer_domains
from core.api import Router
from curriculum import api as curriculum
from exports import api as exports
from integrations.webhooks import api as webhooks
from integrations.xapi import api as xapi
from portfolio import api as portfolio
from teaching import api as teaching

router = Router()
# Accounts
router.register("tokens", accounts.TokenViewSet, basename="token")
# Curriculum
router.register("frameworks", curriculum.FrameworkViewSet, basename="framework")
router.register("items", curriculum.ItemViewSet, basename="item")
# A trainee's coverage of a programme (portfolio's), beside the programme itself:
# /programmes/{id}/coverage/. Registered first, so that the API root's "programmes" link
# names the programme list, which the registration after it sets.
router.register("programmes", portfolio.ProgrammeCoverageViewSet, basename="programme-coverage")
router.register("programmes", curriculum.ProgrammeViewSet, basename="programme")
# Portfolio (the path keeps the API's first name for learning entries)
router.register("events", portfolio.EntryViewSet, basename="entry")
router.register("evidence", portfolio.EvidenceViewSet, basename="evidence")
router.register("sign-off-requests", portfolio.SignOffRequestViewSet, basename="sign-off-request")
router.register("reading-lists", portfolio.ReadingListViewSet, basename="reading-list")
# Assessments
router.register("assessments", assessments.AssessmentViewSet, basename="assessment")
router.register("assessment-forms", assessments.AssessmentFormViewSet, basename="assessment-form")
# Teaching
router.register(
    "teaching-programmes", teaching.TeachingProgrammeViewSet, basename="teaching-programme"
)
router.register("teaching-sessions", teaching.TeachingSessionViewSet, basename="teaching-session")
# Badges
router.register("awards", badges.AwardViewSet, basename="award")
router.register("badge-classes", badges.BadgeClassViewSet, basename="badge-class")
router.register("badge-progress", badges.BadgeProgressViewSet, basename="badge-progress")
# Exports
router.register("exports", exports.ExportViewSet, basename="export")
# Integrations
router.register("connected-providers", xapi.ConnectedProviderViewSet, basename="connected-provider")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")

urlpatterns = [
    path("me/", accounts.me, name="me"),
    # An issuer's domain verification, beside the issuer profile it proves.
    path(
        "organisations/<slug:slug>/issuer/domain-verification/",
        issuer_domains.domain_verification,
        name="issuer-domain-verification",
    ),
    path(
        "organisations/<slug:slug>/issuer/domain-verification/check/",
        issuer_domains.domain_check,
        name="issuer-domain-check",
    ),
    path(
        "organisations/<slug:slug>/issuer/domain-verification/token/",
        issuer_domains.domain_token,
        name="issuer-domain-token",
    ),
    # Last: the router ends with a catch-all that answers unknown API addresses with a 404.
    *router.urls,
]
