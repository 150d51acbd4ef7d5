"""Signed educational supervisor's reports travel in portfolio.json, under what only the
writing site holds (`instance`): still valid against the published schema, which an archive
without them (one written before there were reports) also is. Another site importing the
archive keeps no report, says so, and imports everything else."""

import io

import jsonschema
import pytest
from django.db import transaction

from exports.importer import import_portfolio
from exports.importer_checks import schema
from reviews.models import SupervisorReport
from tests.exports.archive.conftest import (
    InstanceGone,
    archive_of,
    make_portfolio,
    portfolio_json,
)
from tests.factories import UserFactory
from tests.reviews.conftest import REPORT_ANSWERS, signed_report

pytestmark = pytest.mark.django_db


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


@pytest.fixture
def reported(portfolio):
    """The archive fixtures' trainee, with a signed report by their supervisor and a draft."""
    enrolment = portfolio.enrolments.get()
    supervisor = portfolio.supervisions_received.get().supervisor
    report = signed_report(enrolment, supervisor)
    SupervisorReport.objects.create(
        enrolment=enrolment,
        trainee=portfolio,
        supervisor=supervisor,
        period_start=enrolment.start_date,
        period_end=enrolment.start_date,
    )
    return report


def test_the_archive_carries_signed_reports_and_follows_the_schema(portfolio, reported):
    document = portfolio_json(archive_of(portfolio))

    validate(document)
    [report] = document["instance"]["supervisor_reports"]
    assert report["uid"] == str(reported.uid)
    assert report["supervisor"] == {"name": "Dr Ben Okafor", "gmc_number": "7654321"}
    assert report["content_hash"] == reported.content_hash
    assert {a["key"]: a["answer"] for a in report["answers"]} == REPORT_ANSWERS
    assert report["summary"] == reported.summary


def test_an_archive_from_before_reports_is_still_valid(portfolio, reported):
    document = portfolio_json(archive_of(portfolio))
    del document["instance"]["supervisor_reports"]
    validate(document)


def test_importing_elsewhere_leaves_the_reports_and_says_so(settings):
    # Site A: a portfolio with a signed report, exported, then gone (rolled back).
    settings.SITE_URL = "https://a.waymark.example"
    with pytest.raises(InstanceGone), transaction.atomic():
        trainee = make_portfolio()
        signed_report(trainee.enrolments.get(), trainee.supervisions_received.get().supervisor)
        content = archive_of(trainee)
        raise InstanceGone
    # Site B: the same trainee signs up and imports it.
    settings.SITE_URL = "https://b.waymark.example"
    trainee = UserFactory(email="trainee@example.org")

    result = import_portfolio(actor=trainee, trainee=trainee, archive_file=io.BytesIO(content))

    assert result.entries_added == 4
    assert (
        "1 educational supervisor's report(s) signed at https://a.waymark.example were not "
        "imported: a report stays with the site whose supervisor signed it." in result.notes
    )
    assert not SupervisorReport.objects.exists()
