"""Demo assessments (used by the seed_demo command), from assessments/data/demo.json: the
first trainee's mini-CEXs and CBD, sent to an assessor with an account and completed by them,
through the same services as real use.

Re-running is harmless: an assessment of the same title the trainee already has is left as
it is."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentForm
from core import demo_data
from curriculum.models import Item


@dataclass(frozen=True)
class Sample:
    form: str
    days_ago: int
    title: str
    setting: str
    items: tuple[str, ...]
    went_well: str
    to_develop: str


def samples() -> list[Sample]:
    return demo_data.records(demo_data.read("assessments")["assessments"], Sample)


def seed(*, trainee, assessor, framework: tuple[str, str]) -> list[Assessment]:
    """Each sample started by `trainee`, mapped to items of the framework (slug, version),
    and completed by `assessor` from their queue."""
    # The requests are the seed's, not the trainee's: the trainee's daily allowance of
    # requests is left as it was, so that seeding again the same day is never refused.
    key = services.requests_sent_key(trainee.pk)
    sent = cache.get(key)
    cache.delete(key)
    try:
        return _seed(trainee=trainee, assessor=assessor, framework=framework)
    finally:
        cache.delete(key)
        if sent is not None:
            cache.set(key, sent, services.TICKET_WINDOW_SECONDS)


def _seed(*, trainee, assessor, framework: tuple[str, str]) -> list[Assessment]:
    slug, version = framework
    items = {
        i.code: i for i in Item.objects.filter(framework__slug=slug, framework__version=version)
    }
    today = timezone.localdate()
    done = []
    for sample in samples():
        if Assessment.objects.filter(trainee=trainee, entry__title=sample.title).exists():
            continue
        form = AssessmentForm.objects.get(organisation=None, code=sample.form)
        assessment = services.start_assessment(
            actor=trainee,
            form=form,
            title=sample.title,
            date=today - timedelta(days=sample.days_ago),
            answers={"setting": sample.setting},
            items=[items[code] for code in sample.items],
        )
        services.request_assessment(
            actor=trainee, assessment=assessment, name=str(assessor), email=assessor.email
        )
        scales = {
            q["key"]: "Meets expectations"
            for q in form.all_questions()
            if q["by"] == "assessor" and q["type"] == "scale"
        }
        done.append(
            services.complete_as_assessor(
                actor=assessor,
                assessment=assessment,
                answers={**scales, "went_well": sample.went_well, "to_develop": sample.to_develop},
                assessor_role="Consultant physician, clinical supervisor",
            )
        )
    return done
