"""The frameworks in curriculum/data are loaded by `migrate`, and cheaply when they already are."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from curriculum.models import Framework
from curriculum.services import DATA_DIR, SHIPPED_FRAMEWORKS, hash_content, load_shipped_frameworks

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_shipped_frameworks_exist_after_migrating(db):
    """The test database was made by `migrate`, whose post_migrate handler loaded them."""
    loaded = {
        (f.slug, f.version): f.content_hash
        for f in Framework.objects.filter(slug__in=[slug for _, slug, _ in SHIPPED_FRAMEWORKS])
    }

    assert loaded == {
        (slug, version): hash_content((DATA_DIR / filename).read_bytes())
        for filename, slug, version in SHIPPED_FRAMEWORKS
    }


@pytest.mark.django_db(transaction=True)
def test_the_shipped_frameworks_come_back_after_the_database_is_flushed():
    """Transactional tests end with a flush, which sends post_migrate again."""
    call_command("flush", interactive=False, verbosity=0)

    assert Framework.objects.count() == len(SHIPPED_FRAMEWORKS)


def test_loading_them_again_is_cheap_and_changes_nothing(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(6 * len(SHIPPED_FRAMEWORKS)):
        results = load_shipped_frameworks(actor=None)

    assert [r.unchanged for r in results] == [True] * len(SHIPPED_FRAMEWORKS)


def manage(database, *args):
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_ENV": "development"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_migrating_only_part_of_the_way_skips_the_loader_until_the_tables_exist(tmp_path):
    database = tmp_path / "partial.sqlite3"

    partial = manage(database, "migrate", "accounts", "0001", "--verbosity=0")
    assert partial.returncode == 0, partial.stderr
    full = manage(database, "migrate", "--verbosity=0")
    assert full.returncode == 0, full.stderr

    with sqlite3.connect(database) as connection:
        slugs = {row[0] for row in connection.execute("select slug from curriculum_framework")}
    assert slugs == {slug for _, slug, _ in SHIPPED_FRAMEWORKS}
