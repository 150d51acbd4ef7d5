"""An assessment travels in the portable archive with its form, answers and assessor, marked
as completed by ticket, and portfolio.json still follows the published schema."""

import jsonschema
import pytest
from django.core.cache import cache

from assessments import services
from exports.importer_checks import schema
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, token_of
from tests.exports.archive.conftest import archive_of, portfolio_json

pytestmark = pytest.mark.django_db


def test_the_archive_carries_an_assessment_completed_by_ticket(
    assessment, send_ticket, enrolled_trainee
):
    cache.clear()
    _, link = send_ticket(assessment)
    services.complete_by_ticket(
        token=token_of(link),
        assessor_name="Dr Rhys Jones",
        assessor_role="Consultant",
        assessor_gmc_number="7654321",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
    )
    document = portfolio_json(archive_of(enrolled_trainee))

    jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    [entry] = [e for e in document["entries"] if e["kind"] == "assessment"]
    assert entry["assessment"]["by_ticket"] is True
    assert entry["assessment"]["assessor"]["gmc_number"] == "7654321"
    assert entry["assessment"]["answers"]["overall"] == "Meets expectations"
