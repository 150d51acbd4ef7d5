"""Writes for third-party apps: registering them, connecting and disconnecting people, and
ending what apps were given. The authorization server (django-oauth-toolkit) issues and
rotates the tokens itself; these are the changes around it that Waymark decides and audits."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AccessToken,
    Grant,
    RefreshToken,
    clear_expired,
    get_application_model,
)

from accounts.models import Organisation, User
from accounts.services.organisations import refuse_unless_admin
from accounts.services.people import refuse_unless_self
from audit import services as audit
from integrations.models import Connection, OrganisationApp

Application = get_application_model()

AUTHORIZATION_CODE = Application.GRANT_AUTHORIZATION_CODE
CLIENT_CREDENTIALS = Application.GRANT_CLIENT_CREDENTIALS
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def _chain_of(application) -> str:
    link = OrganisationApp.objects.filter(application=application).first()
    if link:
        return audit.organisation_chain(link.organisation_id)
    return audit.user_chain(application.user_id)


def _refuse_plain_http(redirect_uris: str) -> None:
    # A code sent over plain http to another machine can be read on the way; only the
    # loopback addresses a native app listens on may use it (RFC 8252 section 7.3).
    for uri in redirect_uris.split():
        try:
            parts = urlsplit(uri)
        except ValueError:  # an unclosed IPv6 bracket, say: no address at all
            raise ValidationError({"redirect_uris": f"{uri} is not a valid address."}) from None
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            raise ValidationError(
                {"redirect_uris": f"{uri} must use https (plain http only for localhost)."}
            )


@transaction.atomic
def register_application(
    *,
    owner: User,
    name: str,
    redirect_uris: str,
    public: bool,
    grant: str = AUTHORIZATION_CODE,
    organisation: Organisation | None = None,
    actor: User | None,
) -> tuple[Application, str | None]:
    """Register an app. Returns it and its client secret, which is shown once and stored
    only hashed; a public client (one that runs on people's devices) has no secret."""
    if organisation is None:
        refuse_unless_self(actor, owner, "Only you can register apps for your account.")
    else:
        refuse_unless_admin(actor, organisation)
    if grant not in {AUTHORIZATION_CODE, CLIENT_CREDENTIALS}:
        raise ValidationError({"grant": "Must be authorization-code or client-credentials."})
    if grant == CLIENT_CREDENTIALS:
        # The grant acts without a person: only for an organisation's own integrations,
        # which must be able to keep a secret.
        if organisation is None:
            raise ValidationError(
                {"grant": "Only an organisation's apps may use client credentials."}
            )
        if public:
            raise ValidationError({"public": "A client-credentials app must keep a secret."})
    _refuse_plain_http(redirect_uris)
    secret = None if public else generate_client_secret()
    application = Application(
        user=owner,
        name=name,
        redirect_uris=" ".join(redirect_uris.split()),
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant,
        client_secret=secret or "",
        hash_client_secret=not public,
        skip_authorization=False,
    )
    application.full_clean(exclude=["client_id"])
    application.save()
    if organisation is not None:
        OrganisationApp.objects.create(application=application, organisation=organisation)
    audit.append(
        actor=actor,
        action="register_oauth_app",
        obj=application,
        payload={
            "client_id": application.client_id,
            "name": name,
            "client_type": application.client_type,
            "grant": grant,
            "redirect_uris": application.redirect_uris.split(),
            "organisation": organisation.slug if organisation else None,
        },
        chain=_chain_of(application),
    )
    return application, secret


@transaction.atomic
def record_grant(*, user: User, application, scope: str) -> Connection:
    """A person's consent redeemed by an app: connect them, or record the scopes granted
    again, and audit the grant. The person is the actor: they consented."""
    connection, created = Connection.objects.select_for_update().get_or_create(
        user=user,
        application=application,
        defaults={"scope": scope, "connected_at": timezone.now()},
    )
    if not created and connection.scope != scope:
        connection.scope = scope
        connection.save(update_fields=["scope"])
    audit.append(
        actor=user,
        action="grant_oauth_app",
        obj=user,
        payload={"client_id": application.client_id, "scope": sorted(scope.split())},
        chain=audit.user_chain(user.pk),
    )
    return connection


def _end_tokens(user: User, application=None) -> int:
    """Revoke the person's refresh tokens (which take their access tokens with them), any
    access tokens issued without one, and unredeemed codes. Returns the refresh tokens
    revoked."""
    refresh = RefreshToken.objects.filter(user=user, revoked__isnull=True)
    access = AccessToken.objects.filter(user=user)
    grants = Grant.objects.filter(user=user)
    if application is not None:
        refresh = refresh.filter(application=application)
        access = access.filter(application=application)
        grants = grants.filter(application=application)
    ended = 0
    for token in refresh.select_for_update():
        token.revoke()
        ended += 1
    access.delete()
    grants.delete()
    return ended


@transaction.atomic
def revoke_connection(*, connection: Connection, actor: User | None) -> None:
    """The person takes back an app's access: every token it holds for them stops working
    at once."""
    refuse_unless_self(
        actor, connection.user, "Only the person who connected an app can revoke it."
    )
    _end_tokens(connection.user, connection.application)
    audit.append(
        actor=actor,
        action="revoke_oauth_app",
        obj=connection.user,
        payload={"client_id": connection.application.client_id},
        chain=audit.user_chain(connection.user_id),
    )
    connection.delete()


@transaction.atomic
def record_token_revocation(*, token, kind: str) -> None:
    """An app gave a token back at the revocation endpoint (RFC 7009). The app is the
    actor, so the entry names none."""
    if token.user_id is None:
        return
    audit.append(
        actor=None,
        action="revoke_oauth_token",
        obj=token.user,
        payload={"client_id": token.application.client_id, "token_type": kind},
        chain=audit.user_chain(token.user_id),
    )


@transaction.atomic
def revoke_app_tokens_after_password_change(*, user: User, how: str, actor: User | None) -> int:
    """A new password ends every app's tokens for the account, as it ends personal access
    tokens: an app connected by someone who took the account over must lose it too. The
    connections go with them, so the apps must be connected again. `how` is "change" or
    "reset". Returns how many apps lost their access."""
    refuse_unless_self(actor, user, "Only you can change your password.")
    if how not in {"change", "reset"}:
        raise ValidationError({"how": "Must be 'change' or 'reset'."})
    connections = Connection.objects.select_for_update().of(user).select_related("application")
    client_ids = sorted(c.application.client_id for c in connections)
    ended = _end_tokens(user)
    if client_ids or ended:
        audit.append(
            actor=actor,
            action="revoke_oauth_apps_on_password_" + how,
            obj=user,
            payload={"client_ids": client_ids},
            chain=audit.user_chain(user.pk),
        )
    connections.delete()
    return len(client_ids)


@transaction.atomic
def clear_expired_tokens() -> int:
    """Delete expired and revoked tokens (the toolkit's sweep), then the connections left
    with no token at all: an app whose refresh token lapsed must be allowed again, and no
    longer shows as connected. Returns how many connections ended."""
    clear_expired()
    live = RefreshToken.objects.filter(
        user=OuterRef("user"), application=OuterRef("application"), revoked__isnull=True
    )
    access = AccessToken.objects.filter(
        user=OuterRef("user"), application=OuterRef("application"), expires__gt=timezone.now()
    )
    lapsed = Connection.objects.filter(~Exists(live), ~Exists(access))
    ended, _ = lapsed.delete()
    return ended
