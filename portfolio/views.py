from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import selectors as account_selectors


@login_required
def dashboard(request):
    """What the signed-in user should do next, by role. Portfolio and badge summaries
    join this page as those parts of Waymark arrive."""
    user = request.user
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "supervisors": account_selectors.active_supervisors_of(user),
            "trainees": account_selectors.active_trainees_of(user),
            "administered": account_selectors.organisations_administered_by(user),
        },
    )
