"""Days, programmes and page addresses shared by the tests of the programme pages."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from curriculum.models import Item, Requirement
from tests.factories import ProgrammeFactory


def today():
    """Held still for each test by the `frozen_today` fixture."""
    return timezone.localdate()


def day(offset: int):
    return today() + timedelta(days=offset)


def programme_on(organisation, *frameworks, **fields):
    return ProgrammeFactory(organisation=organisation, frameworks=list(frameworks), **fields)


def item(framework, code):
    return Item.objects.get(framework=framework, code=code)


def required_codes(programme):
    return set(Requirement.objects.filter(programme=programme).values_list("item__code", flat=True))


def detail_url(programme):
    return reverse("curriculum:programme_detail", args=[programme.organisation.slug, programme.pk])


def enrol_url(programme):
    return reverse("curriculum:enrolment_create", args=[programme.organisation.slug, programme.pk])


def end_url(enrolment):
    programme = enrolment.programme
    return reverse(
        "curriculum:enrolment_end", args=[programme.organisation.slug, programme.pk, enrolment.pk]
    )


def requirement_url(programme):
    return reverse(
        "curriculum:requirement_create", args=[programme.organisation.slug, programme.pk]
    )


def bulk_url(programme):
    return reverse("curriculum:requirement_bulk", args=[programme.organisation.slug, programme.pk])


def delete_url(requirement):
    programme = requirement.programme
    return reverse(
        "curriculum:requirement_delete",
        args=[programme.organisation.slug, programme.pk, requirement.pk],
    )
