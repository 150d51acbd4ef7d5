"""Demo organisations, people and supervision (used by the seed_demo command).

Seeding acts as the system (actor=None): no person makes these changes, and the demo
organisations have no admin until seeding gives them one. It goes through the services all
the same, so the demo's memberships and supervisions obey the rules and are audited."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts import selectors, services
from accounts.models import Membership, Organisation, Role, Supervision, User

DOMAIN = "waymark.example"

ORGANISATIONS = [
    ("st-elsewhere", "St Elsewhere NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
    ("elsewhere-deanery", "Elsewhere Deanery", Organisation.Kind.DEANERY),
    ("ward-round-learning", "Ward Round Learning", Organisation.Kind.ELEARNING_PROVIDER),
    # Where the first trainee has just started a rotation: her passport shows what of its
    # mandatory training she already holds.
    ("st-somewhere-else", "St Somewhere Else NHS Trust", Organisation.Kind.NHS_TRUST),
]

TRUST, DEANERY, PROVIDER = "st-elsewhere", "elsewhere-deanery", "ward-round-learning"
SECOND_TRUST = "st-somewhere-else"

# email local part, full name, GMC number, [(organisation slug, role)]
PEOPLE = [
    (
        "trainee1",
        "Dr Asha Patel",
        "7100001",
        [
            (TRUST, Role.TRAINEE),
            (DEANERY, Role.TRAINEE),
            # A learner of the e-learning provider, which awards her its badges.
            (PROVIDER, Role.TRAINEE),
            (SECOND_TRUST, Role.TRAINEE),
        ],
    ),
    ("trainee2", "Dr Ben Okafor", "7100002", [(TRUST, Role.TRAINEE), (DEANERY, Role.TRAINEE)]),
    ("trainee3", "Dr Chloe Nguyen", "7100003", [(TRUST, Role.TRAINEE), (DEANERY, Role.TRAINEE)]),
    ("supervisor1", "Dr Daniel Hughes", "6100001", [(TRUST, Role.SUPERVISOR)]),
    ("supervisor2", "Dr Emma Roberts", "6100002", [(TRUST, Role.SUPERVISOR)]),
    (
        "admin",
        "Fiona Clarke",
        "",
        [(TRUST, Role.ADMIN), (DEANERY, Role.ADMIN), (PROVIDER, Role.ADMIN)],
    ),
    ("admin2", "Gareth Morgan", "", [(SECOND_TRUST, Role.ADMIN)]),
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


def seed() -> tuple[dict[str, Organisation], dict[str, User]]:
    organisations = {}
    for slug, name, kind in ORGANISATIONS:
        organisations[slug], _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "contact_email": demo_email("admin")}
        )
    users = {}
    for local, full_name, gmc, roles in PEOPLE:
        user, _ = User.objects.update_or_create(
            email=demo_email(local), defaults={"full_name": full_name, "registration_number": gmc}
        )
        # Reset every run, so the printed password always works.
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
        for slug, role in roles:
            organisation = organisations[slug]
            services.set_member_roles(
                organisation=organisation,
                user=user,
                roles=selectors.roles_in(organisation, user) | {role},
                actor=None,
            )
        users[local] = user

    # Everyone joined at the start of the foundation year, months ago; the first trainee's
    # rotation to the second trust began this week, so her passport greets her there as new.
    Membership.objects.filter(user__in=users.values()).exclude(
        organisation=organisations[SECOND_TRUST]
    ).update(created_at=timezone.now() - timedelta(days=120))
    trust = organisations[TRUST]
    start = timezone.localdate() - timedelta(days=90)
    for supervisor, trainee, kind in SUPERVISIONS:
        already = Supervision.objects.active().filter(
            organisation=trust, supervisor=users[supervisor], trainee=users[trainee], kind=kind
        )
        if not already.exists():
            services.start_supervision(
                actor=None,
                organisation=trust,
                supervisor=users[supervisor],
                trainee=users[trainee],
                kind=kind,
                start_date=start,
            )
    return organisations, users


def logins() -> list[str]:
    lines = []
    for local, full_name, _gmc, roles in PEOPLE:
        role_names = ", ".join(sorted({Role(role).label.lower() for _, role in roles}))
        lines.append(f"  {demo_email(local):32} {full_name} ({role_names})")
    return lines
