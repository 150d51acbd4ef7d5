"""Refusals every app's services raise, so that pages and the API can answer them alike.

Invalid input is Django's ValidationError and a person who may not act is Django's
PermissionDenied; what is left is a request that is valid and allowed but that the object's
current state refuses.
"""


class StateConflict(Exception):
    """The object's current state refuses the change: a locked entry, a request already
    decided. The API answers 409."""
