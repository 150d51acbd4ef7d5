"""Demo issuer and badge classes (used by the seed_demo command, after teaching's demo).

The badge classes are the seed examples of what Waymark can badge: attendance at the demo
teaching programme, a social-media journal club, e-learning, and teaching — small badges
that stack into bigger ones, and one that only issuer staff can award. The bigger badges
that count many entries count only entries a supervisor has signed off, so what they say
is vouched for; the demo trainee holds the journal club one.
"""

from badges.models import Award, BadgeClass, Endorsement, Issuer
from badges.services import awarding, endorsements
from curriculum.models import Item
from teaching.demo import TEACHING_PROGRAMME

BADGE_CLASSES = [
    # slug, name, description, criteria, rule, alignment item codes (UK Foundation 2021)
    (
        "teaching-attendee",
        "Teaching session attendee",
        "Attended a teaching session.",
        "Attend one teaching session, recorded on its register or by checking in with the session code.",
        {"type": "event_count", "min": 1, "kinds": ["teaching_attended"]},
        ["FPC12"],
    ),
    (
        "st-elsewhere-fy-teaching",
        "St Elsewhere FY teaching attendance",
        "Attended at least 80% of St Elsewhere's mandatory foundation teaching.",
        "Attend at least 80% of the mandatory sessions of the St Elsewhere foundation teaching programme held so far.",
        {
            "type": "attendance",
            "programme": TEACHING_PROGRAMME,
            "min_percent": 80,
            "mandatory_only": True,
        },
        ["FPC12"],
    ),
    (
        "journal-club-contributor",
        "Journal club contributor",
        "Contributed to a social-media journal club.",
        "Log one contribution to a social-media journal club or chat.",
        {"type": "event_count", "min": 1, "kinds": ["social_media"]},
        ["FPC12", "FPC13"],
    ),
    (
        "journal-club-regular",
        "Journal club regular",
        "Contributed to social-media journal clubs regularly.",
        "Log five contributions to social-media journal clubs or chats, each signed off by a supervisor.",
        {"type": "event_count", "min": 5, "kinds": ["social_media"], "signed_off_only": True},
        ["FPC12", "FPC13"],
    ),
    (
        "journal-club-host",
        "Journal club host",
        "A regular contributor who has hosted a social-media journal club.",
        "Hold the Journal club regular badge and log hosting a journal club (tagged 'host').",
        {
            "type": "all",
            "rules": [
                {"type": "badges", "all": ["journal-club-regular"]},
                {"type": "event_count", "min": 1, "kinds": ["social_media"], "tags": ["host"]},
            ],
        },
        ["FPC10", "FPC13"],
    ),
    (
        "elearning-starter",
        "E-learning module completed",
        "Completed an e-learning module.",
        "Log one completed e-learning module.",
        {"type": "event_count", "min": 1, "kinds": ["elearning"]},
        ["FPC12"],
    ),
    (
        "ward-round-learning-three",
        "Three Ward Round Learning modules",
        "Completed three e-learning modules from Ward Round Learning.",
        "Complete three Ward Round Learning modules. Connect the provider under E-learning providers on your account page and its completions arrive by themselves.",
        {
            "type": "event_count",
            "min": 3,
            "kinds": ["elearning"],
            "provider": "Ward Round Learning",
            "label": "Ward Round Learning modules",
        },
        ["FPC12"],
    ),
    (
        "elearning-fifteen",
        "Fifteen programme e-learning modules",
        "Completed fifteen e-learning modules mapped to the foundation curriculum.",
        "Log fifteen e-learning modules, each mapped to an item of the UK Foundation Programme curriculum and signed off by a supervisor.",
        {
            "type": "event_count",
            "min": 15,
            "kinds": ["elearning"],
            "items": [
                "uk-foundation/2021/HLO1",
                "uk-foundation/2021/HLO2",
                "uk-foundation/2021/HLO3",
            ],
            "signed_off_only": True,
            "label": "signed-off curriculum e-learning modules",
        },
        ["FPC12", "FPC13"],
    ),
    (
        "peer-teacher",
        "Peer teacher",
        "Delivered a peer-led teaching session.",
        "Log one teaching session you delivered.",
        {"type": "event_count", "min": 1, "kinds": ["teaching_delivered"]},
        ["FPC10"],
    ),
    (
        "teaching-programme-lead",
        "Teaching programme lead",
        "Ran a teaching programme.",
        "Log running a teaching programme (a teaching-delivered entry tagged 'organiser').",
        {"type": "event_count", "min": 1, "kinds": ["teaching_delivered"], "tags": ["organiser"]},
        ["FPC6", "FPC10"],
    ),
    (
        "teaching-impact",
        "Teaching with demonstrable impact",
        "Teaching whose impact the issuer's staff have reviewed and recognised.",
        "Awarded by St Elsewhere's education staff after reviewing evidence of the teaching's impact.",
        None,
        ["FPC10"],
    ),
    (
        "educator",
        "Foundation educator",
        "Peer teacher, teaching programme lead, and recognised impact.",
        "Hold the Peer teacher, Teaching programme lead and Teaching with demonstrable impact badges.",
        {"type": "badges", "all": ["peer-teacher", "teaching-programme-lead", "teaching-impact"]},
        ["FPC6", "FPC10"],
    ),
]


def create_badge_classes(trust) -> Issuer:
    issuer, _ = Issuer.objects.update_or_create(
        organisation=trust,
        defaults={
            "name": trust.name,
            "url": "https://st-elsewhere.example/",
            "email": "education@st-elsewhere.example",
            "description": "Postgraduate medical education at St Elsewhere.",
        },
    )
    items = {
        i.code: i
        for i in Item.objects.filter(framework__slug="uk-foundation", framework__version="2021")
    }
    for slug, name, description, criteria, rule, codes in BADGE_CLASSES:
        badge_class, _ = BadgeClass.objects.update_or_create(
            slug=slug,
            defaults={
                "issuer": issuer,
                "name": name,
                "description": description,
                "criteria": criteria,
                "rule": rule,
                "tags": ["foundation", "st-elsewhere"],
            },
        )
        badge_class.alignments.set([items[c] for c in codes])
    return issuer


def seed(*, trust, trainees, admin) -> None:
    create_badge_classes(trust)
    impact = BadgeClass.objects.get(slug="teaching-impact")
    if not Award.objects.standing().filter(badge_class=impact, recipient=trainees[0]).exists():
        awarding.award_badge(
            badge_class=impact,
            recipient=trainees[0],
            actor=admin,
            narrative="Her sepsis teaching for the nursing team cut time-to-antibiotics on ward 7, "
            "audited over three months.",
        )
    for trainee in trainees:
        awarding.evaluate_awards(trainee=trainee)


# Mandatory training: St Elsewhere's information-governance badge, and the e-learning
# provider's hand-hygiene badge, each valid for a year and awarded by hand to the first demo
# trainee; organisations' passports accept them (passport.demo).
IG_BADGE, HAND_HYGIENE_BADGE = "st-elsewhere-information-governance", "ward-round-hand-hygiene"


def create_training_badge_classes(*, trust, provider) -> None:
    issuer = Issuer.objects.filter(organisation=trust).first() or create_badge_classes(trust)
    provider_issuer, _ = Issuer.objects.update_or_create(
        organisation=provider,
        defaults={
            "name": provider.name,
            "url": "https://ward-round-learning.example/",
            "email": "badges@ward-round-learning.example",
            "description": "Short e-learning modules for doctors, between ward rounds.",
        },
    )
    for slug, owner, name, description, criteria in (
        (
            IG_BADGE,
            issuer,
            "Information Governance and Data Security",
            "Completed St Elsewhere's annual information governance and data security training.",
            "Complete the trust's Data Security Awareness module and its assessment.",
        ),
        (
            HAND_HYGIENE_BADGE,
            provider_issuer,
            "Hand hygiene",
            "Completed Ward Round Learning's hand hygiene module (infection prevention and control, level 2).",
            "Complete the hand hygiene module and pass its observed technique check.",
        ),
    ):
        BadgeClass.objects.update_or_create(
            slug=slug,
            defaults={
                "issuer": owner,
                "name": name,
                "description": description,
                "criteria": criteria,
                "rule": None,
                "valid_for_months": 12,
                "tags": ["mandatory-training"],
            },
        )


def seed_training(*, trust, provider, trainee, admin) -> None:
    """The two mandatory-training badges, awarded to `trainee` by `admin`, an admin of the
    trust and of the provider."""
    create_training_badge_classes(trust=trust, provider=provider)
    for slug in (IG_BADGE, HAND_HYGIENE_BADGE):
        badge_class = BadgeClass.objects.get(slug=slug)
        if not Award.objects.standing().filter(badge_class=badge_class, recipient=trainee).exists():
            awarding.award_badge(badge_class=badge_class, recipient=trainee, actor=admin)


IG_CLAIM = "Meets the CSTF learning outcomes for Information Governance and Data Security."


def seed_endorsements(*, deanery, admin) -> None:
    """The deanery vouches for St Elsewhere's information-governance badge, so that another
    trust deciding whether to accept it sees who else has."""
    endorser, _ = Issuer.objects.update_or_create(
        organisation=deanery,
        defaults={
            "name": deanery.name,
            "url": "https://elsewhere-deanery.example/",
            "email": "quality@elsewhere-deanery.example",
            "description": "Quality management of foundation training in the Elsewhere region.",
        },
    )
    badge_class = BadgeClass.objects.get(slug=IG_BADGE)
    if not Endorsement.objects.live().filter(endorser=endorser, badge_class=badge_class).exists():
        endorsements.endorse(actor=admin, endorser=endorser, target=badge_class, claim=IG_CLAIM)
