"""Two imports of reading lists by one trainee at the same moment (a double-clicked button,
or the page and an app): each reference is logged once, and neither import fails."""

from pathlib import Path

import pytest
from django.db import connection

from portfolio import reading_lists, services
from portfolio.models import Evidence, LearningEntry
from tests.helpers import audit_intact
from tests.portfolio.test_concurrency import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]

FILES = Path(__file__).parent / "files"


def test_overlapping_lists_imported_at_once_log_each_reference_once(trainee, frozen_today):
    assert connection.vendor == "postgresql"
    zotero = reading_lists.read_reading_list((FILES / "zotero_20.bib").read_bytes()).references
    # The same references in another order, as another manager exports them.
    lists = [zotero, list(reversed(zotero))]

    results = run_at_once(
        2,
        lambda i: services.import_references(
            actor=trainee, references=lists[i], read_on=frozen_today
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r.logged) for r in results) == [0, 20]
    assert LearningEntry.objects.filter(trainee=trainee).count() == 20
    assert Evidence.objects.count() == 18
    assert audit_intact() >= 38
