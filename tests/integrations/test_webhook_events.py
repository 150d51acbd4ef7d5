"""Which events reach which subscriptions: a person hears of their own portfolio alone; an
organisation of what its admins already see (sign-offs under its supervisions, awards of
its badge classes) and nothing else."""

import pytest

from badges import demo as badge_demo
from badges.models import BadgeClass
from badges.services import awarding
from exports import services as exports
from integrations.webhooks import services as webhooks
from integrations.webhooks.models import Delivery
from portfolio import services as portfolio

pytestmark = pytest.mark.django_db

RECEIVER = "https://hooks.example.org/waymark"
EVERYTHING = [
    "entry.created",
    "entry.updated",
    "entry.submitted",
    "entry.signed_off",
    "entry.returned",
    "award.issued",
    "award.revoked",
    "export.ready",
]


def subscribe(actor, events=EVERYTHING, organisation=None):
    subscription, _ = webhooks.create_subscription(
        actor=actor, url=RECEIVER, events=events, organisation=organisation
    )
    return subscription


def heard(subscription) -> list[str]:
    return list(
        Delivery.objects.filter(subscription=subscription)
        .order_by("pk")
        .values_list("event", flat=True)
    )


def test_a_person_hears_each_step_of_their_own_entries(log, enrolled_trainee, supervisor):
    mine = subscribe(enrolled_trainee)
    entry = log()
    portfolio.update_entry(entry=entry, actor=enrolled_trainee, title="Sepsis six")
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    portfolio.return_entry(entry=entry, actor=supervisor, comment="Add a reflection.")
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    portfolio.approve(entry=entry, actor=supervisor)

    assert heard(mine) == [
        "entry.created",
        "entry.updated",
        "entry.submitted",
        "entry.returned",
        "entry.submitted",
        "entry.signed_off",
    ]


def test_nobody_hears_of_another_persons_entries(log, enrolled_trainee, supervisor, other_trainee):
    theirs = subscribe(other_trainee)
    # A supervisor's own webhook does not carry their supervisees' entries either.
    supervisors = subscribe(supervisor)
    entry = log()
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    portfolio.approve(entry=entry, actor=supervisor)
    assert heard(theirs) == [] and heard(supervisors) == []


def test_an_organisation_hears_of_sign_offs_under_its_own_supervisions_alone(
    log, enrolled_trainee, supervisor, org_admin, org_a, org_b, org_b_admin, settings
):
    ours = subscribe(org_admin, ["entry.signed_off"], organisation=org_a)
    elsewhere = subscribe(org_b_admin, ["entry.signed_off"], organisation=org_b)
    entry = log()
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    portfolio.approve(entry=entry, actor=supervisor)

    assert heard(ours) == ["entry.signed_off"]
    assert heard(elsewhere) == []
    [delivery] = Delivery.objects.filter(subscription=ours)
    assert delivery.payload["data"] == {
        "entry": {"id": entry.pk, "url": f"{settings.SITE_URL}/api/v1/events/{entry.pk}/"},
        "trainee": {"id": enrolled_trainee.pk},
    }


def test_an_organisation_hears_of_awards_of_its_own_badge_classes(
    org_a, org_b, org_admin, org_b_admin, trainee
):
    badge_demo.create_badge_classes(org_a)
    badge_class = BadgeClass.objects.filter(issuer__organisation=org_a).first()
    issuer = subscribe(org_admin, ["award.issued", "award.revoked"], organisation=org_a)
    other = subscribe(org_b_admin, ["award.issued", "award.revoked"], organisation=org_b)
    recipient = subscribe(trainee, ["award.issued", "award.revoked"])

    award = awarding.award_badge(badge_class=badge_class, recipient=trainee)
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded in error.")

    assert heard(issuer) == heard(recipient) == ["award.issued", "award.revoked"]
    assert heard(other) == []
    data = Delivery.objects.filter(subscription=recipient).first().payload["data"]
    assert data["award"]["id"] == award.pk and data["recipient"] == {"id": trainee.pk}
    assert "Awarded in error" not in str(Delivery.objects.values_list("payload", flat=True))


def test_the_owner_hears_their_export_is_ready(trainee, other_trainee):
    mine, theirs = subscribe(trainee, ["export.ready"]), subscribe(other_trainee)
    export = exports.request_export(actor=trainee, format="archive")

    exports.make_export(
        export_id=export.pk, writer=lambda *, trainee, out, progress: out.write(b"{}")
    )

    [delivery] = Delivery.objects.filter(subscription=mine)
    assert delivery.payload["data"]["export"]["id"] == export.pk
    assert heard(theirs) == []


def test_only_the_events_asked_for_are_written(log, enrolled_trainee):
    signed_off_only = subscribe(enrolled_trainee, ["entry.signed_off"])
    log()
    assert heard(signed_off_only) == []
