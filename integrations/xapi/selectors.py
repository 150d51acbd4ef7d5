"""Reads for xAPI intake, scoped to the provider or person asking."""

import uuid

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Organisation
from core.access import get_or_404
from integrations.xapi.models import ProviderConnection, Statement, XapiCredential


def statement_of(provider: Organisation, statement_id: uuid.UUID, *, voided: bool):
    """One of the provider's own statements: voided ones only when asked for as voided
    (xAPI-Communication 2.1.4)."""
    return Statement.objects.filter(
        provider=provider, statement_id=statement_id, voided=voided
    ).first()


def providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.ELEARNING_PROVIDER)


def provider_connections_of(user) -> QuerySet[ProviderConnection]:
    return (
        ProviderConnection.objects.of(user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def access_provider_connection(user, slug: str) -> ProviderConnection:
    """The person's connection to the provider; no connection is a 404."""
    return get_object_or_404(provider_connections_of(user), organisation__slug=slug)


def credentials_of(organisation: Organisation) -> QuerySet[XapiCredential]:
    """The organisation's keys, working ones first (PostgreSQL would otherwise sort the
    revoked ones first: it puts nulls last), newest first within each."""
    return XapiCredential.objects.filter(organisation=organisation).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-pk"
    )


def access_credential(organisation: Organisation, credential_id: int) -> XapiCredential:
    return get_or_404(credentials_of(organisation).active(), "No such key.", pk=credential_id)
