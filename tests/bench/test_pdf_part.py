"""The PDF bench part's building blocks: the portfolio it builds and the export it times.
No timings here: the figures are ratios measured by `make bench`."""

import pytest

from bench import pdf
from exports.models import Export
from portfolio.models import LearningEntry, SignOff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_storage(tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Export._meta.get_field("file"), "storage", storage)
    return storage


def test_the_portfolio_has_its_entries_a_third_signed_off(enrolled_trainee, supervisor):
    pdf.build_portfolio(enrolled_trainee, entries=6)

    assert LearningEntry.objects.filter(trainee=enrolled_trainee).count() == 6
    assert SignOff.objects.filter(trainee=enrolled_trainee).count() == 2


# As in the bench, each write commits at once, and the export's task runs as it does.
@pytest.mark.django_db(transaction=True)
def test_the_timed_export_makes_the_whole_pdf_and_leaves_nothing_behind(
    enrolled_trainee, supervisor, export_storage
):
    pdf.build_portfolio(enrolled_trainee, entries=3)
    made = []
    original = Export.file.field.storage.save

    def save(name, content, **kwargs):
        made.append(content.read(5))
        content.seek(0)
        return original(name, content, **kwargs)

    export_storage.save = save
    pdf.request_to_file(enrolled_trainee)

    assert made == [b"%PDF-"]
    assert not Export.objects.exists()
    assert export_storage.listdir("exports/" + str(enrolled_trainee.pk))[1] == []
