"""Badge rules count completed assessments by type, and can tell those completed by ticket
from those completed by an assessor who signed in."""

import pytest

from assessments import services
from badges import rules
from badges.models import Award
from badges.services import awarding
from badges.services import badge_classes as badge_class_services
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, token_of

pytestmark = pytest.mark.django_db

TWO_MINI_CEX = {"type": "event_count", "min": 2, "assessment_types": ["mini_cex"]}


def badge(org_a, org_admin, slug, rule):
    return badge_class_services.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug=slug,
        name=slug.replace("-", " ").title(),
        description="Assessed at work.",
        criteria="Complete assessments.",
        rule=rule,
    )


@pytest.fixture
def issuer(org_a, org_admin):
    from badges import demo

    demo.create_badge_classes(org_a)
    return org_a


def completed_by_ticket(assessment, send_ticket):
    _, link = send_ticket(assessment)
    return services.complete_by_ticket(
        token=token_of(link),
        assessor_name="Dr Jones",
        assessor_role="Consultant",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
    )


def holds(trainee, badge_class) -> bool:
    return Award.objects.standing().filter(recipient=trainee, badge_class=badge_class).exists()


def test_only_completed_assessments_of_the_type_count(
    issuer, org_admin, start, send_ticket, enrolled_trainee
):
    observed = badge(issuer, org_admin, "observed-twice", TWO_MINI_CEX)
    completed_by_ticket(start(title="First"), send_ticket)
    start(title="Second, not sent yet")
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, observed)
    completed_by_ticket(start(title="Third"), send_ticket)
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert holds(enrolled_trainee, observed)


def test_a_rule_can_leave_out_assessments_completed_by_ticket(
    issuer, org_admin, start, send_ticket, enrolled_trainee
):
    signed_in = badge(
        issuer, org_admin, "assessed-in-person", {**TWO_MINI_CEX, "min": 1, "by_ticket": False}
    )
    completed_by_ticket(start(), send_ticket)
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, signed_in)


def test_an_unknown_assessment_type_is_named():
    with pytest.raises(rules.RuleError) as refused:
        rules.validate({**TWO_MINI_CEX, "assessment_types": ["osce"]})
    assert "osce" in str(refused.value)
