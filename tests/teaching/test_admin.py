"""Support staff read teaching records in the Django admin and change none of them there:
programmes, sessions and registers change only through teaching's services."""

import pytest
from django.urls import reverse

from teaching.models import Attendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(org_a, org_admin, session_of, trainee):
    session = session_of(org_a, code="042917")
    return Attendance.objects.create(
        session=session, trainee=trainee, recorded_by=org_admin, method="register"
    )


@pytest.mark.parametrize("model", ["teachingprogramme", "teachingsession", "attendance"])
def test_teaching_records_are_listed_but_not_edited_in_the_admin(admin_client, register, model):
    changelist = admin_client.get(reverse(f"admin:teaching_{model}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert admin_client.get(reverse(f"admin:teaching_{model}_add")).status_code == 403
    record = changelist.context["cl"].result_list[0]
    change_url = reverse(f"admin:teaching_{model}_change", args=[record.pk])
    assert admin_client.post(change_url, {}).status_code == 403
    delete_url = reverse(f"admin:teaching_{model}_delete", args=[record.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403


def test_the_session_code_is_not_shown_to_support_staff(admin_client, register):
    url = reverse("admin:teaching_teachingsession_change", args=[register.session_id])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "042917" not in page.content.decode()
