"""The export page: ask for a PDF (filters checked by field) or the archive, watch its
progress in a partial the page polls, download it. Only the owner sees or downloads an
export; each page costs a fixed number of queries."""

import pytest
from django.urls import reverse

from exports import services
from exports.filters import Chosen
from exports.models import Export

pytestmark = pytest.mark.django_db

PAGE = reverse("exports:export_page")
# What the page and its status partial cost, however many exports the trainee has.
EXPORT_PAGE_QUERIES = 5
STATUS_QUERIES = 4


def status_url(export):
    return reverse("exports:export_status", args=[export.pk])


def download_url(export):
    return reverse("exports:export_download", args=[export.pk])


@pytest.fixture
def made(enrolled_trainee):
    """A finished export of the trainee's."""
    export = services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())
    services.make_export(export_id=export.pk, writer=lambda **kw: kw["out"].write(b"%PDF-1.7"))
    export.refresh_from_db()
    return export


def test_the_dashboard_links_to_the_export_page(client, enrolled_trainee):
    client.force_login(enrolled_trainee)

    assert PAGE in client.get(reverse("portfolio:dashboard")).content.decode()


def test_asking_for_a_pdf_makes_it_and_lists_it_ready_to_download(
    client, enrolled_trainee, django_capture_on_commit_callbacks
):
    client.force_login(enrolled_trainee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"format": "pdf", "kinds": ["reading"]})

    assert response.status_code == 302
    export = Export.objects.get(owner=enrolled_trainee)
    assert export.status == "done"
    assert export.filters["kinds"] == ["reading"]
    page = client.get(PAGE).content.decode()
    assert download_url(export) in page
    download = client.get(download_url(export))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_filters_that_make_no_sense_are_shown_by_their_field(client, enrolled_trainee):
    client.force_login(enrolled_trainee)

    response = client.post(
        PAGE, {"format": "pdf", "date_from": "2026-05-02", "date_to": "2026-05-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_to": ["The end of the period cannot be before its start (2 May 2026)."]
    }
    assert not Export.objects.exists()


def test_the_archive_button_makes_an_archive_offered_for_download(client, enrolled_trainee):
    client.force_login(enrolled_trainee)

    client.post(PAGE, {"format": "archive"})
    export = Export.objects.get(owner=enrolled_trainee)
    services.make_export(export_id=export.pk)

    export.refresh_from_db()
    assert export.format == "archive" and export.status == "done"
    page = client.get(PAGE).content.decode()
    assert f"/exports/{export.pk}/download/" in page


def test_an_unfinished_export_polls_for_its_progress_and_a_finished_one_stops(
    client, enrolled_trainee, made
):
    running = services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())
    Export.objects.filter(pk=running.pk).update(
        status="running", progress=42, stage="Laying out the pages"
    )
    client.force_login(enrolled_trainee)

    partial = client.get(status_url(running)).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert "42% — Laying out the pages" in partial
    assert 'value="42"' in partial

    finished = client.get(status_url(made)).content.decode()
    assert "hx-trigger" not in finished
    assert download_url(made) in finished


@pytest.mark.parametrize("url", [status_url, download_url])
def test_someone_elses_export_does_not_exist_for_them(client, made, other_trainee, url):
    client.force_login(other_trainee)

    assert client.get(url(made)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, made):
    for url in (PAGE, status_url(made), download_url(made)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_export_not_finished_cannot_be_downloaded(client, enrolled_trainee):
    export = services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())
    client.force_login(enrolled_trainee)

    assert client.get(download_url(export)).status_code == 404


def test_the_page_costs_the_same_queries_however_many_exports(
    client, enrolled_trainee, django_assert_num_queries
):
    client.force_login(enrolled_trainee)

    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    first = queries_for_page()
    for _ in range(3):
        services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())
    with django_assert_num_queries(first):
        client.get(PAGE)
    # Session, user, the exports, navigation roles, the curriculum items.
    with django_assert_num_queries(EXPORT_PAGE_QUERIES):
        client.get(PAGE)


def test_the_status_partial_costs_a_fixed_number_of_queries(
    client, enrolled_trainee, made, django_assert_num_queries
):
    client.force_login(enrolled_trainee)

    # Session, user, the export, and the roles every page's context reads.
    with django_assert_num_queries(STATUS_QUERIES):
        client.get(status_url(made))
