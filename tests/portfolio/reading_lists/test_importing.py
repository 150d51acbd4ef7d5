"""A trainee imports a reading list in the browser: upload, preview, choose, log. Each chosen
reference becomes one reading entry with its DOI as a link, however often the list is
imported."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from portfolio import reading_lists, services
from portfolio.models import Evidence, Kind, LearningEntry, Source

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
UPLOAD = reverse("portfolio:reading_list_upload")
IMPORT = reverse("portfolio:reading_list_import")


def upload(client, name: str):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, (FILES / name).read_bytes())})


def preview_token(response) -> str:
    return re.search(rb'name="preview" value="([^"]+)"', response.content).group(1).decode()


def chosen(response) -> list[str]:
    """The references ticked on the preview page."""
    return re.findall(r'name="chosen" value="(\d+)"[^>]*checked', response.content.decode())


def import_all(client, name: str, read_on):
    preview = upload(client, name)
    return client.post(
        IMPORT,
        {"preview": preview_token(preview), "chosen": chosen(preview), "read_on": read_on},
    )


def test_a_bibtex_file_with_twenty_references_imports_as_twenty_entries_and_again_as_none(
    client, trainee, frozen_today
):
    client.force_login(trainee)

    response = import_all(client, "zotero_20.bib", frozen_today.isoformat())

    assert response.status_code == 302
    assert response.url == f"{reverse('portfolio:entry_list')}?kind=reading"
    entries = LearningEntry.objects.filter(trainee=trainee)
    assert entries.count() == 20
    assert set(entries.values_list("kind", "source", "date")) == {
        (Kind.READING, Source.READING_LIST, frozen_today)
    }
    rivers = entries.get(external_id="doi:10.1056/nejmoa010307")
    assert rivers.title.startswith("Early Goal-Directed Therapy")
    assert rivers.provider == "New England Journal of Medicine"
    assert (
        "Authors: Rivers E, Nguyen B" in rivers.description and "Year: 2001" in rivers.description
    )
    link = rivers.evidence.get()
    assert (link.kind, link.url) == (Evidence.Kind.LINK, "https://doi.org/10.1056/nejmoa010307")
    # Two references have no DOI: no link, and known by title and year instead.
    assert Evidence.objects.filter(entry__trainee=trainee).count() == 18
    assert entries.filter(external_id__startswith="title:").count() == 2
    # Each entry and each link is in the audit log, like any other.
    assert AuditEntry.objects.filter(action="create").count() == 20
    assert AuditEntry.objects.filter(action="add_evidence").count() == 18

    again = upload(client, "zotero_20.bib")
    assert "20 are already in your portfolio" in again.content.decode()
    assert chosen(again) == []
    assert "Every reference in this file is already in your portfolio" in again.content.decode()
    client.post(IMPORT, {"preview": preview_token(again), "chosen": [], "read_on": frozen_today})
    assert LearningEntry.objects.filter(trainee=trainee).count() == 20


def test_the_same_doi_from_another_manager_written_another_way_is_not_logged_again(
    client, trainee, frozen_today
):
    client.force_login(trainee)
    import_all(client, "zotero_20.bib", frozen_today.isoformat())

    # Mendeley writes Sepsis-3's DOI as https://doi.org/10.1001/JAMA.2016.0287.
    preview = upload(client, "mendeley.ris")

    assert "2 are already in your portfolio" in preview.content.decode()
    assert LearningEntry.objects.filter(trainee=trainee).count() == 20


def test_the_same_choice_sent_twice_logs_each_reference_once(client, trainee, frozen_today):
    client.force_login(trainee)
    preview = upload(client, "endnote.ris")
    form = {"preview": preview_token(preview), "chosen": chosen(preview), "read_on": frozen_today}

    client.post(IMPORT, form)
    second = client.post(IMPORT, form, follow=True)

    assert "Logged 0 reading entries. 3 were already in your portfolio." in second.content.decode()
    assert LearningEntry.objects.filter(trainee=trainee).count() == 3


def test_a_paper_logged_by_hand_with_its_doi_link_is_not_logged_again(
    client, trainee, log, frozen_today
):
    by_hand = log(kind=Kind.READING, title="Rivers et al, EGDT")
    services.add_link_evidence(
        entry=by_hand, actor=trainee, url="http://dx.doi.org/10.1056/NEJMoa010307"
    )
    client.force_login(trainee)

    preview = upload(client, "endnote.ris")

    assert "1 is already in your portfolio" in preview.content.decode()
    assert chosen(preview) == ["1", "2"]


def test_only_the_chosen_references_are_logged(client, trainee, frozen_today):
    client.force_login(trainee)
    preview = upload(client, "endnote.ris")

    client.post(
        IMPORT, {"preview": preview_token(preview), "chosen": ["1"], "read_on": frozen_today}
    )

    assert list(LearningEntry.objects.values_list("title", flat=True)) == [
        "The mini-CEX: a method for assessing clinical skills"
    ]
    # The rest can be logged from the same list later.
    later = upload(client, "endnote.ris")
    assert chosen(later) == ["0", "2"]


def test_the_preview_names_the_records_left_out(client, trainee):
    client.force_login(trainee)

    page = upload(client, "malformed.bib").content.decode()

    assert "Read 2 references from this BibTeX file." in page
    assert "Record 2 (smith2020): no title" in page
    assert "Record 5 (unclosed2017): could not be read at line 27" in page


def test_a_file_with_no_usable_record_says_so_and_offers_nothing_to_log(client, trainee):
    client.force_login(trainee)
    only_broken = b"@article{smith2020, journal={BMJ}, year={2020}}"

    page = client.post(UPLOAD, {"file": SimpleUploadedFile("a.bib", only_broken)})

    content = page.content.decode()
    assert "Record 1 (smith2020): no title" in content
    assert "Nothing in this file can be logged" in content
    assert "Log the chosen references" not in content


def test_a_file_that_cannot_be_read_is_refused_on_the_form(client, trainee):
    client.force_login(trainee)

    response = client.post(
        UPLOAD, {"file": SimpleUploadedFile("notes.txt", "Café".encode("cp1252"))}
    )

    assert response.status_code == 200
    assert "Export it again choosing the UTF-8" in response.content.decode()
    assert response.context["form"].errors["file"]


def test_choosing_nothing_or_a_future_date_is_refused_by_field(client, trainee, frozen_today):
    client.force_login(trainee)
    token = preview_token(upload(client, "endnote.ris"))

    response = client.post(IMPORT, {"preview": token, "chosen": [], "read_on": "2999-01-01"})

    errors = response.context["form"].errors
    assert errors["chosen"] == ["Choose at least one reference to log."]
    assert "cannot be dated in the future" in errors["read_on"][0]
    assert not LearningEntry.objects.exists()


def test_a_preview_made_for_another_trainee_logs_nothing(
    client, trainee, other_trainee, frozen_today
):
    client.force_login(other_trainee)
    theirs = preview_token(upload(client, "endnote.ris"))
    client.force_login(trainee)

    response = client.post(IMPORT, {"preview": theirs, "chosen": ["0"], "read_on": frozen_today})

    assert response.status_code == 302 and response.url == UPLOAD
    assert not LearningEntry.objects.exists()


def test_a_reference_logged_since_the_import_read_the_portfolio_is_not_logged_twice(
    trainee, frozen_today, monkeypatch
):
    reference = reading_lists.read_reading_list((FILES / "endnote.ris").read_bytes()).references[0]
    services.import_references(actor=trainee, references=[reference], read_on=frozen_today)
    # Logged (through the entries API, say) after the import read what is already logged.
    monkeypatch.setattr(
        "portfolio.selectors.reading_list_identities", lambda trainee, references: set()
    )

    result = services.import_references(actor=trainee, references=[reference], read_on=frozen_today)

    assert (result.logged, result.already_logged) == ([], [reference])
    assert LearningEntry.objects.count() == 1 and Evidence.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(UPLOAD)

    assert response.status_code == 302 and "login" in response.url


def test_the_entries_page_links_to_the_import(client, trainee):
    client.force_login(trainee)

    assert UPLOAD in client.get(reverse("portfolio:entry_list")).content.decode()


# --- What the pages cost -------------------------------------------------------------------------


def test_the_preview_costs_the_same_queries_for_three_references_or_twenty(
    client, trainee, django_assert_num_queries
):
    client.force_login(trainee)
    # Session, user, which of the file's references are already logged (from a list, or by
    # hand with their DOI link), the menu's roles.
    with django_assert_num_queries(5):
        upload(client, "endnote.ris")
    with django_assert_num_queries(5):
        upload(client, "zotero_20.bib")


def test_the_import_costs_the_same_queries_for_each_reference_as_logging_it_by_hand(
    client, trainee, frozen_today, django_assert_num_queries
):
    """Each entry and each link goes through the services a trainee's own logging goes
    through, audited one by one: 13 queries an entry (one of them finds the webhooks that may
    hear of it) and 12 a link, whatever else is in the portfolio. A bulk path would skip the
    audit chain's order; an import is rare."""
    client.force_login(trainee)
    preview = upload(client, "zotero_20.bib")
    form = {"preview": preview_token(preview), "chosen": chosen(preview), "read_on": frozen_today}

    # What is already logged (two queries), read for the form and again under the lock on
    # the trainee's row; 20 entries, 18 links, and the first audit and badge rows of this
    # trainee.
    with django_assert_num_queries(520):
        client.post(IMPORT, form)
