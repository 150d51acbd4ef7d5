"""The round trip between two real sites: a portfolio exported here (site A, the test
database) is imported by another Waymark — a separate process on a database of its own,
freshly migrated, SQLite or PostgreSQL as this suite runs — which exports it again. The two
portfolio.json are the same but for when and where they were written, and every evidence
file and badge document is byte for byte the same."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings

from tests.exports.archive.conftest import archive_of, make_portfolio, read_zip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SITE_B = "https://b.waymark.example"


@pytest.fixture
def site_b_database(tmp_path):
    """A database of its own for site B, of the same engine as this suite's."""
    default = django_settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'site-b.sqlite3'}"
        return
    name = f"waymark_site_b_{uuid.uuid4().hex[:12]}"
    server = {
        "host": default["HOST"], "port": default["PORT"] or 5432,
        "user": default["USER"], "password": default["PASSWORD"] or None, "dbname": "postgres",
    }  # fmt: skip
    with psycopg.connect(**server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    password = f":{default['PASSWORD']}" if default["PASSWORD"] else ""
    yield f"postgres://{default['USER']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(**server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_b(database_url: str, tmp_path: Path):
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ENV")},
        "DATABASE_URL": database_url,
        "SITE_URL": SITE_B,
        "MEDIA_ROOT": str(tmp_path / "site-b-files"),
    }

    def manage(*arguments: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py with arguments we chose
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    return manage


def test_a_portfolio_goes_to_another_site_and_comes_back_the_same(
    site_b_database, tmp_path, settings
):
    settings.SITE_URL = "https://a.waymark.example"
    trainee = make_portfolio()
    from_a = tmp_path / "from-a.zip"
    from_a.write_bytes(archive_of(trainee))
    from_b = tmp_path / "from-b.zip"

    manage = site_b(site_b_database, tmp_path)
    manage("migrate", "--noinput", "-v", "0")
    manage(
        "shell", "-c",
        "from accounts.models import User; "
        f"User.objects.create_user(email={trainee.email!r}, full_name={trainee.full_name!r}, "
        f"registration_number={trainee.registration_number!r})",
    )  # fmt: skip
    imported = manage("import_portfolio", str(from_a), "--email", trainee.email)
    manage("export_portfolio", str(from_b), "--email", trainee.email)

    assert "from https://a.waymark.example: 4 entries added" in imported
    files_a, files_b = read_zip(from_a.read_bytes()), read_zip(from_b.read_bytes())
    document_a = json.loads(files_a.pop("portfolio.json"))
    document_b = json.loads(files_b.pop("portfolio.json"))
    assert document_b["instance"]["url"] == SITE_B
    for document in (document_a, document_b):
        del document["exported_at"], document["instance"]
    assert document_b == document_a
    carried = sorted(n for n in files_a if n.startswith(("evidence/", "badges/")))
    assert carried == sorted(n for n in files_b if n.startswith(("evidence/", "badges/")))
    assert len(carried) == 6  # a PDF, an image; a badge's assertion, image and credential ×2
    assert all(files_b[name] == files_a[name] for name in carried)
