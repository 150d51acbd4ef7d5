"""Demo organisations, people and supervision, so a new install has something to show."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Organisation, Role, Supervision, User

DOMAIN = "waymark.example"

ORGANISATIONS = [
    ("st-elsewhere", "St Elsewhere NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
    ("elsewhere-deanery", "Elsewhere Deanery", Organisation.Kind.DEANERY),
    ("ward-round-learning", "Ward Round Learning", Organisation.Kind.ELEARNING_PROVIDER),
]

# email local part, full name, GMC number, [(organisation slug, role)]
PEOPLE = [
    (
        "trainee1",
        "Dr Asha Patel",
        "7100001",
        [("st-elsewhere", Role.TRAINEE), ("elsewhere-deanery", Role.TRAINEE)],
    ),
    (
        "trainee2",
        "Dr Ben Okafor",
        "7100002",
        [("st-elsewhere", Role.TRAINEE), ("elsewhere-deanery", Role.TRAINEE)],
    ),
    (
        "trainee3",
        "Dr Chloe Nguyen",
        "7100003",
        [("st-elsewhere", Role.TRAINEE), ("elsewhere-deanery", Role.TRAINEE)],
    ),
    ("supervisor1", "Dr Daniel Hughes", "6100001", [("st-elsewhere", Role.SUPERVISOR)]),
    ("supervisor2", "Dr Emma Roberts", "6100002", [("st-elsewhere", Role.SUPERVISOR)]),
    (
        "admin",
        "Fiona Clarke",
        "",
        [
            ("st-elsewhere", Role.ADMIN),
            ("elsewhere-deanery", Role.ADMIN),
            ("ward-round-learning", Role.ADMIN),
        ],
    ),
]

# supervisor, trainee, kind
SUPERVISIONS = [
    ("supervisor1", "trainee1", "educational"),
    ("supervisor1", "trainee2", "educational"),
    ("supervisor2", "trainee3", "educational"),
    ("supervisor2", "trainee1", "clinical"),
]


def demo_email(local: str) -> str:
    return f"{local}@{DOMAIN}"


class Command(BaseCommand):
    help = "Create or refresh the demo organisations and logins (development only)."

    def handle(self, *args, **options):
        if not settings.DEVELOPMENT:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs in "
                "development mode (DJANGO_ENV unset or 'development')."
            )
        with transaction.atomic():
            organisations = self.seed_organisations()
            users = self.seed_people(organisations)
            self.seed_supervision(organisations["st-elsewhere"], users)
        self.print_logins()

    def seed_organisations(self) -> dict[str, Organisation]:
        organisations = {}
        for slug, name, kind in ORGANISATIONS:
            organisations[slug], _ = Organisation.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "kind": kind, "contact_email": demo_email("admin")},
            )
        return organisations

    def seed_people(self, organisations) -> dict[str, User]:
        users = {}
        for local, full_name, gmc, roles in PEOPLE:
            user, _ = User.objects.update_or_create(
                email=demo_email(local),
                defaults={"full_name": full_name, "registration_number": gmc},
            )
            # Reset every run, so the printed password always works.
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"primary": True, "verified": True}
            )
            for slug, role in roles:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[slug], role=role
                )
            users[local] = user
        return users

    def seed_supervision(self, trust: Organisation, users) -> None:
        start = timezone.localdate() - timedelta(days=90)
        for supervisor, trainee, kind in SUPERVISIONS:
            already = Supervision.objects.active().filter(
                organisation=trust, supervisor=users[supervisor], trainee=users[trainee], kind=kind
            )
            if not already.exists():
                services.start_supervision(
                    organisation=trust,
                    supervisor=users[supervisor],
                    trainee=users[trainee],
                    kind=kind,
                    start_date=start,
                )

    def print_logins(self) -> None:
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ with:")
        )
        for local, full_name, _gmc, roles in PEOPLE:
            role_names = ", ".join(sorted({Role(role).label.lower() for _, role in roles}))
            self.stdout.write(f"  {demo_email(local):32} {full_name} ({role_names})")
        self.stdout.write(f"  password for every demo login: {settings.DEMO_PASSWORD}")
