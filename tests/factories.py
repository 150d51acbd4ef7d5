import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, Supervision, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
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
