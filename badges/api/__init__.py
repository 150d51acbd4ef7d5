"""API for badges: the caller's awards, progress and public profile; badge classes, which
anyone may read and the admins of the issuing organisation create and change; the issuer
profile and the awards of each badge class, for those admins; and checking any Open Badges
3.0 credential, for anyone.

Every change goes through badges.services and every read through badges.selectors, as for
the pages. The services' refusals become the API's errors in the shared exception handler
(core.api): invalid input 400 with `error.fields`, an inactive or revoked badge 409. What
the caller may not see does not exist for them: 404."""

from badges.api.awards import AwardViewSet, BadgeProgressViewSet
from badges.api.badge_classes import BadgeClassViewSet
from badges.api.credential_checks import CredentialCheckView
from badges.api.endorsements import IssuerEndorsementViewSet
from badges.api.external_badges import ExternalBadgeViewSet
from badges.api.issued_awards import BadgeClassAwardViewSet
from badges.api.issuers import IssuerView
from badges.api.public_profile import PublicProfileView

__all__ = [
    "AwardViewSet",
    "BadgeClassAwardViewSet",
    "BadgeClassViewSet",
    "BadgeProgressViewSet",
    "CredentialCheckView",
    "IssuerEndorsementViewSet",
    "ExternalBadgeViewSet",
    "IssuerView",
    "PublicProfileView",
]
