"""API for people and organisations: the signed-in user and their tokens, their
organisations, and each organisation's members, invitations and supervision for its admins.

Every change goes through accounts.services and every read through accounts.selectors, as
for the pages; the services' refusals become the API's errors in core.api's handler."""

from accounts.api.organisations import InvitationViewSet, MemberViewSet, OrganisationViewSet
from accounts.api.people import TokenViewSet, me
from accounts.api.supervision import SupervisionViewSet

__all__ = [
    "InvitationViewSet",
    "MemberViewSet",
    "OrganisationViewSet",
    "SupervisionViewSet",
    "TokenViewSet",
    "me",
]
