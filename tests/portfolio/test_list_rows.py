"""What a list of entries reads for each row: what the row shows, and no more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

LONG = "A paragraph of what was covered. " * 40


def test_rows_read_no_descriptions_yet_show_what_a_row_shows(client, log, enrolled_trainee, fpcs):
    log(
        title="Sepsis simulation",
        description=LONG,
        items=[fpcs["FPC12"]],
        tags=["sepsis"],
        reflection_learned="Escalate early.",
    )
    client.force_login(enrolled_trainee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portfolio:entry_list"))
    assert response.status_code == 200
    (row,) = response.context["page"].object_list
    assert {"description", "provider", "location"} <= row.get_deferred_fields()
    # Tags and items come as bare names and codes in plain lists: no model for a tag, an
    # item or its link, and no manager or queryset per row to reach them.
    assert (row.listed_tag_names, row.listed_item_codes) == (["sepsis"], ["FPC12"])
    assert not getattr(row, "_prefetched_objects_cache", {})
    page = response.content.decode()
    assert "Sepsis simulation" in page and "FPC12" in page and "#sepsis" in page
    # No query read a description: not the page's, nor one row at a time afterwards.
    described = [q["sql"] for q in queries if '"description"' in q["sql"]]
    assert not [sql for sql in described if "SELECT" in sql.split(" FROM ")[0]], described
    assert row.has_reflection


def test_a_supervisor_sees_whether_a_row_has_a_reflection(
    client, log, enrolled_trainee, supervisor
):
    from portfolio import services

    entry = log(title="Clinic", reflection_learned="Listen first.", reflection_shared=True)
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    client.force_login(supervisor)
    response = client.get(reverse("portfolio:trainee_entries", args=[enrolled_trainee.pk]))
    assert "Reflection shared with you" in response.content.decode()


@pytest.mark.needs_postgresql
def test_the_item_filter_reads_its_options_in_one_plain_query(client, enrolled_trainee):
    """Django reads a model choice field's options through a server-side cursor: on
    PostgreSQL a DECLARE, a FETCH and a CLOSE. The filter's options are read whole, once."""
    client.force_login(enrolled_trainee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portfolio:entry_list"))
    assert 'value="' in response.content.decode()
    sql = [q["sql"] for q in queries]
    assert not [s for s in sql if s.startswith("DECLARE")], sql
    (options,) = [s for s in sql if '"curriculum_item"."code"' in s and "portfolio_" not in s]
    assert options.startswith('SELECT "curriculum_item"."id"')
