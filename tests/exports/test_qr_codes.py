"""On paper, the QR code beside each sign-off and badge is its public link: rendered and read
back as a camera would, each decodes to the link printed beside it."""

import pytest

from exports import services
from exports.filters import Chosen
from portfolio.verification import sign_off_link
from tests.exports.conftest import link_uris, qr_codes, read_pdf

pytestmark = pytest.mark.django_db


def test_each_qr_code_decodes_to_the_link_printed_beside_it(
    portfolio, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(
            actor=portfolio["trainee"], format="pdf", chosen=Chosen(**period)
        )
    export.refresh_from_db()
    with export.file.open("rb") as stored:
        decoded = qr_codes(stored.read())

    sign_offs = {sign_off_link(entry.sign_offs.get()) for entry in portfolio["signed"]}
    badge = f"http://127.0.0.1:8000/badges/awards/{portfolio['award'].uid}/"
    assert sorted(decoded) == sorted([*sign_offs, badge])
    assert set(decoded) <= set(link_uris(read_pdf(export)))
