"""`manage.py create_oauth_app` registers an app from the command line."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import Application

from audit.models import AuditEntry
from integrations.models import OrganisationApp

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("create_oauth_app", *args, stdout=out)
    return out.getvalue()


def test_a_confidential_app_prints_its_id_and_secret_once(trainee):
    out = run(
        "--owner", trainee.email, "--name", "Rota Planner", "--redirect-uri", "https://a.example/cb"
    )

    client_id = re.search(r"client_id: (\S+)", out).group(1)
    secret = re.search(r"client_secret: (\S+)", out).group(1)
    application = Application.objects.get(client_id=client_id)
    assert application.user == trainee and application.client_type == "confidential"
    assert application.client_secret != secret  # only the hash is kept
    assert AuditEntry.objects.get(action="register_oauth_app").actor_id is None


def test_a_public_app_prints_no_secret(trainee):
    out = run(
        "--owner", trainee.email, "--name", "Phone app", "--redirect-uri", "https://a.example/cb",
        "--public",
    )  # fmt: skip

    assert "client_id:" in out and "client_secret" not in out


def test_an_organisations_client_credentials_app(org_admin, org_a):
    out = run(
        "--owner", org_admin.email, "--name", "Rota sync", "--grant", "client-credentials",
        "--organisation", org_a.slug,
    )  # fmt: skip

    assert "client_secret:" in out
    link = OrganisationApp.objects.get()
    assert link.organisation == org_a
    assert link.application.authorization_grant_type == "client-credentials"


def test_refusals_name_the_problem(trainee):
    with pytest.raises(CommandError, match="No active user"):
        run("--owner", "nobody@example.org", "--name", "X", "--redirect-uri", "https://a/cb")
    with pytest.raises(CommandError, match="organisation"):
        run("--owner", trainee.email, "--name", "X", "--grant", "client-credentials")
    with pytest.raises(CommandError, match="https"):
        run("--owner", trainee.email, "--name", "X", "--redirect-uri", "http://example.org/cb")
