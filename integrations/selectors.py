"""Reads for third-party apps, scoped to the person asking."""

from django.db.models import Q, QuerySet
from oauth2_provider.models import get_application_model

from accounts.selectors import organisations_administered_by
from core.access import get_or_404
from integrations.models import Connection

Application = get_application_model()


def applications_registered_by(user) -> QuerySet:
    """The apps `user` registered for themself, and those of organisations they admin."""
    return (
        Application.objects.filter(
            Q(user=user, organisation_app__isnull=True)
            | Q(organisation_app__organisation__in=organisations_administered_by(user))
        )
        .select_related("organisation_app__organisation")
        .order_by("name", "pk")
    )


def connections_of(user) -> QuerySet[Connection]:
    return Connection.objects.of(user).select_related("application").order_by("-connected_at")


def access_connection(user, connection_id: int) -> Connection:
    """The person's connection to an app; anyone else's is a 404."""
    return get_or_404(connections_of(user), "No such connected app.", pk=connection_id)
