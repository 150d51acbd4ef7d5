"""The bench's building blocks: its floor view, its targets, and its rows for COPY. No
timings here: the bench's figures are ratios measured in one run of `make bench`."""

import pytest
from django.urls import clear_url_caches

from badges import demo
from badges.models import Award, BadgeClass
from bench.copying import Rows
from bench.data import sized_database_url
from bench.targets import Result, missed, table
from tests.factories import UserFactory


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.mark.django_db
def test_floor_view_answers_a_signed_in_user_and_nothing_else(bench_urls, client, trainee):
    from bench.urls import FLOOR_PATH

    assert client.get(FLOOR_PATH).status_code == 302  # to the login page
    client.force_login(trainee)
    response = client.get(FLOOR_PATH)
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_the_site_is_still_served_under_the_bench_urls(bench_urls, client, trainee):
    client.force_login(trainee)
    assert client.get("/dashboard/").status_code == 200


def test_a_ratio_above_its_bound_is_missed_and_one_below_is_met():
    slow = Result("pages", "dashboard", 12.0, 2.0, at_most=5)
    fast = Result("pages", "badges", 8.0, 2.0, at_most=5)
    assert (slow.ratio, slow.passed, slow.verdict) == (6.0, False, "MISS")
    assert (fast.ratio, fast.passed, fast.verdict) == (4.0, True, "PASS")
    assert missed([slow, fast]) == [slow]


def test_a_throughput_below_its_share_of_the_floor_is_missed():
    result = Result("pipeline", "burst", 200.0, 850.0, unit="saves/s", at_least=0.25)
    assert result.passed is False
    assert Result("pipeline", "burst", 300.0, 850.0, at_least=0.25).passed is True


def test_a_bound_without_a_floor_judges_the_figure_itself():
    assert Result("writes", "queries", 19, unit="queries", at_most=8).passed is False
    assert Result("writes", "queries", 8, unit="queries", at_most=8).passed is True


def test_context_figures_are_printed_but_never_judged():
    floor = Result("pages", "floor", 2.0)
    assert floor.passed is None
    assert missed([floor]) == []
    printed = table([floor, Result("pages", "dashboard", 12.0, 2.0, at_most=5, note="why")])
    assert "6.00×" in printed
    assert "MISS" in printed
    assert "dashboard: why" in printed


def test_the_small_table_lives_in_a_database_named_after_the_main_one():
    url = "postgres://postgres@127.0.0.1:5432/waymark_bench"
    assert sized_database_url(url, 200_000).endswith("/waymark_bench_200k")
    assert sized_database_url(url, 1_000_000) == url


@pytest.mark.django_db
def test_rows_fill_what_is_not_given_as_a_save_would(org_a):
    demo.create_badge_classes(org_a)
    badge_class, recipient = BadgeClass.objects.first(), UserFactory()
    rows = Rows(Award, ["badge_class_id", "recipient_id", "recipient_email"])
    given = {
        "badge_class_id": badge_class.pk,
        "recipient_id": recipient.pk,
        "recipient_email": recipient.email,
    }
    first, second = (dict(zip(rows.columns, rows.row(given), strict=True)) for _ in range(2))
    assert first["badge_class_id"] == badge_class.pk
    # Callable defaults are called for each row: no two awards share an identifier or salt.
    assert first["uid"] != second["uid"]
    assert first["salt"] != second["salt"]
    assert first["issued_on"] is not None
    assert (first["revoked_at"], first["public"], first["narrative"]) == (None, False, "")
    assert "id" not in rows.columns


def test_rows_refuse_a_field_with_no_default_left_out():
    with pytest.raises(ValueError, match="recipient has no default"):
        Rows(Award, ["badge_class_id", "recipient_email"])


def test_a_processs_peak_memory_is_its_own_not_its_parents():
    """Linux carries ru_maxrss across exec: a probe started by the bench, which holds the
    awards it loaded, would report the bench's size. VmHWM is the probe's own."""
    import subprocess
    import sys

    held = bytearray(400 * 1024 * 1024)
    held[::4096] = b"\x01" * len(held[::4096])  # touched, so resident
    probe = "from bench.measure import peak_rss_kib; print(peak_rss_kib())"
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert int(done.stdout) < 200 * 1024
