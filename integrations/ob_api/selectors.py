"""The credentials a trainee holds, as the Open Badges API lists them: the Open Badges
3.0 credentials of their standing awards, then the credentials issued elsewhere that they
keep here, one list in the order each became available."""

from datetime import datetime

from badges.models import Award, ExternalBadge, OpenBadgeCredential
from badges.ob3.issuing import credential_for

AWARD, EXTERNAL = "award", "external"


def sign_missing_credentials(trainee) -> None:
    """Awards made before Waymark issued Open Badges 3.0 get their credential signed now,
    so that the list is whole."""
    unsigned = Award.objects.filter(
        recipient=trainee, revoked_at__isnull=True, credential__isnull=True
    ).select_related("badge_class__issuer", "recipient")
    for award in unsigned:
        credential_for(award)


def held_credentials(trainee, *, since: datetime | None) -> list[tuple[datetime, str, int]]:
    """(available since, kind, id) of each credential, oldest first. Two queries."""
    awards = OpenBadgeCredential.objects.filter(
        award__recipient=trainee, award__revoked_at__isnull=True
    )
    external = ExternalBadge.objects.filter(trainee=trainee).exclude(
        credential__isnull=True, credential_jwt=""
    )
    if since is not None:
        awards = awards.filter(issued_at__gt=since)
        external = external.filter(imported_at__gt=since)
    keys = [(at, AWARD, pk) for at, pk in awards.values_list("issued_at", "pk")]
    keys += [(at, EXTERNAL, pk) for at, pk in external.values_list("imported_at", "pk")]
    return sorted(keys)


def credentials_page(keys: list[tuple[datetime, str, int]]) -> tuple[list[dict], list[str]]:
    """The credentials named by `keys`, in their order: JSON ones and compact JWS ones, as
    the spec's response holds them. Two queries."""
    wanted = {kind: [pk for _, k, pk in keys if k == kind] for kind in (AWARD, EXTERNAL)}
    awards = OpenBadgeCredential.objects.in_bulk(wanted[AWARD]) if wanted[AWARD] else {}
    external = ExternalBadge.objects.in_bulk(wanted[EXTERNAL]) if wanted[EXTERNAL] else {}
    documents, compact = [], []
    for _, kind, pk in keys:
        if kind == AWARD:
            documents.append(awards[pk].document)
        elif external[pk].credential is not None:
            documents.append(external[pk].credential)
        else:
            compact.append(external[pk].credential_jwt)
    return documents, compact
