from accounts.selectors import roles_of_request


def navigation(request):
    """The signed-in user's roles, which decide what the navigation offers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    return {"nav_roles": roles_of_request(request)}
