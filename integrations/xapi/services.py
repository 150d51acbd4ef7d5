"""Writes for xAPI intake: providers' credentials, trainees' consent to providers, and
statements received, each turned into a learning entry through the portfolio's services."""

import secrets
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import Organisation, User
from accounts.services.organisations import refuse_unless_admin
from accounts.services.people import refuse_unless_self
from audit import services as audit
from core.errors import StateConflict
from integrations.xapi import mapping, statements
from integrations.xapi.models import ProviderConnection, Statement, XapiCredential
from portfolio import services as portfolio
from portfolio.models import Source

# The secret is random, so a keyed hash (HMAC under the site's secret key) is as strong as
# a slow password hash and costs nothing on every statement sent.
SECRET_SALT = "waymark.xapi.credential"


class ConsentRefused(PermissionDenied):
    """The statement names no trainee who allowed this provider (403)."""


class StatementConflict(StateConflict):
    """A statement id already stored with other content, or a void that cannot be (409)."""


def hash_secret(secret: str) -> str:
    return salted_hmac(SECRET_SALT, secret, algorithm="sha256").hexdigest()


def secret_matches(credential: XapiCredential, secret: str) -> bool:
    return constant_time_compare(credential.secret_hash, hash_secret(secret))


def refuse_unless_provider(organisation: Organisation) -> None:
    if organisation.kind != Organisation.Kind.ELEARNING_PROVIDER:
        raise ValidationError(
            {
                "organisation": f"{organisation} is not an e-learning provider, so it "
                "cannot send statements."
            }
        )


# --- Credentials -------------------------------------------------------------------------------


@transaction.atomic
def create_credential(
    *, organisation: Organisation, actor: User | None
) -> tuple[XapiCredential, str]:
    """A new key and secret for the provider. Returns the credential and the secret, which
    is shown once and stored only hashed."""
    refuse_unless_admin(actor, organisation)
    refuse_unless_provider(organisation)
    secret = secrets.token_urlsafe(32)
    credential = XapiCredential.objects.create(
        organisation=organisation,
        key="xapi_" + secrets.token_hex(12),
        secret_hash=hash_secret(secret),
        created_at=timezone.now(),
        created_by=actor,
    )
    audit.append(
        actor=actor,
        action="create_xapi_credential",
        obj=organisation,
        payload={"key": credential.key},
        chain=audit.organisation_chain(organisation.pk),
    )
    return credential, secret


@transaction.atomic
def revoke_credential(*, credential: XapiCredential, actor: User | None) -> None:
    refuse_unless_admin(actor, credential.organisation)
    credential = XapiCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        return
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    audit.append(
        actor=actor,
        action="revoke_xapi_credential",
        obj=credential.organisation,
        payload={"key": credential.key},
        chain=audit.organisation_chain(credential.organisation_id),
    )


@transaction.atomic
def rotate_credential(
    *, credential: XapiCredential, actor: User | None
) -> tuple[XapiCredential, str]:
    """Revoke the credential and make its replacement, in one step."""
    revoke_credential(credential=credential, actor=actor)
    return create_credential(organisation=credential.organisation, actor=actor)


# --- Trainees' consent -------------------------------------------------------------------------


@transaction.atomic
def connect_provider(
    *,
    user: User,
    organisation: Organisation,
    actor: User | None,
    account_home_page: str = "",
    account_name: str = "",
) -> ProviderConnection:
    """Allow a provider to send completions into the person's portfolio. Connecting again
    changes the linked account."""
    refuse_unless_self(actor, user, "Only you can connect providers to your portfolio.")
    refuse_unless_provider(organisation)
    if account_home_page and not account_name:
        raise ValidationError({"account_name": "Give the account name at that address."})
    taken = (
        ProviderConnection.objects.filter(
            organisation=organisation,
            account_home_page=account_home_page,
            account_name=account_name,
        )
        .exclude(user=user)
        .exists()
    )
    if account_name and taken:
        raise ValidationError({"account_name": "Another Waymark account has linked that account."})
    connection, created = ProviderConnection.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"account_home_page": account_home_page, "account_name": account_name},
        create_defaults={
            "account_home_page": account_home_page,
            "account_name": account_name,
            "connected_at": timezone.now(),
        },
    )
    audit.append(
        actor=actor,
        action="connect_xapi_provider",
        obj=user,
        payload={"organisation": organisation.slug, "account_linked": bool(account_name)},
        chain=audit.user_chain(user.pk),
    )
    return connection


@transaction.atomic
def disconnect_provider(*, connection: ProviderConnection, actor: User | None) -> None:
    refuse_unless_self(actor, connection.user, "Only you can disconnect your providers.")
    audit.append(
        actor=actor,
        action="disconnect_xapi_provider",
        obj=connection.user,
        payload={"organisation": connection.organisation.slug},
        chain=audit.user_chain(connection.user_id),
    )
    connection.delete()


def consenting_trainee(provider: Organisation, actor: dict) -> User | None:
    """The trainee the statement's actor is, if they allowed this provider: by a verified
    email address for `mbox`, or by the account they linked for `account`."""
    connections = ProviderConnection.objects.filter(organisation=provider).select_related("user")
    if "mbox" in actor:
        email = actor["mbox"].removeprefix("mailto:")
        connections = connections.filter(
            user__emailaddress__email__iexact=email, user__emailaddress__verified=True
        )
    elif "account" in actor:
        account = actor["account"]
        connections = connections.filter(account_name=account["name"]).filter(
            Q(account_home_page="") | Q(account_home_page=account["homePage"])
        )
    else:
        return None
    connection = connections.first()
    return connection.user if connection else None


# --- Statements --------------------------------------------------------------------------------


@transaction.atomic
def record_statements(*, provider: Organisation, received: list) -> list[str]:
    """Store statements from a provider and log the learning they record. All or none: a
    batch with one bad statement stores nothing (xAPI-Communication 2.1.2). Returns the
    statements' ids in order, those the provider left out made here."""
    if provider.kind != Organisation.Kind.ELEARNING_PROVIDER:
        # Only through an OAuth app: keys and secrets are made for providers alone.
        raise PermissionDenied(
            f"{provider} is not an e-learning provider, so it cannot send statements."
        )
    batch: dict[str, dict] = {}
    for statement in received:
        statements.check(statement)
        statement_id = str(statements.statement_id(statement.get("id", str(uuid.uuid4()))))
        statement = {
            **{k: v for k, v in statement.items() if k not in statements.SET_BY_THE_LRS},
            "id": statement_id,
        }
        if statement_id in batch and batch[statement_id] != statement:
            raise statements.MalformedStatement(
                f"Statement id {statement_id} is given twice with different content."
            )
        batch[statement_id] = statement
    stored = {
        str(s.statement_id): s
        for s in Statement.objects.filter(provider=provider, statement_id__in=list(batch))
    }
    for statement_id, statement in batch.items():
        if statement_id in stored:
            _refuse_other_content(stored[statement_id], statement)
            continue  # sent again: changes nothing
        try:
            with transaction.atomic():
                _record(provider, statement)
        except IntegrityError:
            # The same id arrived meanwhile in another request, which stored it first.
            _refuse_other_content(
                Statement.objects.get(provider=provider, statement_id=statement_id), statement
            )
    return list(batch)


def _refuse_other_content(stored: Statement, statement: dict) -> None:
    if stored.raw != statement:
        raise StatementConflict(
            f"Statement {stored.statement_id} was stored before with other content."
        )


def _record(provider: Organisation, statement: dict) -> None:
    now = timezone.now()
    if statement["verb"]["id"] == statements.VOIDED:
        trainee = _void(provider, statement)
        entry = None
    else:
        trainee = consenting_trainee(provider, statement["actor"])
        if trainee is None:
            raise ConsentRefused(
                "The statement's actor is not a Waymark trainee who has connected "
                f"{provider}; it was not stored."
            )
        fields = mapping.entry_fields(statement, provider_name=provider.name)
        entry = None
        if fields:
            try:
                entry, _ = portfolio.log_entry(
                    actor=None, trainee=trainee, source=Source.XAPI, **fields
                )
            except ValidationError as error:
                raise statements.MalformedStatement(
                    "The statement cannot become a learning entry: " + " ".join(error.messages)
                ) from error
    Statement.objects.create(
        statement_id=statement["id"],
        provider=provider,
        trainee=trainee,
        raw=statement,
        stored_at=now,
        entry=entry,
    )


def _void(provider: Organisation, statement: dict) -> User | None:
    """Void the provider's statement that `statement` refers to, withdrawing its entry.
    A target this provider never sent is no reason to refuse (xAPI-Data 2.3.2)."""
    target_id = statement["object"]["id"]
    target = (
        Statement.objects.select_for_update(of=("self",))
        .select_related("entry")
        .filter(provider=provider, statement_id=target_id)
        .first()
    )
    if target is None:
        return None
    if target.raw["verb"]["id"] == statements.VOIDED:
        raise statements.MalformedStatement("A voiding statement cannot itself be voided.")
    if target.entry is not None:
        try:
            portfolio.withdraw_sent_entry(
                entry=target.entry, reason=f"xAPI statement {target_id} voided"
            )
        except StateConflict as refusal:
            raise StatementConflict(
                f"Statement {target_id} cannot be voided: its learning entry has been "
                f"sent for sign-off or signed off, and stays in the trainee's portfolio. "
                f"{refusal}"
            ) from refusal
    target.voided = True
    target.save(update_fields=["voided"])
    return target.trainee
