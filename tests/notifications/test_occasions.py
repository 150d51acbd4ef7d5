"""What each app tells, and to whom: sign-off asked for and decided, assessments asked for and
completed, badges awarded and revoked, exports ready. An assessor without an account still
gets a plain email with their link: they have no account to notify."""

import datetime

import pytest
from django.core import mail

from assessments import services as assessments
from assessments.models import AssessmentForm
from badges import demo as badges_demo
from badges.models import BadgeClass
from badges.services import awarding
from exports import services as exports
from exports.filters import Chosen
from notifications import selectors
from notifications.models import Delivery, Kind, Notification, Preference
from portfolio import services as portfolio
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS

pytestmark = pytest.mark.django_db


def kinds_told(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def test_sign_off_asked_for_approved_and_returned(
    log, trainee, supervisor, django_capture_on_commit_callbacks
):
    first, second = log(title="Chest drain teaching"), log(title="Sepsis teaching")
    # Each step commits, and its notice follows, before the next: as on the pages.
    for step in (
        lambda: portfolio.submit_for_sign_off(entry=first, supervisor=supervisor, actor=trainee),
        lambda: portfolio.submit_for_sign_off(entry=second, supervisor=supervisor, actor=trainee),
        lambda: portfolio.approve(entry=first, actor=supervisor, comment="Well done"),
        lambda: portfolio.return_entry(
            entry=second, actor=supervisor, comment="Add what you learned."
        ),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            step()

    assert kinds_told(supervisor) == [Kind.SIGN_OFF_REQUESTED, Kind.SIGN_OFF_REQUESTED]
    assert kinds_told(trainee) == [Kind.SIGN_OFF_APPROVED, Kind.SIGN_OFF_RETURNED]
    returned = Notification.objects.get(recipient=trainee, kind=Kind.SIGN_OFF_RETURNED)
    assert returned.url == f"/entries/{second.pk}/"
    assert "returned “Sepsis teaching”" in returned.subject
    assert "Add what you learned." in returned.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [supervisor.email] * 2 + [trainee.email] * 2
    )


def test_a_trainee_who_wants_decisions_in_waymark_only_gets_no_email(
    log, trainee, supervisor, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=trainee, kind=Kind.SIGN_OFF_APPROVED, delivery=Delivery.IN_APP)
    entry = log()
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.approve(entry=entry, actor=supervisor)

    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert [n.kind for n in selectors.notifications_of(trainee)] == [Kind.SIGN_OFF_APPROVED]


@pytest.fixture
def mini_cex(db):
    assessments.install_base_forms()
    return AssessmentForm.objects.get(organisation=None, code="mini-cex")


@pytest.fixture
def assessment(enrolled_trainee, mini_cex):
    return assessments.start_assessment(
        actor=enrolled_trainee,
        form=mini_cex,
        title="Chest pain in the emergency department",
        date=datetime.date(2026, 11, 2),
        answers={"setting": "ED majors, a man in his fifties with chest pain."},
    )


def test_an_assessor_with_an_account_is_notified_and_the_trainee_hears_it_is_done(
    assessment, enrolled_trainee, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessments.request_assessment(
            actor=enrolled_trainee, assessment=assessment, name="Dr Lin", email=supervisor.email
        )
    [asked] = selectors.notifications_of(supervisor)
    assert asked.kind == Kind.ASSESSMENT_REQUESTED
    assert asked.url == f"/assessments/{assessment.pk}/complete/"

    with django_capture_on_commit_callbacks(execute=True):
        assessments.complete_as_assessor(
            actor=supervisor,
            assessment=assessment,
            answers=MINI_CEX_ASSESSOR_ANSWERS,
            assessor_role="Educational supervisor",
        )
    [done] = selectors.notifications_of(enrolled_trainee)
    assert done.kind == Kind.ASSESSMENT_COMPLETED
    assert done.url == f"/assessments/{assessment.pk}/"
    assert [m.to for m in mail.outbox] == [[supervisor.email], [enrolled_trainee.email]]


def test_an_assessor_without_an_account_gets_a_plain_email_and_no_notification(
    assessment, enrolled_trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessments.request_assessment(
            actor=enrolled_trainee,
            assessment=assessment,
            name="Dr Jones",
            email="dr.jones@hospital.example",
        )

    assert [m.to for m in mail.outbox] == [["dr.jones@hospital.example"]]
    assert not Notification.objects.exists()


@pytest.fixture
def badge_class(org_a):
    badges_demo.create_badge_classes(org_a)
    return BadgeClass.objects.get(slug="journal-club-contributor")


def test_a_badge_awarded_and_revoked(
    badge_class, enrolled_trainee, org_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award = awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
    with django_capture_on_commit_callbacks(execute=True):
        # Awarding again returns the standing award, and tells nobody anything new.
        awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
    with django_capture_on_commit_callbacks(execute=True):
        awarding.revoke_award(award=award, actor=org_admin, reason="Awarded in error.")

    awarded, revoked = Notification.objects.filter(recipient=enrolled_trainee).order_by("pk")
    assert (awarded.kind, revoked.kind) == (Kind.BADGE_AWARDED, Kind.BADGE_REVOKED)
    assert "Journal club contributor" in awarded.subject
    assert "Awarded in error." in revoked.body
    assert awarded.url == revoked.url == "/badges/"
    assert len(mail.outbox) == 2


def test_no_notice_when_the_award_rolls_back(badge_class, enrolled_trainee):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
        raise RuntimeError("something after the award failed")

    assert not Notification.objects.exists()


def test_an_export_ready(
    enrolled_trainee, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    from exports.models import Export

    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(Export._meta.get_field("file"), "storage", storage)
    export = exports.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())
    with django_capture_on_commit_callbacks(execute=True):
        exports.make_export(export_id=export.pk, writer=lambda **kw: kw["out"].write(b"%PDF"))

    [ready] = selectors.notifications_of(enrolled_trainee)
    assert (ready.kind, ready.url) == (Kind.EXPORT_READY, "/exports/")
    assert ready.subject == "Your Waymark PDF portfolio is ready"
