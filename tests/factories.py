import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, Supervision, User

PASSWORD = "correct-horse-battery-staple"

# Names are a fixed list, not Faker's: a random "O'Brien" is HTML-escaped on pages, and a
# test that looks for the name would then fail one run in a hundred.
NAMES = [
    "Asha Patel",
    "Ben Okafor",
    "Chloe Evans",
    "Dmitri Ivanov",
    "Efua Mensah",
    "Farid Haddad",
    "Grace Lin",
    "Huw Morgan",
    "Isla Campbell",
    "Jonas Berg",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"{NAMES[n % len(NAMES)]} {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} NHS Trust")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.NHS_TRUST


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.TRAINEE


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervision

    supervisor = factory.SubFactory(UserFactory)
    trainee = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = Supervision.Kind.EDUCATIONAL
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))


# --- Curriculum ---------------------------------------------------------------------------------


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "curriculum.Framework"

    slug = factory.Sequence(lambda n: f"framework-{n}")
    version = "1"
    name = factory.Sequence(lambda n: f"Framework {n}")
    publisher = "Test publisher"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "curriculum.Item"

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"I{n}")
    title = factory.Sequence(lambda n: f"Item {n}")
    position = factory.Sequence(lambda n: n)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "curriculum.Programme"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=60))

    @factory.post_generation
    def frameworks(self, create, extracted, **kwargs):
        if create and extracted:
            self.frameworks.set(extracted)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "curriculum.Enrolment"

    trainee = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))


def framework_with_tree(roots: int, children_per_root: int, **framework_fields):
    """A framework of `roots` top-level items, each with `children_per_root` children,
    created in two bulk inserts."""
    from curriculum.models import Item

    framework = FrameworkFactory(**framework_fields)
    parents = Item.objects.bulk_create(
        Item(framework=framework, code=f"R{r + 1}", title=f"Root {r + 1}", position=r)
        for r in range(roots)
    )
    Item.objects.bulk_create(
        Item(
            framework=framework,
            code=f"R{r + 1}.{c + 1}",
            title=f"Child {c + 1} of root {r + 1}",
            parent=parent,
            position=roots + r * children_per_root + c,
        )
        for r, parent in enumerate(parents)
        for c in range(children_per_root)
    )
    return framework


# --- Portfolio ----------------------------------------------------------------------------------


class LearningEntryFactory(factory.django.DjangoModelFactory):
    """A bare entry row. Tests of behaviour create entries through portfolio.services."""

    class Meta:
        model = "portfolio.LearningEntry"

    trainee = factory.SubFactory(UserFactory)
    kind = "teaching_attended"
    title = factory.Sequence(lambda n: f"Teaching session {n}")
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 60
    cpd_credits = 1
