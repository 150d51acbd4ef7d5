"""Badges issued elsewhere that arrive with an imported portfolio. They are kept as they
came, original assertion and baked image, and are never awards here: no rule, stacking
rules included, counts them."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from audit import services as audit
from badges.models import ExternalBadge


@transaction.atomic
def record_external_badge(
    *,
    actor,
    trainee,
    uid: UUID,
    badge_name: str,
    issuer_name: str,
    issued_on: datetime,
    expires: datetime | None,
    assertion: dict,
    image: bytes,
    source: str,
    credential: dict | None = None,
    credential_jwt: str = "",
    saved_files: list | None = None,
) -> ExternalBadge:
    """Keep one badge issued elsewhere. The image's stored name is appended to
    `saved_files`, for the caller to remove should the transaction roll back. The trainee
    imports their own; an operator's command does so as the system (actor None)."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee imports badges into their own account.")
    badge = ExternalBadge(
        trainee=trainee,
        uid=uid,
        badge_name=badge_name,
        issuer_name=issuer_name,
        issued_on=issued_on,
        expires=expires,
        assertion=assertion,
        credential=credential,
        credential_jwt=credential_jwt,
        source=source,
    )
    # Through the storage API only: the private storage may be object storage.
    badge.image.save("badge.png", ContentFile(image), save=False)
    if saved_files is not None:
        saved_files.append(badge.image.name)
    badge.save()
    audit.append(
        actor=actor,
        action="external_badge",
        obj=badge,
        payload={"uid": str(uid), "source": source},
        chain=audit.user_chain(trainee.pk),
    )
    return badge
