"""An organisation admin's sign-offs through the API: those standing under the
organisation's supervisions, and withdrawing one with a reason, audited as on the page.
Admins read titles and people, never the entries themselves."""

import pytest

from audit.models import AuditEntry
from portfolio import services
from portfolio.models import SignOffWithdrawal, Status
from tests.api.conftest import assert_error
from tests.portfolio.api.conftest import ENTRIES

pytestmark = pytest.mark.django_db


def sign_offs_url(organisation) -> str:
    return f"/api/v1/organisations/{organisation.slug}/sign-offs/"


@pytest.fixture
def signed(log, enrolled_trainee, supervisor):
    entry = log(title="Chest drain", reflection_learned="Private words")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    return services.approve(entry=entry, actor=supervisor, comment="Well done.")


def test_an_admin_lists_the_sign_offs_standing_under_their_supervisions(
    api_as, org_a, org_admin, signed, enrolled_trainee, supervisor
):
    response = api_as(org_admin).get(sign_offs_url(org_a))

    assert response.status_code == 200, response.content
    assert response.json()["results"] == [
        {
            "id": signed.pk,
            "event": {"id": signed.entry_id, "title": "Chest drain"},
            "trainee": {"id": enrolled_trainee.pk, "name": enrolled_trainee.get_full_name()},
            "supervisor": {"id": supervisor.pk, "name": supervisor.get_full_name()},
            "signed_at": response.json()["results"][0]["signed_at"],
        }
    ]
    assert "Private words" not in response.content.decode()
    # Listing a sign-off does not open the entry to the admin.
    assert_error(api_as(org_admin).get(f"{ENTRIES}{signed.entry_id}/"), 404, "not_found")


def test_an_admin_withdraws_a_sign_off_with_a_reason_audited_as_on_the_page(
    api_as, org_a, org_admin, signed, trainee
):
    url = f"{sign_offs_url(org_a)}{signed.pk}/withdraw/"

    response = api_as(org_admin).post(url, {"reason": "Signed in error."}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["event"] == signed.entry_id and body["status"] == "draft"
    assert body["withdrawn_by"]["id"] == org_admin.pk and body["reason"] == "Signed in error."
    withdrawal = SignOffWithdrawal.objects.get(sign_off=signed)
    assert withdrawal.withdrawn_by == org_admin and withdrawal.reason == "Signed in error."
    audit = AuditEntry.objects.filter(action="withdraw", object_id=str(signed.entry_id)).get()
    assert audit.actor_id == org_admin.pk
    entry = api_as(trainee).get(f"{ENTRIES}{signed.entry_id}/").json()
    assert entry["status"] == Status.DRAFT and entry["sign_off"] is None
    # Withdrawn, it no longer stands: neither listed nor withdrawn again.
    assert api_as(org_admin).get(sign_offs_url(org_a)).json()["results"] == []
    again = api_as(org_admin).post(url, {"reason": "Twice."}, format="json")
    assert_error(again, 404, "not_found")


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "   "}, {}])
def test_a_reason_is_required_and_nothing_is_withdrawn_without_one(
    api_as, org_a, org_admin, signed, body
):
    response = api_as(org_admin).post(
        f"{sign_offs_url(org_a)}{signed.pk}/withdraw/", body, format="json"
    )

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"reason"}
    assert not SignOffWithdrawal.objects.exists()


@pytest.mark.parametrize("who", ["org_b_admin", "supervisor", "trainee", "other_trainee"])
def test_nobody_but_the_organisations_admins_finds_its_sign_offs(
    api_as, request, org_a, signed, who
):
    client = api_as(request.getfixturevalue(who))

    assert_error(client.get(sign_offs_url(org_a)), 404, "not_found")
    response = client.post(
        f"{sign_offs_url(org_a)}{signed.pk}/withdraw/", {"reason": "No."}, format="json"
    )
    assert_error(response, 404, "not_found")
    assert not SignOffWithdrawal.objects.exists()


def test_another_organisations_sign_off_is_not_found_under_yours(
    api_as, org_b, org_b_admin, signed
):
    response = api_as(org_b_admin).post(
        f"{sign_offs_url(org_b)}{signed.pk}/withdraw/", {"reason": "No."}, format="json"
    )

    assert_error(response, 404, "not_found")
    assert api_as(org_b_admin).get(sign_offs_url(org_b)).json()["results"] == []


@pytest.mark.parametrize("sign_off_id", ["abc", "99999999999999999999", "0"])
def test_an_id_that_cannot_be_one_is_not_found(api_as, org_a, org_admin, sign_off_id):
    response = api_as(org_admin).post(
        f"{sign_offs_url(org_a)}{sign_off_id}/withdraw/", {"reason": "No."}, format="json"
    )

    assert_error(response, 404, "not_found")


def test_the_list_costs_the_same_for_one_sign_off_as_for_many(
    api_as, org_a, org_admin, signed, log, enrolled_trainee, supervisor, django_assert_num_queries
):
    client = api_as(org_admin)
    client.get(sign_offs_url(org_a))  # the token's first use of the minute records it
    # The token with its user; the organisation; the count and the page.
    with django_assert_num_queries(4):
        assert client.get(sign_offs_url(org_a)).json()["count"] == 1
    for n in range(9):
        entry = log(title=f"Procedure {n}")
        services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
        services.approve(entry=entry, actor=supervisor)
    with django_assert_num_queries(4):
        assert client.get(sign_offs_url(org_a)).json()["count"] == 10
