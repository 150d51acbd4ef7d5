"""What the demo organisations accept for mandatory training (used by the seed_demo command,
after badges' demo), from passport/data/demo.json. St Somewhere Else, where the first demo
trainee has just started, accepts St Elsewhere's information-governance badge and Ward Round
Learning's hand-hygiene badge, which she holds, and its own learning platform's badges for
the other nine subjects, which she has not done yet: her passport shows 2 of 11 covered.

Re-running is harmless: an acceptance already there is left as it is."""

from dataclasses import dataclass

from accounts.models import Organisation, User
from badges.models import BadgeClass
from core import demo_data
from passport import services
from passport.models import Acceptance, Subject
from passport.subjects import install


@dataclass(frozen=True)
class Sample:
    organisation: str
    subject: str
    badge_class: str = ""
    name: str = ""
    issuer_uri: str = ""
    achievement_uri: str = ""


def samples() -> list[Sample]:
    return demo_data.records(demo_data.read("passport")["acceptances"], Sample)


def seed(*, organisations: dict[str, Organisation], admins: dict[str, User]) -> list[Acceptance]:
    """The acceptances, each set by `admins[slug]`, an admin of that organisation."""
    # The subjects, brought up to date with their data file (a flushed database has lost
    # what the data migration installed).
    install(Subject)
    found = []
    for sample in samples():
        organisation = organisations[sample.organisation]
        subject = Subject.objects.get(code=sample.subject)
        badge_class = (
            BadgeClass.objects.get(slug=sample.badge_class) if sample.badge_class else None
        )
        existing = Acceptance.objects.filter(
            organisation=organisation,
            subject=subject,
            badge_class=badge_class,
            issuer_uri=sample.issuer_uri,
            achievement_uri=sample.achievement_uri,
        ).first()
        found.append(
            existing
            or services.accept(
                actor=admins[sample.organisation],
                organisation=organisation,
                subject=subject,
                badge_class=badge_class,
                issuer_uri=sample.issuer_uri,
                achievement_uri=sample.achievement_uri,
                name=sample.name,
            )
        )
    return found
