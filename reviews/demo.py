"""The demo programme's annual review (used by the seed_demo command), from
reviews/data/demo.json: what the F1 programme asks by the review. No demo trainee has done
a DOPS, so each forecast has at least one requirement at risk, whatever the day.

Re-running is harmless: a requirement the programme has already is left as it is."""

from dataclasses import dataclass

from core import demo_data
from curriculum.models import Programme
from reviews import services
from reviews.models import ReviewRequirement


@dataclass(frozen=True)
class Sample:
    kind: str
    target: int
    assessment_type: str = ""


def samples() -> list[Sample]:
    return demo_data.records(demo_data.read("reviews")["requirements"], Sample)


def seed(*, programme: Programme, admin) -> list[ReviewRequirement]:
    """The review requirements, set by `admin`, one of the programme's organisation's admins."""
    found = []
    for sample in samples():
        requirement = ReviewRequirement.objects.filter(
            programme=programme, kind=sample.kind, assessment_type=sample.assessment_type
        ).first()
        if requirement is None:
            requirement = services.set_review_requirement(
                actor=admin,
                programme=programme,
                kind=sample.kind,
                assessment_type=sample.assessment_type,
                target=sample.target,
            )
        found.append(requirement)
    return found
