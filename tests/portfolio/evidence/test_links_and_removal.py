"""Links as evidence, removing evidence, and what the audit log keeps of both."""

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from portfolio import services
from portfolio.content import content_hash
from portfolio.models import Evidence
from tests.portfolio.evidence.conftest import add
from tests.portfolio.evidence.files import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def test_links_are_stored(entry, trainee):
    evidence = services.add_link_evidence(
        entry=entry,
        actor=trainee,
        url="  https://www.e-lfh.org.uk/programmes/dermatology/ ",
        title="e-LfH module",
    )
    evidence.refresh_from_db()
    assert (evidence.kind, evidence.url, evidence.title) == (
        "link",
        "https://www.e-lfh.org.uk/programmes/dermatology/",
        "e-LfH module",
    )
    assert not evidence.file and not evidence.sha256


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>1</script>",
        "ftp://example.org/x",
        "not a link",
        "",
    ],
)
def test_links_must_be_web_addresses(entry, trainee, url):
    with pytest.raises(ValidationError) as refused:
        services.add_link_evidence(entry=entry, actor=trainee, url=url)
    assert "https://" in refused.value.message_dict["url"][0]
    assert not Evidence.objects.exists()


def test_adding_evidence_is_audited_without_its_content(entry, trainee):
    evidence = add(entry, "notes.pdf", pdf_bytes())
    link = services.add_link_evidence(
        entry=entry, actor=trainee, url="https://example.org/private-doc"
    )

    file_entry, link_entry = AuditEntry.objects.filter(action="add_evidence").order_by("pk")
    assert (file_entry.object_type, file_entry.object_id) == ("learningentry", str(entry.pk))
    content_sha256 = file_entry.payload.pop("content_sha256")
    assert re.fullmatch(r"[0-9a-f]{64}", content_sha256)
    assert file_entry.payload == {
        "evidence": evidence.pk,
        "kind": "file",
        "sha256": evidence.sha256,
        "size": evidence.size,
        "content_type": "application/pdf",
    }
    assert link_entry.payload == {
        "evidence": link.pk,
        "kind": "link",
        "url_sha256": hashlib.sha256(b"https://example.org/private-doc").hexdigest(),
        # The entry as it now stands, evidence included, which is what a sign-off vouches for.
        "content_sha256": content_hash(entry),
    }
    assert content_sha256 != link_entry.payload["content_sha256"]


def test_removing_evidence_deletes_its_files_after_commit(
    entry, trainee, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(entry, "lesion.png", image_bytes("PNG", size=(500, 500)))
    evidence.refresh_from_db()
    assert len(stored()) == 2  # the image and its thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(evidence=evidence, actor=trainee)
        assert len(stored()) == 2  # not before commit
    assert stored() == []
    assert not Evidence.objects.exists()
    audit_entry = AuditEntry.objects.get(action="remove_evidence")
    assert audit_entry.payload["evidence"] == evidence.pk
    assert audit_entry.payload["sha256"] == evidence.sha256

    # A second click finds nothing to remove and changes nothing.
    services.remove_evidence(evidence=evidence, actor=trainee)
    assert AuditEntry.objects.filter(action="remove_evidence").count() == 1
