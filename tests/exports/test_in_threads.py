"""`make run` has no worker: there, an export is made in a thread of the web process, so
that the page answers at once and shows its progress, as it does with a worker."""

import threading

import pytest

from exports import services
from exports.models import Export

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_page_answers_before_the_export_is_made_and_the_thread_finishes_it(
    client, enrolled_trainee, settings, monkeypatch
):
    settings.TASKS_IN_THREADS = True
    release = threading.Event()

    def held_writer(export):
        def write(*, trainee, out, progress):
            progress(40, "Laying out the pages")
            assert release.wait(timeout=30)
            out.write(b"%PDF-1.7 made in a thread")

        return write

    monkeypatch.setattr(services, "default_writer", held_writer)
    client.force_login(enrolled_trainee)

    response = client.post("/exports/", {"format": "pdf"})

    assert response.status_code == 302
    export = Export.objects.get(owner=enrolled_trainee)
    [thread] = [t for t in threading.enumerate() if t.name == "task exports.tasks.make_export"]
    assert export.status in ("queued", "running")  # the request did not wait for it
    release.set()
    thread.join(timeout=30)
    export.refresh_from_db()
    assert (export.status, export.progress) == ("done", 100)
    with export.file.open("rb") as made:
        assert made.read() == b"%PDF-1.7 made in a thread"


def test_without_the_setting_the_export_is_made_before_the_page_answers(
    client, enrolled_trainee, monkeypatch
):
    def writer(export):
        return lambda *, trainee, out, progress: out.write(b"%PDF-1.7")

    monkeypatch.setattr(services, "default_writer", writer)
    client.force_login(enrolled_trainee)

    client.post("/exports/", {"format": "pdf"})

    assert Export.objects.get(owner=enrolled_trainee).status == "done"
