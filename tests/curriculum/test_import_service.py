"""Who may import a framework (the system and staff allowed to add frameworks), and what an
import writes to the audit log."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from curriculum.importers import ImportFailed
from curriculum.models import Framework
from curriculum.services import hash_content, import_framework_file, load_shipped_frameworks
from tests.curriculum.framework_files import CSV_SAMPLE, import_bytes, item, snapshot, waymark
from tests.factories import UserFactory
from tests.helpers import audit_intact

pytestmark = pytest.mark.django_db

FILE = waymark([item("A"), item("A.1", parent="A"), item("B")])


def staff(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.parametrize(
    "who",
    [
        lambda request: request.getfixturevalue("trainee"),
        lambda request: request.getfixturevalue("org_admin"),
        lambda request: staff("view_framework"),
    ],
    ids=["trainee", "organisation admin", "staff without permission to add frameworks"],
)
def test_only_the_system_and_staff_who_may_add_frameworks_import_them(request, who):
    actor = who(request)
    before = snapshot(), AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        import_framework_file(actor=actor, filename="test.json", data=FILE)
    with pytest.raises(PermissionDenied):
        load_shipped_frameworks(actor=actor)

    assert (snapshot(), AuditEntry.objects.count()) == before


def test_staff_allowed_to_add_frameworks_import_one_and_are_named_in_the_log():
    importer = staff("add_framework")

    result = import_framework_file(actor=importer, filename="test.json", data=FILE)

    entry = AuditEntry.objects.get(action="import_framework")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        importer.pk,
        "framework",
        str(result.framework.pk),
    )


def test_an_import_is_logged_with_the_framework_the_file_hash_and_the_counts(no_frameworks):
    import_bytes(FILE)
    changed = waymark([item("A", "A new title"), item("A.1", parent="A"), item("C")])

    result = import_bytes(changed)

    first, second = AuditEntry.objects.filter(action="import_framework").order_by("pk")
    assert first.actor_id is None
    assert first.payload["created"] is True
    assert second.payload == {
        "slug": "test-framework",
        "version": "1",
        "content_hash": hash_content(changed),
        "created": False,
        "items_created": 1,
        "items_updated": 1,
        "items_unchanged": 1,
        "items_removed": 1,
    }
    assert second.object_id == str(result.framework.pk)
    audit_intact()


def test_an_unchanged_import_logs_nothing():
    import_bytes(CSV_SAMPLE.encode(), "safety.csv", slug="ward", name="Ward", version="1")
    before = AuditEntry.objects.count()

    result = import_bytes(CSV_SAMPLE.encode(), "safety.csv", slug="ward", name="Ward", version="1")

    assert result.unchanged
    assert AuditEntry.objects.count() == before


def test_a_refused_file_logs_nothing():
    with pytest.raises(ImportFailed, match="no items"):
        import_bytes(waymark([]))

    assert not AuditEntry.objects.exists()


def test_the_shipped_frameworks_are_loaded_without_log_entries(no_frameworks):
    """They are part of the release: its history records them, and a new installation's log
    starts empty."""
    results = load_shipped_frameworks(actor=None)

    assert all(result.created for result in results)
    assert Framework.objects.count() == len(results)
    assert not AuditEntry.objects.exists()
