"""The API's wiring: every viewset of every app is registered here, and nowhere else."""

from django.urls import path

from accounts import api as accounts
from assessments import api as assessments
from badges import api as badges
from badges import api_issuer_domains as issuer_domains
from core.api import Router
from curriculum import api as curriculum
from exports import api as exports
from integrations import api_apps as apps
from integrations.webhooks import api as webhooks
from integrations.xapi import api as xapi
from notifications import api as notifications
from passport import api as passport
from portfolio import api as portfolio
from reviews import api as reviews
from reviews import api_reports as review_reports
from teaching import api as teaching

router = Router()
# Accounts
router.register("tokens", accounts.TokenViewSet, basename="token")
router.register("organisations", accounts.OrganisationViewSet, basename="organisation")
# An organisation's administration, for its admins: /organisations/{slug}/….
ORGANISATION = r"organisations/(?P<slug>[^/.]+)"
router.register(f"{ORGANISATION}/members", accounts.MemberViewSet, basename="organisation-member")
router.register(
    f"{ORGANISATION}/invitations", accounts.InvitationViewSet, basename="organisation-invitation"
)
router.register(
    f"{ORGANISATION}/supervisions", accounts.SupervisionViewSet, basename="organisation-supervision"
)
# Curriculum
router.register("frameworks", curriculum.FrameworkViewSet, basename="framework")
router.register("items", curriculum.ItemViewSet, basename="item")
# A trainee's coverage of a programme (portfolio's), beside the programme itself:
# /programmes/{id}/coverage/. Registered first, so that the API root's "programmes" link
# names the programme list, which the registration after it sets.
router.register("programmes", portfolio.ProgrammeCoverageViewSet, basename="programme-coverage")
router.register("programmes", curriculum.ProgrammeViewSet, basename="programme")
# What a programme holds, for its organisation's admins: /programmes/{programme_id}/….
PROGRAMME = r"programmes/(?P<programme_id>[0-9]+)"
router.register(
    f"{PROGRAMME}/enrolments", curriculum.EnrolmentViewSet, basename="programme-enrolment"
)
router.register(
    f"{PROGRAMME}/requirements", curriculum.RequirementViewSet, basename="programme-requirement"
)
# Portfolio (the path keeps the API's first name for learning entries)
router.register("events", portfolio.EntryViewSet, basename="entry")
router.register("evidence", portfolio.EvidenceViewSet, basename="evidence")
router.register("sign-off-requests", portfolio.SignOffRequestViewSet, basename="sign-off-request")
router.register("reading-lists", portfolio.ReadingListViewSet, basename="reading-list")
router.register("cpd", portfolio.CpdViewSet, basename="cpd")
router.register("trainees", portfolio.TraineeViewSet, basename="trainee")
router.register(
    r"organisations/(?P<slug>[^/.]+)/sign-offs",
    portfolio.OrganisationSignOffViewSet,
    basename="organisation-sign-off",
)
# Assessments
router.register("assessments", assessments.AssessmentViewSet, basename="assessment")
router.register("assessment-forms", assessments.AssessmentFormViewSet, basename="assessment-form")
# Annual reviews
router.register(
    "review-requirements", reviews.ReviewRequirementViewSet, basename="review-requirement"
)
router.register("annual-reviews", reviews.AnnualReviewViewSet, basename="annual-review")
router.register("report-questions", reviews.ReportQuestionsViewSet, basename="report-questions")
router.register(
    "supervisor-reports", review_reports.SupervisorReportViewSet, basename="supervisor-report"
)
# Teaching
router.register(
    "teaching-programmes", teaching.TeachingProgrammeViewSet, basename="teaching-programme"
)
router.register("teaching-sessions", teaching.TeachingSessionViewSet, basename="teaching-session")
# Badges
router.register("awards", badges.AwardViewSet, basename="award")
router.register("badge-classes", badges.BadgeClassViewSet, basename="badge-class")
router.register(
    r"badge-classes/(?P<badge_class_id>[0-9]+)/awards",
    badges.BadgeClassAwardViewSet,
    basename="badge-class-award",
)
router.register("badge-progress", badges.BadgeProgressViewSet, basename="badge-progress")
router.register(
    f"{ORGANISATION}/issuer/endorsements",
    badges.IssuerEndorsementViewSet,
    basename="issuer-endorsement",
)
router.register("external-badges", badges.ExternalBadgeViewSet, basename="external-badge")
# The mandatory-training passport, for an organisation's admins
router.register(
    f"{ORGANISATION}/passport/acceptances",
    passport.AcceptanceViewSet,
    basename="passport-acceptance",
)
router.register(
    f"{ORGANISATION}/passport/compliance",
    passport.ComplianceViewSet,
    basename="passport-compliance",
)
# Exports
router.register("exports", exports.ExportViewSet, basename="export")
router.register("imports", exports.ImportViewSet, basename="import")
# Notifications
router.register("notifications", notifications.NotificationViewSet, basename="notification")
# Integrations
router.register("apps", apps.AppViewSet, basename="app")
router.register("connected-apps", apps.ConnectedAppViewSet, basename="connected-app")
router.register("connected-providers", xapi.ConnectedProviderViewSet, basename="connected-provider")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")
router.register(
    r"organisations/(?P<slug>[^/.]+)/xapi-keys", xapi.XapiKeyViewSet, basename="xapi-key"
)

urlpatterns = [
    path("me/", accounts.me, name="me"),
    path(
        "notification-preferences/",
        notifications.notification_preferences,
        name="notification-preferences",
    ),
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
    path("passport/", passport.passport, name="passport"),
    # Badges: one of each per caller or organisation, so no router collection.
    path("badge-profile/", badges.PublicProfileView.as_view(), name="badge-profile"),
    path("credential-checks/", badges.CredentialCheckView.as_view(), name="credential-check"),
    path(
        "organisations/<slug:slug>/issuer/",
        badges.IssuerView.as_view(),
        name="organisation-issuer",
    ),
    # Last: the router ends with a catch-all that answers unknown API addresses with a 404.
    *router.urls,
]
