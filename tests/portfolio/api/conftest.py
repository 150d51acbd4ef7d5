"""Fixtures shared by the learning entries API tests: token clients, entries taken to any
status, everyone the permission matrix asks, and evidence kept in a temporary folder."""

import datetime
import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Role
from portfolio import services
from portfolio.models import Evidence, Status
from tests.api import conftest as api_fixtures
from tests.api.conftest import token_client
from tests.conftest import member
from tests.factories import SupervisionFactory

# The API's own fixtures: personal access tokens, and a cache cleared of throttle counts.
make_token = api_fixtures.make_token
clean_cache = api_fixtures.clean_cache

ENTRIES = "/api/v1/events/"
QUEUE = "/api/v1/sign-off-requests/"


def png(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def evidence_storage(monkeypatch, tmp_path):
    """Evidence files go to a temporary folder rather than the project's media folder."""
    storage = FileSystemStorage(location=tmp_path)
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storage)
    return tmp_path


@pytest.fixture
def api_as(make_token):
    """An API client signed in with a personal access token; anonymous for None."""

    def client(user):
        if user is None:
            return APIClient()
        _, secret = make_token(user)
        return token_client(secret)

    return client


@pytest.fixture
def make_entry(log, trainee, supervisor):
    """An entry taken through the services to the status asked for, with a PNG attached
    first if asked (which needs `evidence_storage`)."""

    def make(state=Status.DRAFT, *, with_file=False, **fields):
        entry = log(**fields)
        if with_file:
            # Processed on commit, as a worker would, before the entry goes further.
            with TestCase.captureOnCommitCallbacks(execute=True):
                services.add_file_evidence(
                    entry=entry, actor=trainee, uploaded_file=SimpleUploadedFile("scan.png", png())
                )
        if state != Status.DRAFT:
            services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
        if state == Status.RETURNED:
            services.return_entry(entry=entry, actor=supervisor, comment="Add more detail.")
        elif state == Status.SIGNED_OFF:
            services.approve(entry=entry, actor=supervisor, comment="Good")
        entry.refresh_from_db()
        return entry

    return make


@pytest.fixture
def people(enrolled_trainee, other_trainee, supervisor, org_a, org_admin):
    """Everyone the permission matrix asks, by role."""
    today = timezone.localdate()
    ended = member(org_a, Role.SUPERVISOR, email="ended.supervisor@example.org")
    SupervisionFactory(
        supervisor=ended,
        trainee=enrolled_trainee,
        organisation=org_a,
        start_date=today - datetime.timedelta(days=90),
        end_date=today - datetime.timedelta(days=1),
    )
    elsewhere = member(org_a, Role.SUPERVISOR, email="other.supervisor@example.org")
    SupervisionFactory(supervisor=elsewhere, trainee=other_trainee, organisation=org_a)
    return {
        "trainee": enrolled_trainee,
        "other_trainee": other_trainee,
        "supervisor": supervisor,
        "ended_supervisor": ended,
        "other_supervisor": elsewhere,
        "org_admin": org_admin,
        "anonymous": None,
    }


def new_entry(**fields) -> dict:
    return {"kind": "teaching_attended", "title": "Sepsis teaching", "date": "2026-11-02", **fields}
