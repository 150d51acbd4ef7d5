"""Signed educational supervisor's reports are in the PDF portfolio, read back from the
file: the supervisor, the period, the counts kept when it was signed, the answers and the
hash the audit log recorded. A draft is not."""

import pytest

from exports import services
from exports.filters import Chosen
from reviews import services as review_services
from tests.exports.conftest import pdf_text, read_pdf
from tests.reviews.conftest import signed_report

pytestmark = pytest.mark.django_db


def test_a_signed_report_is_in_the_pdf_and_a_draft_is_not(
    portfolio, supervisor, period, django_capture_on_commit_callbacks
):
    trainee = portfolio["trainee"]
    enrolment = trainee.enrolments.get()
    supervisor.full_name = "Dr Daniel Hughes"
    supervisor.save()
    report = signed_report(enrolment, supervisor)
    draft = review_services.start_report(actor=supervisor, enrolment=enrolment)
    review_services.save_report(
        actor=supervisor,
        report=draft,
        answers={"strengths": "Still thinking about it."},
        period_start=draft.period_start,
        period_end=draft.period_end,
    )

    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(actor=trainee, format="pdf", chosen=Chosen(**period))
    export.refresh_from_db()
    assert export.status == "done", export.error
    # Labels wrap in their column: compare the words.
    text = " ".join(pdf_text(read_pdf(export)).split())

    assert "Educational supervisors’ reports" in text
    assert f"{report.period_start:%-d %B %Y} to {report.period_end:%-d %B %Y}" in text
    assert "Educational supervisor Dr Daniel Hughes" in text
    assert "When signed 0 entries in the period" in text
    assert "Strengths Calm under pressure; clear handovers." in text
    assert "Recommended annual review outcome Satisfactory progress" in text
    assert report.content_hash in text.replace(" ", "")
    assert "Still thinking about it." not in text
