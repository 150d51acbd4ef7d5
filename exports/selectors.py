"""Reads of exports: a trainee sees and downloads only their own."""

from django.db.models import QuerySet
from django.http import Http404

from exports.models import Export

# The export page lists this many of the trainee's latest exports.
LATEST = 10


def exports_of(user) -> QuerySet[Export]:
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.of(user)


def latest_exports_of(user) -> list[Export]:
    return list(exports_of(user)[:LATEST])


def access_own_export(user, export_id) -> Export:
    """The user's own export, else 404: others' exports do not exist to them."""
    try:
        return exports_of(user).get(pk=export_id)
    except (Export.DoesNotExist, ValueError, TypeError):
        raise Http404("No such export.") from None
