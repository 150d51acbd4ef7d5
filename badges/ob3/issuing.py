"""Issuing Open Badges 3.0 credentials: issuer keys and their rotation, status list places,
signing an award's credential once, and flipping its revocation bit.

Every function here runs inside the caller's transaction or its own, and is safe to call
twice or concurrently: one current key per issuer, one credential per award and one
credential per status bit are database constraints, and the loser of a race takes the
winner's row.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.selectors import is_admin_of
from audit import services as audit
from badges.models import Award, Issuer, IssuerKey, OpenBadgeCredential, StatusList
from badges.ob3 import credentials, keys, proofs, status_list, urls


class NotIssuable(Exception):
    """A revoked award gets no new credential: there would be nothing true to sign."""


def _create_key(issuer: Issuer) -> IssuerKey:
    private = keys.new_private_key()
    return IssuerKey.objects.create(
        issuer=issuer,
        public_key_multibase=keys.public_key_multibase(keys.raw_public(private.public_key())),
        encrypted_private_key=keys.encrypt_private_key(private),
    )


def current_key(issuer: Issuer) -> IssuerKey:
    """The issuer's current signing key, made on first use."""
    found = IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).first()
    if found:
        found.issuer = issuer  # already in hand: no query to name the verification method
        return found
    try:
        with transaction.atomic():
            return _create_key(issuer)
    except IntegrityError:
        # Another request made the issuer's first key a moment ago; that one is the key.
        return IssuerKey.objects.get(issuer=issuer, retired_at__isnull=True)


def verification_method(key: IssuerKey) -> str:
    return urls.verification_method_id(key.issuer, key.public_key_multibase)


@transaction.atomic
def rotate_issuer_key(*, issuer: Issuer, actor=None) -> IssuerKey:
    """Retire the issuer's current key and make a new one for new credentials. The retired
    key stays published, so every credential it signed still verifies. `actor` is an admin
    of the issuing organisation, or None for an operator at the command line."""
    if actor is not None and not is_admin_of(actor, issuer.organisation_id):
        raise PermissionDenied("Only the admins of the issuing organisation can do this.")
    Issuer.objects.select_for_update().get(pk=issuer.pk)
    retired = IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).first()
    if retired:
        retired.retired_at = timezone.now()
        retired.save(update_fields=["retired_at"])
    key = _create_key(issuer)
    audit.append(
        actor=actor,
        action="rotate_badge_key",
        obj=key,
        payload={
            "issuer": issuer.pk,
            "new": key.public_key_multibase,
            "retired": retired.public_key_multibase if retired else None,
        },
        chain=audit.organisation_chain(issuer.organisation_id),
    )
    return key


def status_place(issuer: Issuer) -> tuple[StatusList, int]:
    """A free random index in the issuer's newest list that is not yet half full. Award
    credentials and endorsements (badges.services.endorsements) take their places here."""
    current = StatusList.objects.filter(issuer=issuer).order_by("-pk").first()
    if current is None or status_list.is_full(current):
        current = StatusList.objects.create(issuer=issuer)
    taken = True
    while taken:
        index = status_list.random_index()
        taken = status_list.taken(current, index)
    return current, index


def hold_place(place: StatusList) -> None:
    """Count a place taken in `place`, in the transaction that saved its holder (an award's
    credential or an endorsement), for status_place to read. The list's row stays locked
    until that transaction commits, so this comes after the holder's insert and its
    signing: concurrent signers for the issuer wait only for the rest of the transaction."""
    StatusList.objects.filter(pk=place.pk).update(places_taken=F("places_taken") + 1)


def _sign(award: Award, key: IssuerKey, place: StatusList, index: int) -> tuple[dict, str]:
    unsigned = credentials.credential_document(award, status_entry=status_list.entry(place, index))
    private = keys.decrypt_private_key(key.encrypted_private_key)
    method = verification_method(key)
    signed = proofs.add_proof(
        unsigned,
        key=private,
        verification_method=method,
        created=credentials.timestamp(timezone.now()),
    )
    return signed, proofs.sign_jwt(unsigned, key=private, verification_method=method)


def credential_for(award: Award) -> OpenBadgeCredential:
    """The award's stored credential, signed now if it has none yet (awards made before
    Waymark issued Open Badges 3.0 get theirs on first request)."""
    existing = OpenBadgeCredential.objects.filter(award=award).first()
    if existing:
        return existing
    with transaction.atomic():
        # Locked as revoke_award locks it: a revocation either comes first (and no
        # credential is signed) or waits and then flips the new credential's bit.
        revoked_at = (
            Award.objects.select_for_update().values_list("revoked_at", flat=True).get(pk=award.pk)
        )
        if revoked_at:
            raise NotIssuable("This badge has been revoked.")
        # Whoever held the lock before us may have signed it meanwhile.
        return OpenBadgeCredential.objects.filter(award=award).first() or _issue(award)


def _issue(award: Award) -> OpenBadgeCredential:
    issuer = award.badge_class.issuer
    key = current_key(issuer)
    # A retry covers the rare random index another request took between the pick and insert.
    for _attempt in range(5):
        place, index = status_place(issuer)
        document, jwt = _sign(award, key, place, index)
        try:
            with transaction.atomic():
                issued = OpenBadgeCredential.objects.create(
                    award=award,
                    document=document,
                    jwt=jwt,
                    key=key,
                    status_list=place,
                    status_index=index,
                )
                hold_place(place)
                return issued
        except IntegrityError:
            winner = OpenBadgeCredential.objects.filter(award=award).first()
            if winner:
                # Another request signed this award's credential first; theirs stands.
                return winner
    raise RuntimeError("No free status list index after five tries.")


def revoke_in_status_list(award: Award) -> None:
    """Set the award's revocation bit, in the caller's transaction. The list row is locked
    so that concurrent revocations in one list do not overwrite each other's bits."""
    issued = OpenBadgeCredential.objects.filter(award=award).first()
    if issued is not None:
        set_status_bit(list_id=issued.status_list_id, index=issued.status_index)


def set_status_bit(*, list_id: int, index: int) -> None:
    """Set one bit of a status list, in the caller's transaction, with the list locked."""
    locked = StatusList.objects.select_for_update().get(pk=list_id)
    locked.bits = status_list.with_bit_set(bytes(locked.bits), index)
    locked.updated_at = timezone.now()
    locked.save(update_fields=["bits", "updated_at"])


def signed_status_list(place: StatusList) -> dict:
    """The list as a signed BitstringStatusListCredential, signed with the issuer's current
    key and dated by its last change, so the same state always gives the same document."""
    key = current_key(place.issuer)
    return proofs.add_proof(
        status_list.list_document(place),
        key=keys.decrypt_private_key(key.encrypted_private_key),
        verification_method=verification_method(key),
        created=credentials.timestamp(place.updated_at),
    )
