"""The admin's framework upload, and the curriculum listings support staff can read."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from curriculum.models import Framework
from tests.factories import UserFactory
from tests.helpers import messages_of, sign_in_as_staff

IMPORT_URL = reverse("admin:curriculum_framework_import")
CSV = b"code,title,parent_code,description\nA,Alpha,,\nA.1,Alpha one,A,\n"


@pytest.fixture
def staff_importer(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_framework", "view_framework"])
    )
    return user


def upload(client, data=CSV, filename="ward.csv", **fields):
    fields = {"slug": "ward", "name": "Ward skills", "version": "2026"} | fields
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(filename, data), **fields})


def test_staff_can_import_a_framework_and_see_the_summary(client, staff_importer):
    sign_in_as_staff(client, staff_importer)

    response = upload(client)

    framework = Framework.objects.get(slug="ward", version="2026")
    assert response.status_code == 302
    assert response.url == reverse("admin:curriculum_framework_change", args=[framework.pk])
    assert messages_of(response) == [
        "Imported Ward skills 2026: 2 items created, 0 updated, 0 unchanged, 0 removed"
    ]
    assert dict(framework.items.values_list("code", "parent__code")) == {"A": None, "A.1": "A"}


def test_an_import_from_the_admin_is_logged_under_the_staff_member(client, staff_importer):
    sign_in_as_staff(client, staff_importer)

    upload(client)

    entry = AuditEntry.objects.get(action="import_framework")
    assert entry.actor_id == staff_importer.pk
    assert entry.payload["slug"] == "ward"


def test_the_import_page_shows_the_form(client, staff_importer):
    sign_in_as_staff(client, staff_importer)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b'name="file"' in response.content


def test_a_bad_upload_shows_every_problem_and_imports_nothing(client, staff_importer):
    sign_in_as_staff(client, staff_importer)
    frameworks = Framework.objects.count()

    response = upload(client, b"code,title,parent_code,description\nA,,Z,\n")

    assert response.status_code == 200
    assert messages_of(response) == [
        "ward.csv was not imported. Nothing was changed.",
        "line 2: the title is empty.",
        "line 2: the parent Z is not an item in this file.",
    ]
    # The admin capitalises each message.
    assert "Line 2: the title is empty." in response.content.decode()
    assert Framework.objects.count() == frameworks


def test_people_who_are_not_staff_cannot_import(client, trainee):
    client.force_login(trainee)

    response = upload(client)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not Framework.objects.filter(slug="ward").exists()


def test_staff_without_permission_to_add_frameworks_cannot_import(client, db):
    sign_in_as_staff(client, UserFactory(is_staff=True))

    response = upload(client)

    assert response.status_code == 403
    assert not Framework.objects.filter(slug="ward").exists()


@pytest.mark.parametrize("model", ["framework", "item", "programme", "enrolment", "requirement"])
def test_curriculum_records_are_listed_but_not_edited_in_the_admin(admin_client, model):
    changelist = admin_client.get(reverse(f"admin:curriculum_{model}_changelist"))

    assert changelist.status_code == 200
    assert admin_client.get(reverse(f"admin:curriculum_{model}_add")).status_code == 403


def test_framework_admin_links_to_its_items(admin_client):
    framework = Framework.objects.get(slug="uk-foundation")

    response = admin_client.get(reverse("admin:curriculum_framework_change", args=[framework.pk]))

    items_url = (
        reverse("admin:curriculum_item_changelist") + f"?framework__id__exact={framework.pk}"
    )
    assert f'<a href="{items_url}">16 items</a>' in response.content.decode()
    assert admin_client.get(items_url).context["cl"].result_count == 16
