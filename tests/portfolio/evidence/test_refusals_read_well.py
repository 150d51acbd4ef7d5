"""What a trainee reads when evidence is refused: sizes that differ when the file is too
large, and the refusal beside the field on the entry page, with what they typed kept."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from portfolio import services
from portfolio.evidence import size_in_words
from portfolio.models import Evidence
from tests.portfolio.evidence.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "round_up", "words"),
    [
        (50 * MB, False, "50 MB"),
        (50 * MB + 1, True, "50.1 MB"),
        (int(50.3 * MB), True, "50.3 MB"),
        (int(50.39 * MB), False, "50.3 MB"),
        (1536, False, "1.5 KB"),
        (900, False, "900 bytes"),
    ],
)
def test_sizes_in_words(size, round_up, words):
    assert size_in_words(size, round_up=round_up) == words


def test_a_file_a_little_too_large_says_how_large_it_is(entry, settings):
    settings.EVIDENCE_MAX_BYTES = 50 * MB
    file = upload("notes.pdf", pdf_bytes())
    file.size = 50 * MB + 1000

    with pytest.raises(ValidationError) as refused:
        services.add_file_evidence(entry=entry, actor=entry.trainee, uploaded_file=file)

    assert refused.value.message_dict["file"] == [
        "This file is 50.1 MB; the largest allowed is 50 MB."
    ]


def test_a_refused_upload_keeps_the_title_and_shows_the_error_by_the_field(client, entry):
    client.force_login(entry.trainee)

    response = client.post(
        reverse("portfolio:evidence_add", args=[entry.pk]),
        {"title": "Ward round whiteboard", "file": upload("notes.txt", b"just some text")},
    )

    assert response.status_code == 200
    form = response.context["evidence_form"]
    assert form.errors["file"] and not form.non_field_errors()
    page = response.text
    assert 'value="Ward round whiteboard"' in page
    assert '<details class="card" open>' in page
    assert list(get_messages(response.wsgi_request)) == []
    assert not Evidence.objects.exists()


def test_an_upload_with_neither_file_nor_link_is_refused_by_the_field(client, entry):
    client.force_login(entry.trainee)

    response = client.post(
        reverse("portfolio:evidence_add", args=[entry.pk]), {"title": "Whiteboard"}
    )

    assert response.context["evidence_form"].errors["file"] == ["Choose a file or give a link."]
    assert 'value="Whiteboard"' in response.text
