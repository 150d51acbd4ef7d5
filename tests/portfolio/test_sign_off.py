"""Sign-off as a guarded transition: submit, approve or return, withdraw, with locks."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from portfolio import selectors, services
from portfolio.content import content_hash
from portfolio.models import SignOff, SignOffRequest, Status
from tests.conftest import member
from tests.factories import SupervisionFactory
from tests.helpers import audit_intact

pytestmark = pytest.mark.django_db


def test_full_flow_submit_return_resubmit_approve(
    log, trainee, supervisor, fpcs, django_capture_on_commit_callbacks
):
    entry = log(
        title="Chest drain teaching", duration_minutes=90, items=[fpcs["FPC1"], fpcs["FPC2"]]
    )
    assert entry.cpd_credits == 1.5 and entry.status == Status.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED

    with pytest.raises(ValidationError) as error:
        services.return_entry(entry=entry, actor=supervisor, comment="  ")
    assert "comment" in error.value.message_dict

    with django_capture_on_commit_callbacks(execute=True):
        services.return_entry(entry=entry, actor=supervisor, comment="Add what you learned.")
    entry.refresh_from_db()
    assert entry.status == Status.RETURNED
    assert mail.outbox[-1].to == [trainee.email] and "returned" in mail.outbox[-1].subject

    services.update_entry(entry=entry, actor=trainee, reflection_learned="Safe triangle first.")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    sign_off = services.approve(entry=entry, actor=supervisor, comment="Well done")
    entry.refresh_from_db()
    assert entry.status == Status.SIGNED_OFF
    assert sign_off.content_hash == content_hash(entry)
    assert [r.outcome for r in entry.sign_off_requests.order_by("pk")] == ["returned", "approved"]


def test_a_signed_off_entry_is_locked_until_withdrawn(log, trainee, supervisor):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    services.approve(entry=entry, actor=supervisor)
    with pytest.raises(services.EntryLocked, match="signed off"):
        services.update_entry(entry=entry, actor=trainee, title="Changed")

    with pytest.raises(ValidationError):
        services.withdraw_sign_off(entry=entry, actor=supervisor, reason="")
    services.withdraw_sign_off(
        entry=entry, actor=supervisor, reason="Trainee asked to add evidence"
    )
    entry = services.update_entry(entry=entry, actor=trainee, title="Changed")
    assert entry.title == "Changed" and entry.status == Status.DRAFT
    assert selectors.current_sign_off(entry) is None


def test_the_current_sign_off_comes_from_prefetched_rows_or_the_database_alike(
    log, trainee, supervisor, django_assert_num_queries
):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    first = services.approve(entry=entry, actor=supervisor)
    services.withdraw_sign_off(entry=entry, actor=supervisor, reason="Asked to")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    second = services.approve(entry=entry, actor=supervisor)

    assert selectors.current_sign_off(entry) == second
    detailed = selectors.entry_detail(entry)
    with django_assert_num_queries(0):
        assert selectors.current_sign_off(detailed) == second
    assert SignOff.objects.standing().get() == second
    assert first.withdrawal.reason == "Asked to"


def test_an_organisation_admin_can_withdraw_but_another_trainee_cannot(
    log, trainee, supervisor, org_admin, other_trainee
):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    services.approve(entry=entry, actor=supervisor)
    with pytest.raises(PermissionDenied):
        services.withdraw_sign_off(entry=entry, actor=other_trainee, reason="no")
    services.withdraw_sign_off(entry=entry, actor=org_admin, reason="Signed by mistake")
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT


def test_only_an_active_supervisor_can_be_asked_or_decide(log, trainee, supervisor, org_a):
    stranger = member(org_a, Role.SUPERVISOR)
    entry = log()
    with pytest.raises(ValidationError, match="not currently one of your supervisors"):
        services.submit_for_sign_off(entry=entry, supervisor=stranger, actor=trainee)
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    supervision = supervisor.supervisions_given.get()
    supervision.end_date = datetime.date.today() - datetime.timedelta(days=1)
    supervision.save()
    with pytest.raises(PermissionDenied, match="ended"):
        services.approve(entry=entry, actor=supervisor)


def test_only_the_supervisor_asked_decides(log, trainee, supervisor, org_a, org_admin):
    colleague = member(org_a, Role.SUPERVISOR)
    SupervisionFactory(supervisor=colleague, trainee=trainee, organisation=org_a)
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    for actor in (colleague, org_admin, trainee):
        with pytest.raises(services.TransitionNotAllowed, match="not waiting for your sign-off"):
            services.approve(entry=entry, actor=actor)
        with pytest.raises(services.TransitionNotAllowed, match="not waiting for your sign-off"):
            services.return_entry(entry=entry, actor=actor, comment="Add more.")
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED and not SignOff.objects.exists()


def test_the_database_refuses_a_self_sign_off(log, trainee, supervisor):
    entry = log()
    request = SignOffRequest.objects.create(entry=entry, supervisor=supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(
            entry=entry, request=request, trainee=trainee, supervisor=trainee, content_hash="x"
        )


def test_approving_twice_makes_one_sign_off(log, trainee, supervisor, org_a):
    second = member(org_a, Role.SUPERVISOR)
    SupervisionFactory(supervisor=second, trainee=trainee, organisation=org_a)
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    services.approve(entry=entry, actor=supervisor)
    with pytest.raises(services.TransitionNotAllowed):
        services.approve(entry=entry, actor=supervisor)
    with pytest.raises(services.TransitionNotAllowed):
        services.approve(entry=entry, actor=second)
    assert SignOff.objects.filter(entry=entry).count() == 1


def test_one_open_request_per_entry_even_bypassing_the_service(log, trainee, supervisor):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOffRequest.objects.create(entry=entry, supervisor=supervisor)


def test_transitions_not_in_the_table_are_refused(log, trainee, supervisor):
    entry = log()
    with pytest.raises(services.TransitionNotAllowed):
        services.withdraw_sign_off(entry=entry, actor=supervisor, reason="why")
    with pytest.raises(services.TransitionNotAllowed):
        services.recall_request(entry=entry, actor=trainee)


def test_every_change_is_in_an_intact_audit_chain_without_reflection_text(log, trainee, supervisor):
    entry = log(reflection_learned="SECRET-REFLECTION-TEXT")
    services.update_entry(entry=entry, actor=trainee, title="Renamed")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    services.return_entry(entry=entry, actor=supervisor, comment="More detail")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    services.approve(entry=entry, actor=supervisor)
    services.withdraw_sign_off(entry=entry, actor=supervisor, reason="Asked to")
    from audit.models import AuditEntry

    actions = list(
        AuditEntry.objects.filter(object_id=str(entry.pk)).values_list("action", flat=True)
    )
    assert actions == ["create", "edit", "submit", "return", "submit", "approve", "withdraw"]
    assert "SECRET-REFLECTION-TEXT" not in str(
        list(AuditEntry.objects.values_list("payload", flat=True))
    )
    assert audit_intact() == 7


def test_notifications_held_back_by_an_outage_are_swept_up_once(
    log, trainee, supervisor, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from portfolio.tasks import send_pending_notifications

    entry = log()
    # No on-commit callbacks run in this test's transaction: as if the broker had been down.
    request = services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    SignOffRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    # The sweep records the notification; its email leaves once the sweep commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_pending_notifications() == 1
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert send_pending_notifications() == 0
