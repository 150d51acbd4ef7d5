"""The public addresses Open Badges 3.0 documents name. They are signed into credentials,
so they never change."""

from django.urls import reverse

from badges.models import Award, Issuer, StatusList
from core.site import absolute_url


def profile_url(issuer: Issuer) -> str:
    """The issuer's id in every credential and the controller of its keys."""
    return absolute_url(reverse("badges:ob3_issuer", args=[issuer.pk]))


def verification_method_id(issuer: Issuer, public_key_multibase: str) -> str:
    return f"{profile_url(issuer)}#{public_key_multibase}"


def credential_url(award: Award) -> str:
    return absolute_url(reverse("badges:award_credential", args=[award.uid]))


def credential_jwt_url(award: Award) -> str:
    return absolute_url(reverse("badges:award_credential_jwt", args=[award.uid]))


def status_list_url(status_list: StatusList) -> str:
    return absolute_url(reverse("badges:ob3_status_list", args=[status_list.pk]))


def endorsement_credential_url(endorsement) -> str:
    return absolute_url(reverse("badges:endorsement_credential", args=[endorsement.uid]))


def endorsement_credential_jwt_url(endorsement) -> str:
    return absolute_url(reverse("badges:endorsement_credential_jwt", args=[endorsement.uid]))
