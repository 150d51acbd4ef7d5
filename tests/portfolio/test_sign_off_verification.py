"""Sign-offs checkable on paper: each has an unguessable public link, and a QR code of it,
at which whoever holds it confirms what was signed, by whom, when, and whether it stands."""

import io
import re

import pytest
import segno
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from portfolio import services
from portfolio.models import LearningEntry, SignOff, SignOffLink
from portfolio.verification import qr_code_svg, sign_off_link
from tests.conftest import member
from tests.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

REFLECTION = "I froze when the family asked about resuscitation."


@pytest.fixture
def signed(log, enrolled_trainee, supervisor):
    """Sign off an entry as the trainee's supervisor would, returning the sign-off."""

    def sign(**fields):
        entry = log(**fields)
        services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
        return services.approve(entry=entry, actor=supervisor, comment="Well handled")

    return sign


def check_page(client, sign_off):
    return client.get(reverse("portfolio:sign_off_check", args=[sign_off.link.token]))


def test_approving_gives_the_sign_off_an_unguessable_link(signed):
    first, second = signed(title="Breaking bad news"), signed(title="Chest drain")
    for sign_off in (first, second):
        token = SignOffLink.objects.get(sign_off=sign_off).token
        # token_urlsafe(16): 128 random bits, as 22 URL-safe characters.
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
    assert first.link.token != second.link.token


def test_the_link_is_absolute_on_the_public_site_address(signed, settings):
    settings.SITE_URL = "https://waymark.example.org"
    sign_off = signed()
    assert sign_off_link(sign_off) == f"https://waymark.example.org/v/{sign_off.link.token}/"


def test_the_page_confirms_a_standing_sign_off_to_anyone(
    client, signed, enrolled_trainee, supervisor
):
    supervisor.full_name, supervisor.registration_number = "Dr Ada Okafor", "7123456"
    supervisor.save()
    enrolled_trainee.full_name = "Sam Patel"
    enrolled_trainee.save()
    sign_off = signed(title="Breaking bad news", kind="teaching_attended", date="2026-11-02")

    response = check_page(client, sign_off)  # signed out

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stands." in page and "still exactly what was signed off" in page
    assert (
        "Breaking bad news" in page
        and "Teaching session attended" in page
        and "2 November 2026" in page
    )
    assert "Sam Patel" in page
    assert "Dr Ada Okafor" in page and "7123456" in page
    assert dateformat.format(timezone.localtime(sign_off.signed_at), "j F Y") in page
    assert sign_off.content_hash in page and f"version {sign_off.hash_version}" in page
    assert "Withdrawn" not in page


def test_the_page_asks_search_engines_not_to_index_it(client, signed):
    response = check_page(client, signed())
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_a_withdrawn_sign_off_says_it_no_longer_stands(client, signed, supervisor):
    sign_off = signed()
    withdrawal = services.withdraw_sign_off(
        entry=sign_off.entry, actor=supervisor, reason="Signed the wrong entry"
    )
    page = check_page(client, sign_off).content.decode()
    assert "Withdrawn" in page and "no longer stands" in page
    assert dateformat.format(timezone.localtime(withdrawal.withdrawn_at), "j F Y") in page
    assert "Stands." not in page


def test_an_entry_changed_after_sign_off_is_said_plainly_not_to_match(client, signed):
    sign_off = signed(title="Breaking bad news")
    LearningEntry.objects.filter(pk=sign_off.entry_id).update(title="Edited behind its back")
    page = check_page(client, sign_off).content.decode()
    assert "no longer matches what was signed off" in page
    assert "Stands." not in page


def test_the_page_shows_nothing_else_of_the_portfolio(client, log, signed):
    sign_off = signed(
        title="Breaking bad news",
        description="Ward 7, bed 3",
        reflection_learned=REFLECTION,
        reflection_shared=True,
    )
    log(title="Another entry of the same trainee")
    page = check_page(client, sign_off).content.decode()
    assert REFLECTION not in page
    assert "Ward 7, bed 3" not in page
    assert "Well handled" not in page  # the supervisor's comment is for the trainee
    assert "Another entry of the same trainee" not in page
    assert reverse("portfolio:entry_detail", args=[sign_off.entry_id]) not in page


@pytest.mark.parametrize("name", ["sign_off_check", "sign_off_qr_code"])
def test_an_unknown_token_is_not_found(client, signed, name):
    sign_off = signed()
    assert client.get(reverse(f"portfolio:{name}", args=["x" * 22])).status_code == 404
    almost = sign_off.link.token[:-1]
    assert client.get(reverse(f"portfolio:{name}", args=[almost])).status_code == 404


def test_the_qr_code_is_an_svg_of_the_link(client, signed, settings):
    settings.SITE_URL = "https://waymark.example.org"
    sign_off = signed()
    response = client.get(reverse("portfolio:sign_off_qr_code", args=[sign_off.link.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # No QR decoder is installed: the SVG is checked to be exactly segno's encoding of the
    # link, which segno's own tests cover.
    link = f"https://waymark.example.org/v/{sign_off.link.token}/"
    expected = io.BytesIO()
    segno.make(link, error="m", micro=False).save(
        expected, kind="svg", scale=4, border=4, xmldecl=True, title="QR code of " + link
    )
    assert response.content == expected.getvalue() == qr_code_svg(link)
    assert segno.make(link, error="m", micro=False).designator.endswith("-M")


def test_the_page_costs_the_same_queries_however_much_the_entry_holds(
    client, signed, fpcs, django_assert_num_queries
):
    small = signed(title="Small")
    large = signed(
        title="Large",
        tags=["sepsis", "ward", "nights"],
        items=[fpcs["FPC1"], fpcs["FPC2"], fpcs["FPC3"]],
    )
    with CaptureQueriesContext(connection) as small_queries:
        assert check_page(client, small).status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        assert check_page(client, large).status_code == 200
    assert len(small_queries) == len(large_queries)
    with django_assert_num_queries(len(small_queries)):
        check_page(client, large)


def test_the_trainee_and_the_signer_see_the_link_on_the_entry_page(
    client, signed, enrolled_trainee, supervisor, org_a
):
    sign_off = signed()
    link = sign_off_link(sign_off)
    qr = reverse("portfolio:sign_off_qr_code", args=[sign_off.link.token])
    url = reverse("portfolio:entry_detail", args=[sign_off.entry_id])
    for person in (enrolled_trainee, supervisor):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "Anyone with this link can check this sign-off" in page
        assert link in page and qr in page

    other = member(org_a, "supervisor", email="second.supervisor@example.org")
    SupervisionFactory(supervisor=other, trainee=enrolled_trainee, organisation=org_a)
    client.force_login(other)
    response = client.get(url)
    assert response.status_code == 200
    assert link not in response.content.decode()


def test_an_entry_never_signed_off_has_no_link(client, log, enrolled_trainee):
    entry = log()
    client.force_login(enrolled_trainee)
    page = client.get(reverse("portfolio:entry_detail", args=[entry.pk])).content.decode()
    assert "Anyone with this link" not in page
    assert not SignOff.objects.filter(entry=entry).exists()


def test_the_migration_gives_existing_sign_offs_links(migrator, trainee, supervisor):
    """Sign-offs given before links existed get one each, by inserting links: the sign-off
    rows are append-only."""
    old = migrator(("portfolio", "0010_entry_search"))
    Entry = old.get_model("portfolio", "LearningEntry")
    Request = old.get_model("portfolio", "SignOffRequest")
    OldSignOff = old.get_model("portfolio", "SignOff")
    before = []
    for title in ("Breaking bad news", "Chest drain"):
        entry = Entry.objects.create(
            trainee_id=trainee.pk, kind="teaching_attended", title=title, date="2026-11-02"
        )
        request = Request.objects.create(
            entry=entry, supervisor_id=supervisor.pk, outcome="approved"
        )
        before.append(
            OldSignOff.objects.create(
                entry=entry,
                request=request,
                trainee_id=trainee.pk,
                supervisor_id=supervisor.pk,
                content_hash="0" * 64,
            ).pk
        )

    migrator.to_latest()

    links = SignOffLink.objects.filter(sign_off__in=before)
    assert sorted(links.values_list("sign_off", flat=True)) == sorted(before)
    tokens = [link.token for link in links]
    assert len(set(tokens)) == 2 and all(re.fullmatch(r"[A-Za-z0-9_-]{22}", t) for t in tokens)
    assert SignOff.objects.filter(pk__in=before).count() == 2
