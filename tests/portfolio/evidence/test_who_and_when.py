"""Who may add and remove evidence, and when: only the trainee, only while the entry can
change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portfolio import services
from portfolio.models import Evidence
from tests.portfolio.evidence.conftest import add, signed_off
from tests.portfolio.evidence.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_signed_off_entry_refuses_new_evidence(entry, trainee, supervisor, stored):
    entry = signed_off(entry, trainee, supervisor)
    with pytest.raises(services.EntryLocked, match="signed off"):
        add(entry, "notes.pdf", pdf_bytes())
    with pytest.raises(services.EntryLocked):
        services.add_link_evidence(entry=entry, actor=trainee, url="https://example.org/")
    assert not Evidence.objects.exists() and stored() == []


def test_a_signed_off_entry_keeps_its_evidence(entry, trainee, supervisor, stored):
    evidence = add(entry, "notes.pdf", pdf_bytes())
    signed_off(entry, trainee, supervisor)
    with pytest.raises(services.EntryLocked):
        services.remove_evidence(evidence=evidence, actor=trainee)
    assert Evidence.objects.filter(pk=evidence.pk).exists() and stored() == [evidence.file.name]


def test_only_the_trainee_can_add_or_remove_evidence(entry, other_trainee, supervisor, stored):
    with pytest.raises(PermissionDenied):
        services.add_file_evidence(
            entry=entry, actor=other_trainee, uploaded_file=upload("notes.pdf", pdf_bytes())
        )
    with pytest.raises(PermissionDenied):
        services.add_link_evidence(entry=entry, actor=supervisor, url="https://example.org/")
    evidence = add(entry, "notes.pdf", pdf_bytes())
    for actor in (other_trainee, supervisor):
        with pytest.raises(PermissionDenied):
            services.remove_evidence(evidence=evidence, actor=actor)
    assert stored() == [evidence.file.name]


def test_the_evidence_removal_page_is_the_trainees_alone(client, entry, trainee, supervisor):
    evidence = services.add_link_evidence(entry=entry, actor=trainee, url="https://example.org/")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    url = reverse("portfolio:evidence_delete", args=[evidence.pk])
    client.force_login(supervisor)
    # The supervisor can see the entry and its evidence, but there is nothing for them here.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    services.recall_request(entry=entry, actor=trainee)
    client.force_login(trainee)
    assert client.get(url).status_code == 200
    assert client.post(url).url == entry.get_absolute_url()
    assert not Evidence.objects.exists()
