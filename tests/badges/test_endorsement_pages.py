"""The endorser's pages (the endorsements it gave, the Endorse form, withdrawing after a
confirmation page) and the public pages that show standing endorsements: the badge class's,
the award's verify page and the issuer's."""

import html
import re

import pytest
from django.urls import reverse

from badges.models import BadgeClass, Endorsement
from badges.services import endorsements
from tests.badges.endorsing import (
    CLAIM,
    another_endorser,
    college,
    endorse,
    endorsed_class,
    trust_issuer,
)
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db

__all__ = ["college", "endorsed_class", "trust_issuer"]


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def listed(org):
    return reverse("badges:org_endorsements", args=[org.slug])


def new(org):
    return reverse("badges:org_endorsement_create", args=[org.slug])


def withdraw_page(org, endorsement):
    return reverse("badges:org_endorsement_withdraw", args=[org.slug, endorsement.pk])


# --- The endorser's admins -----------------------------------------------------------------------


def test_the_list_says_so_when_nothing_is_endorsed(client, org_b, org_b_admin, college):
    client.force_login(org_b_admin)
    page = text(client.get(listed(org_b)))
    assert "Royal College of Elsewhere has endorsed nothing yet." in page


def test_an_organisation_without_an_issuer_sets_one_up_first(client, org_b, org_b_admin):
    client.force_login(org_b_admin)
    assert "Set up your issuer profile first" in text(client.get(listed(org_b)))
    response = client.get(new(org_b))
    assert response.url == reverse("badges:org_issuer_edit", args=[org_b.slug])


def test_the_form_offers_other_issuers_and_their_active_badge_classes(
    client, org_b, org_b_admin, college, trust_issuer, endorsed_class
):
    BadgeClass.objects.filter(slug="peer-teacher").update(is_active=False)
    client.force_login(org_b_admin)
    form = client.get(new(org_b)).context["form"]
    choices = dict(form.fields["target"].choices)
    assert choices["Issuers"] == [(f"issuer:{trust_issuer.pk}", trust_issuer.name)]
    offered = dict(choices[f"Badge classes of {trust_issuer.name}"])
    assert offered[f"badge_class:{endorsed_class.pk}"] == "Journal club host"
    assert "Peer teacher" not in offered.values()
    assert f"issuer:{college.pk}" not in str(choices)


def test_endorsing_through_the_form(client, org_b, org_b_admin, college, endorsed_class):
    client.force_login(org_b_admin)
    response = client.post(
        new(org_b), {"target": f"badge_class:{endorsed_class.pk}", "claim": CLAIM}
    )
    assert response.status_code == 302 and response.url == listed(org_b)
    assert messages_of(response) == ["Royal College of Elsewhere endorses “Journal club host”."]
    endorsement = Endorsement.objects.get()
    assert endorsement.badge_class == endorsed_class and endorsement.claim == CLAIM
    page = text(client.get(listed(org_b)))
    assert f"Journal club host of St Elsewhere NHS Foundation Trust {CLAIM}" in page
    assert "Standing" in page


def test_the_form_names_what_is_wrong_by_field(client, org_b, org_b_admin, college, endorsed_class):
    client.force_login(org_b_admin)
    target = f"badge_class:{endorsed_class.pk}"
    response = client.post(new(org_b), {"target": target, "claim": ""})
    assert_inline_error(response, "claim", "This field is required.")
    response = client.post(new(org_b), {"target": f"issuer:{college.pk}", "claim": CLAIM})
    assert_inline_error(response, "target", "Select a valid choice.")
    endorse(org_b_admin, college, endorsed_class)
    response = client.post(new(org_b), {"target": target, "claim": "Again."})
    assert_inline_error(
        response, "target", "Royal College of Elsewhere already endorses “Journal club host”."
    )
    assert Endorsement.objects.count() == 1


def test_withdrawing_asks_first_then_needs_a_reason(
    client, org_b, org_b_admin, college, endorsed_class
):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    client.force_login(org_b_admin)
    page = client.get(withdraw_page(org_b, endorsement))
    assert "Withdraw the endorsement of “Journal club host”?" in text(page)
    assert Endorsement.objects.live().count() == 1
    refused = client.post(withdraw_page(org_b, endorsement), {"reason": ""})
    assert_inline_error(refused, "reason", "This field is required.")
    response = client.post(withdraw_page(org_b, endorsement), {"reason": "The outcomes changed."})
    assert response.url == listed(org_b)
    endorsement.refresh_from_db()
    assert endorsement.withdrawal_reason == "The outcomes changed."
    assert "Withdrawn" in text(client.get(listed(org_b)))
    again = client.get(withdraw_page(org_b, endorsement))
    assert again.url == listed(org_b)
    assert messages_of(again) == ["This endorsement is already withdrawn."]


def test_other_peoples_endorsement_pages_are_404(
    client, org_a, org_b, org_admin, org_b_admin, college, endorsed_class, trust_issuer
):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    client.force_login(org_admin)
    assert client.get(listed(org_b)).status_code == 404
    assert client.get(withdraw_page(org_b, endorsement)).status_code == 404
    # Through the admin's own organisation, another issuer's endorsement does not exist.
    assert client.get(withdraw_page(org_a, endorsement)).status_code == 404
    assert client.post(withdraw_page(org_a, endorsement), {"reason": "x"}).status_code == 404
    assert Endorsement.objects.live().count() == 1


def test_the_list_costs_the_same_however_many_endorsements(
    client, org_b, org_b_admin, college, trust_issuer, django_assert_num_queries
):
    classes = list(BadgeClass.objects.filter(issuer=trust_issuer).order_by("pk"))
    endorse(org_b_admin, college, classes[0])
    client.force_login(org_b_admin)
    # The session and user, the organisation, the issuer, the endorsements with their
    # targets and people, the navigation's organisations.
    with django_assert_num_queries(6):
        client.get(listed(org_b))
    endorse(org_b_admin, college, trust_issuer)
    for badge_class in classes[1:4]:
        endorse(org_b_admin, college, badge_class)
    endorsements.withdraw_endorsement(
        actor=org_b_admin, endorsement=Endorsement.objects.first(), reason="Old."
    )
    with django_assert_num_queries(6):
        page = text(client.get(listed(org_b)))
    assert page.count("Standing") == 4 and page.count("Withdrawn") == 1


# --- Public pages --------------------------------------------------------------------------------


@pytest.fixture
def award(endorsed_class, enrolled_trainee, org_admin):
    from badges.services import awarding

    return awarding.award_badge(
        badge_class=endorsed_class, recipient=enrolled_trainee, actor=org_admin, narrative="Hosted."
    )


def test_the_badge_class_and_verify_pages_show_standing_endorsements(
    client, college, endorsed_class, trust_issuer, org_b_admin, award
):
    of_class = endorse(org_b_admin, college, endorsed_class)
    endorse(org_b_admin, college, trust_issuer, claim="Teaches foundation doctors well.")
    day = f"{of_class.created_at:%-d %B %Y}"
    for url in (endorsed_class.get_absolute_url(), award.get_absolute_url()):
        page = text(client.get(url))
        assert (
            f"Other issuers endorse this badge: Royal College of Elsewhere , on {day}: “{CLAIM}” "
            "Domain not verified." in page
        )
        assert (
            "Other issuers endorse St Elsewhere NHS Foundation Trust: Royal College of "
            f"Elsewhere , on {day}: “Teaches foundation doctors well.”" in page
        )
    endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=of_class, reason="Old.")
    page = text(client.get(endorsed_class.get_absolute_url()))
    assert CLAIM not in page and "Teaches foundation doctors well." in page


def test_a_badge_without_endorsements_shows_no_heading(client, endorsed_class):
    assert "Endorsements" not in text(client.get(endorsed_class.get_absolute_url()))


def test_the_issuer_page_shows_who_endorses_it(client, college, trust_issuer, org_b_admin):
    url = reverse("badges:issuer_detail", args=[trust_issuer.pk])
    page = text(client.get(url))
    assert "No other issuer endorses St Elsewhere NHS Foundation Trust at present." in page
    assert "Journal club host" in page
    endorse(org_b_admin, college, trust_issuer, claim="Teaches foundation doctors well.")
    page = text(client.get(url))
    assert "Royal College of Elsewhere , on " in page
    assert "“Teaches foundation doctors well.” Domain not verified." in page


def test_public_pages_cost_the_same_however_many_endorse(
    client, college, endorsed_class, trust_issuer, org_b_admin, award, django_assert_num_queries
):
    endorse(org_b_admin, college, endorsed_class)
    verify_url = award.get_absolute_url()
    client.get(verify_url)  # signs the award's credential
    issuer_url = reverse("badges:issuer_detail", args=[trust_issuer.pk])
    counts = {
        url: len_queries(client, url)
        for url in (endorsed_class.get_absolute_url(), verify_url, issuer_url)
    }
    for number in range(3):
        issuer, admin = another_endorser(f"Faculty {number}")
        endorse(admin, issuer, endorsed_class)
        endorse(admin, issuer, trust_issuer)
    # The badge class with its issuer and trust; the alignments; the endorsements with
    # their endorsers' trust.
    with django_assert_num_queries(3):
        page = text(client.get(endorsed_class.get_absolute_url()))
    assert page.count("Faculty") == 6
    # The award with its badge class, issuer and trust; the alignments; the credential;
    # the endorsements.
    with django_assert_num_queries(4):
        client.get(verify_url)
    # The issuer with its trust; its badge classes; the endorsements.
    with django_assert_num_queries(3):
        client.get(issuer_url)
    assert counts == {endorsed_class.get_absolute_url(): 3, verify_url: 4, issuer_url: 3}


def len_queries(client, url) -> int:
    from tests.helpers import queries_for

    return queries_for(client, url)
