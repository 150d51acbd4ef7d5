from accounts.selectors import roles_of


def navigation(request):
    """The signed-in user's roles, which decide what the navigation offers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    # Cached on the request: the navigation and the page may both ask.
    if not hasattr(request, "_nav_roles"):
        request._nav_roles = roles_of(user)
    return {"nav_roles": request._nav_roles}
