"""A demo F1 programme (used by the seed_demo command)."""

from datetime import timedelta

from django.utils import timezone

from curriculum import services
from curriculum.models import Framework, Programme, training_year_start

F1_PROGRAMME = "Foundation Year 1"


def seed(*, deanery, trainees) -> Programme:
    """An F1 programme on the 2021 curriculum, requiring a signed-off entry for every
    Foundation Professional Capability, with the trainees enrolled."""
    services.load_shipped_frameworks(actor=None)
    curriculum = Framework.objects.get(slug="uk-foundation", version="2021")
    start = training_year_start(timezone.localdate())
    programme = Programme.objects.filter(organisation=deanery, name=F1_PROGRAMME).first()
    if programme is None:
        programme = services.create_programme(
            actor=None,
            organisation=deanery,
            name=F1_PROGRAMME,
            frameworks=[curriculum],
            start_date=start,
            end_date=start.replace(year=start.year + 1) - timedelta(days=1),
        )
    services.require_level(
        actor=None, programme=programme, level="leaves", min_entries=1, signed_off_required=True
    )
    for trainee in trainees:
        if not programme.enrolments.filter(trainee=trainee).exists():
            services.enrol_trainee(
                actor=None, programme=programme, trainee=trainee, start_date=programme.start_date
            )
    return programme
