"""The dashboard: what the signed-in user should see and do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import Role
from curriculum import selectors as curriculum_selectors
from portfolio import coverage as curriculum_coverage
from portfolio import selectors
from portfolio.cpd import cpd_years
from portfolio.models import LearningEntry, Status


@login_required
def dashboard(request):
    """What the signed-in user should see and do next, by role."""
    user = request.user
    today = timezone.localdate()
    (cpd,) = cpd_years(user, today=today, year=selectors.appraisal_year(today)[0].year)
    coverage = [
        (programme, curriculum_coverage.coverage_summary(rows))
        for programme, rows in curriculum_coverage.coverage_of_programmes(
            trainee=user, programmes=curriculum_selectors.programmes_of_trainee(user)
        )
    ]
    # Titles and dates only: the dashboard shows no tags or curriculum items.
    own = LearningEntry.objects.filter(trainee=user).only("pk", "title", "kind", "date", "status")
    # Sections for roles the user does not hold cost no query.
    roles = account_selectors.roles_of_request(request)
    supervises, administers = Role.SUPERVISOR in roles, Role.ADMIN in roles
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "supervisors": account_selectors.active_supervisors_of(user),
            "trainees": account_selectors.active_trainees_of(user) if supervises else [],
            "administered": (
                account_selectors.organisations_administered_by(user) if administers else []
            ),
            "coverage": coverage,
            "credits": {
                "start": cpd.start,
                "end": cpd.end,
                "months": cpd.months,
                "total": cpd.credits,
                "target": cpd.target,
                "chart": credit_chart(cpd.months, cpd.target),
            },
            "awaiting": own.filter(status=Status.SUBMITTED)[:5],
            "returned": own.filter(status=Status.RETURNED)[:5],
            "recent": own[:5],
            "queue": selectors.sign_off_queue(user)[:5] if supervises else [],
        },
    )


def credit_chart(months, target) -> dict:
    """Bars for a small server-rendered SVG: credits per month, scaled to the tallest month
    or to the monthly share of the annual target, whichever is higher."""
    monthly_share = target / 12
    top = max([float(c) for _, c in months] + [monthly_share]) or 1
    width, height, gap = 24, 80, 6
    bars = []
    for i, (month, credits) in enumerate(months):
        h = round(float(credits) / top * height, 1)
        bars.append(
            {"x": i * (width + gap), "y": height - h, "h": h, "month": month, "credits": credits}
        )
    return {
        "bars": bars,
        "width": len(months) * (width + gap) - gap,
        "height": height,
        "bar_width": width,
        "share_y": round(height - monthly_share / top * height, 1),
    }
