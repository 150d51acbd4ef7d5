"""Fetching one object for someone by an id that came from outside (a URL, a form)."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404


def get_or_404(queryset, message: str = "Not found.", **lookups):
    """The one object of `queryset` that matches, else 404: also when the id cannot be an
    id at all ("null,null", "1.5"), which the database would otherwise answer with an
    error and the site with a 500."""
    try:
        return queryset.get(**lookups)
    except (ValueError, TypeError, ValidationError, ObjectDoesNotExist):
        raise Http404(message) from None
