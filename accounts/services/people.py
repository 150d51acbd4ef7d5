"""A person's own account: their profile and the API tokens they make for other systems.
Only the person themself changes these."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import PersonalAccessToken, User
from audit import services as audit

# The lifetimes a personal access token may be given, by the name the account page and the
# API offer them under.
TOKEN_LIFETIMES: dict[str, timedelta | None] = {
    "30": timedelta(days=30),
    "90": timedelta(days=90),
    "365": timedelta(days=365),
    "never": None,
}


def refuse_unless_self(actor: User | None, user: User, message: str) -> None:
    """`actor=None` is the system itself (a management command run by whoever runs the
    server)."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(message)


@transaction.atomic
def update_profile(
    *, user: User, full_name: str, registration_number: str, actor: User | None
) -> User:
    refuse_unless_self(actor, user, "Only you can change your profile.")
    if (
        registration_number
        and User.objects.filter(registration_number=registration_number)
        .exclude(pk=user.pk)
        .exists()
    ):
        raise ValidationError(
            {"registration_number": "Another account already uses this GMC number."}
        )
    user.full_name = full_name
    user.registration_number = registration_number
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "registration_number"])
    return user


@transaction.atomic
def create_personal_access_token(
    *, user: User, name: str, expires_in: timedelta | None, actor: User | None
) -> tuple[PersonalAccessToken, str]:
    """Returns the token row and the token itself, which is shown once and never stored."""
    refuse_unless_self(actor, user, "Only you can make tokens for your account.")
    token, secret = PersonalAccessToken.objects.create(user=user, expiry=expires_in, name=name)
    # The key is the token's public identifier, shown on the account page; the token itself
    # and its digest stay out of the log.
    audit.append(
        actor=actor,
        action="create_token",
        obj=user,
        payload={
            "token_key": token.token_key,
            "expiry": token.expiry.isoformat() if token.expiry else None,
        },
        chain=audit.user_chain(user.pk),
    )
    return token, secret


@transaction.atomic
def revoke_personal_access_token(*, token: PersonalAccessToken, actor: User | None) -> None:
    refuse_unless_self(actor, token.user, "Only the token's owner can revoke it.")
    audit.append(
        actor=actor,
        action="revoke_token",
        obj=token.user,
        payload={"token_key": token.token_key},
        chain=audit.user_chain(token.user_id),
    )
    token.delete()


@transaction.atomic
def revoke_tokens_after_password_change(*, user: User, how: str, actor: User | None) -> int:
    """A new password ends every API token the account had: someone who took the account
    over and made a token must not keep a way in after the owner recovers it. `how` is
    "change" or "reset". Returns how many tokens were revoked."""
    refuse_unless_self(actor, user, "Only you can change your password.")
    if how not in {"change", "reset"}:
        raise ValidationError({"how": "Must be 'change' or 'reset'."})
    tokens = PersonalAccessToken.objects.select_for_update().filter(user=user)
    keys = sorted(tokens.values_list("token_key", flat=True))
    if keys:
        audit.append(
            actor=actor,
            action="revoke_tokens_on_password_" + how,
            obj=user,
            payload={"token_keys": keys},
            chain=audit.user_chain(user.pk),
        )
        tokens.delete()
    return len(keys)
