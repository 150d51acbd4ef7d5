"""OAuth scopes on the API. Apart from core.api because REST framework imports the default
permission classes while its own views module loads, before core.api could be."""

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

# A view says which OAuth scope each of its methods needs in `oauth_scopes`: "read" for
# GET, HEAD and OPTIONS, "write" for the rest, or an action's own name for that action alone
# (`{"read": "entries:read", "write": "entries:write", "approve": "entries:write"}`).
# A method with no scope is closed to OAuth tokens; `ANY_SCOPE` opens it to every token.
# Core knows nothing of OAuth: a token is recognised by having `allow_scopes`, as
# django-oauth-toolkit's access tokens do. Sessions and personal tokens are not scoped.
ANY_SCOPE = ()


def declare_scopes(**scopes):
    """`oauth_scopes` for a function view made with `@api_view`; put it above the
    `@api_view` line."""

    def declare(view):
        view.cls.oauth_scopes = scopes
        return view

    return declare


def declared_scopes(view, method: str) -> tuple[str, ...] | None:
    """The scopes `view` needs for `method`, or None if it is closed to OAuth tokens."""
    scopes = getattr(view, "oauth_scopes", None) or {}
    action = getattr(view, "action", None)
    if action in scopes:
        needed = scopes[action]
    else:
        needed = scopes.get("read" if method in SAFE_METHODS else "write")
    if needed is None:
        return None
    return (needed,) if isinstance(needed, str) else tuple(needed)


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"  # RFC 6750's name for it


class TokenHasDeclaredScope(BasePermission):
    """Refuses an OAuth token a scope the view declares for the method, and refuses OAuth
    tokens on every method that declares none: a new endpoint is closed to apps until it
    says what it needs."""

    def has_permission(self, request, view):
        token = request.auth
        if not hasattr(token, "allow_scopes"):
            return True
        needed = declared_scopes(view, request.method)
        if needed is None:
            raise InsufficientScope("Apps connected through OAuth cannot use this endpoint.")
        if (
            needed
            and getattr(token, "user_id", None) is None
            and not getattr(view, "oauth_organisation_tokens", False)
        ):
            # A client-credentials token acts for an organisation's integration, not for a
            # person, so it reads no one's private data unless the endpoint is made for it.
            raise InsufficientScope(
                "This token acts for an organisation's app, not for a person; "
                "this endpoint needs a person's consent."
            )
        missing = [scope for scope in needed if not token.allow_scopes([scope])]
        if missing:
            raise InsufficientScope(
                f"This token lacks the scope {', '.join(missing)}, which this request needs."
            )
        return True
