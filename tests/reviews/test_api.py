"""Annual reviews through the API: admins set review requirements and dates, the trainee and
their supervisors read the forecast, and the educational supervisor starts, saves and signs
a report; every refusal in the one error format."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from reviews.models import ReviewRequirement, SupervisorReport
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

REQUIREMENTS = "/api/v1/review-requirements/"
REVIEWS = "/api/v1/annual-reviews/"
REPORTS = "/api/v1/supervisor-reports/"

ANSWERS = {
    "overall_progress": "Steady.",
    "strengths": "Calm.",
    "development_needs": "More DOPS.",
    "recommendation": "Satisfactory progress",
}


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_admin_sets_lists_and_removes_review_requirements(org_admin, programme):
    api = api_for(org_admin)
    made = api.post(
        REQUIREMENTS,
        {"programme": programme.pk, "kind": "assessments", "assessment_type": "cbd", "target": 4},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["label"] == "Case-based discussion (CBD)"
    assert [r["id"] for r in api.get(REQUIREMENTS).json()["results"]] == [made.json()["id"]]

    refused = api.post(
        REQUIREMENTS, {"programme": programme.pk, "kind": "assessments", "target": 4}, format="json"
    )
    assert assert_error(refused, 400, "invalid")["fields"] == {
        "assessment_type": ["Choose which type of assessment counts."]
    }
    assert api.delete(f"{REQUIREMENTS}{made.json()['id']}/").status_code == 204
    assert not ReviewRequirement.objects.exists()


def test_another_organisations_admin_neither_sees_nor_sets_them(
    org_b_admin, programme, requirements
):
    api = api_for(org_b_admin)
    assert api.get(REQUIREMENTS).json()["results"] == []
    refused = api.post(
        REQUIREMENTS, {"programme": programme.pk, "kind": "cpd_credits", "target": 5}, format="json"
    )
    assert "programme" in assert_error(refused, 400)["fields"]
    assert_error(api.delete(f"{REQUIREMENTS}{requirements['cpd'].pk}/"), 404)


def test_the_trainee_reads_their_forecast(enrolled_trainee, enrolment, requirements, frozen_today):
    api = api_for(enrolled_trainee)
    [listed] = api.get(REVIEWS).json()["results"]
    assert listed["id"] == enrolment.pk
    forecast = api.get(f"{REVIEWS}{enrolment.pk}/forecast/").json()

    assert forecast["today"] == frozen_today.isoformat()
    rows = {row["label"]: row for row in forecast["requirements"]}
    cbd = rows["Case-based discussion (CBD)"]
    assert cbd["status"] == "at_risk" and cbd["missing"] == "4.00"
    assert cbd["sentence"].startswith("0 of 4 CBDs; none since")
    assert [i["code"] for i in rows["Curriculum requirements met"]["unmet"]] == [
        "FPC1",
        "FPC2",
        "FPC3",
    ]


def test_someone_else_is_told_there_is_no_such_enrolment(other_trainee, enrolment):
    assert_error(api_for(other_trainee).get(f"{REVIEWS}{enrolment.pk}/forecast/"), 404)
    assert_error(api_for(other_trainee).get(f"{REVIEWS}abc/forecast/"), 404)


def test_an_admin_sets_the_review_date_and_a_supervisor_may_not(
    org_admin, educational_supervisor, enrolment
):
    moved = (enrolment.start_date + timedelta(days=200)).isoformat()
    answer = api_for(org_admin).post(
        f"{REVIEWS}{enrolment.pk}/review-date/", {"review_date": moved}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["review_date"] == moved
    refused = api_for(educational_supervisor).post(
        f"{REVIEWS}{enrolment.pk}/review-date/", {"review_date": moved}, format="json"
    )
    assert_error(refused, 403)


def test_a_report_started_saved_and_signed_then_locked(
    educational_supervisor, enrolled_trainee, enrolment, programme
):
    api = api_for(educational_supervisor)
    started = api.post(REPORTS, {"enrolment": enrolment.pk}, format="json")
    assert started.status_code == 201, started.json()
    report = started.json()
    assert report["state"] == "draft" and report["summary"] == {}
    url = f"{REPORTS}{report['id']}/"

    saved = api.patch(url, {"answers": {"strengths": "Calm."}}, format="json")
    assert saved.json()["answers"] == {"strengths": "Calm."}
    refused = api.post(f"{url}sign/")
    assert set(assert_error(refused, 400, "invalid")["fields"]) == {
        "overall_progress",
        "development_needs",
        "recommendation",
    }

    api.put(url, {"answers": ANSWERS}, format="json")
    signed = api.post(f"{url}sign/").json()
    assert (
        signed["locked"] and signed["content_hash"] == SupervisorReport.objects.get().content_hash
    )
    assert signed["summary"]["coverage"]["programme"] == programme.name

    assert_error(api.patch(url, {"answers": {"strengths": "Changed."}}, format="json"), 409)
    assert api_for(enrolled_trainee).get(url).json()["answers"] == ANSWERS


def test_a_draft_is_not_found_by_anyone_but_its_supervisor(
    educational_supervisor, enrolled_trainee, clinical_supervisor, enrolment
):
    report = (
        api_for(educational_supervisor)
        .post(REPORTS, {"enrolment": enrolment.pk}, format="json")
        .json()
    )
    for other in (enrolled_trainee, clinical_supervisor):
        api = api_for(other)
        assert_error(api.get(f"{REPORTS}{report['id']}/"), 404)
        assert_error(api.patch(f"{REPORTS}{report['id']}/", {"answers": {}}, format="json"), 404)
        assert_error(api.post(f"{REPORTS}{report['id']}/sign/"), 404)
        assert api.get(REPORTS).json()["results"] == []


def test_a_clinical_supervisor_may_not_start_one(clinical_supervisor, enrolment):
    refused = api_for(clinical_supervisor).post(REPORTS, {"enrolment": enrolment.pk}, format="json")
    assert_error(refused, 403)


def test_an_admin_reads_and_replaces_the_report_questions(org_admin, org_b_admin, programme):
    api = api_for(org_admin)
    url = f"/api/v1/report-questions/{programme.pk}/"
    default = api.get(url).json()
    assert default["own"] is False and default["questions"][0]["key"] == "overall_progress"

    own = [{"key": "summary", "type": "text", "label": "Summary"}]
    replaced = api.put(url, {"questions": own}, format="json").json()
    assert replaced == {"programme": programme.pk, "own": True, "questions": own}
    refused = api.put(url, {"questions": [{"key": "x", "type": "choice"}]}, format="json")
    assert "questions" in assert_error(refused, 400, "invalid")["fields"]
    assert api.put(url, {"questions": []}, format="json").json()["own"] is False

    assert_error(api_for(org_b_admin).get(url), 404)
