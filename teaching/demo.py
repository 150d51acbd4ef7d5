"""Demo teaching programme, its sessions and a register (used by the seed_demo command).

Everything is made through teaching's services, by the demo organisation's admin, and only
what is missing: running the seed again changes nothing."""

from datetime import timedelta

from django.utils import timezone

from teaching import selectors, services
from teaching.models import TeachingSession

TEACHING_PROGRAMME = "st-elsewhere-fy-teaching"

TOPICS = [
    "Sepsis",
    "Acute kidney injury",
    "Consent and capacity",
    "Prescribing safely",
    "Breaking bad news",
]


def create_teaching_programme(trust, *, admin, sessions=5) -> list[TeachingSession]:
    """Mandatory sessions every other week, the last one two weeks ago."""
    programme = selectors.teaching_programmes_of(trust).filter(slug=TEACHING_PROGRAMME).first()
    if programme is None:
        programme = services.create_teaching_programme(
            organisation=trust,
            actor=admin,
            name="St Elsewhere FY teaching",
            slug=TEACHING_PROGRAMME,
        )
    one_pm = timezone.now().replace(hour=13, minute=0, second=0, microsecond=0)
    existing = {session.title: session for session in programme.sessions.all()}
    created = []
    for n, topic in enumerate(TOPICS[:sessions]):
        title = f"FY teaching: {topic}"
        session = existing.get(title) or services.create_teaching_session(
            programme=programme,
            actor=admin,
            title=title,
            starts_at=one_pm - timedelta(weeks=2 * (sessions - n)),
            mandatory=True,
            location="Education centre",
        )
        created.append(session)
    return created


def seed(*, trust, trainees, admin) -> None:
    sessions = create_teaching_programme(trust, admin=admin)
    # The first demo trainee attended four of the five mandatory sessions (80%).
    for session in sessions[:4]:
        services.mark_register(session=session, trainees=[trainees[0]], actor=admin)
