"""What a page says when a service refuses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from portfolio import services


def attempt(request, action, **kwargs):
    """Run a service and turn its refusals into messages on the entry page."""
    try:
        action(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (services.EntryLocked, services.TransitionNotAllowed, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        return True
    return False
