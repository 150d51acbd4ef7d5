"""Teaching moved out of badges into its own app: a database whose programmes, sessions and
registers were written by badges keeps every row, with the same ids and the same links to
the trainees, the recorders and the learning events attending logged; and the move can be
migrated back."""

from datetime import UTC, date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.models import Organisation
from teaching.models import Attendance, TeachingProgramme, TeachingSession

BEFORE = [("badges", "0003_teaching_programme_slug_unique"), ("teaching", None)]

PROGRAMME_FIELDS = ["id", "organisation_id", "slug", "name"]
SESSION_FIELDS = [
    "id",
    "programme_id",
    "title",
    "starts_at",
    "duration_minutes",
    "mandatory",
    "location",
    "check_in_code",
]
ATTENDANCE_FIELDS = [
    "id",
    "session_id",
    "trainee_id",
    "method",
    "recorded_by_id",
    "recorded_at",
    "event_id",
]
# The same columns today: the entry's foreign key was renamed later, with nothing else.
ATTENDANCE_FIELDS_NOW = [*ATTENDANCE_FIELDS[:-1], "entry_id"]


def rows(model, fields):
    return list(model.objects.order_by("pk").values_list(*fields))


def teaching_as_badges_stored_it(old_apps) -> dict:
    """A programme with two sessions and three attendances, one of them without its entry
    (the trainee deleted it), as badges' own models wrote them."""
    User = old_apps.get_model("accounts", "User")
    Organisation = old_apps.get_model("accounts", "Organisation")
    LearningEvent = old_apps.get_model("portfolio", "LearningEvent")
    Programme = old_apps.get_model("badges", "TeachingProgramme")
    Session = old_apps.get_model("badges", "TeachingSession")
    Attendance = old_apps.get_model("badges", "Attendance")

    trust = Organisation.objects.create(name="St Elsewhere", slug="st-elsewhere", kind="nhs_trust")
    admin = User.objects.create(email="admin@example.org")
    asha = User.objects.create(email="asha@example.org")
    ben = User.objects.create(email="ben@example.org")
    programme = Programme.objects.create(organisation=trust, slug="fy-teaching", name="FY")
    sessions = [
        Session.objects.create(
            programme=programme,
            title=title,
            starts_at=datetime(2026, 10, day, 13, 0, tzinfo=UTC),
            duration_minutes=90,
            mandatory=mandatory,
            location="Education centre",
            check_in_code=code,
        )
        for title, day, mandatory, code in [
            ("Sepsis", 6, True, "042917"),
            ("Consent", 20, False, "318204"),
        ]
    ]

    def attend(session, trainee, method, *, logged=True):
        event = None
        if logged:
            event = LearningEvent.objects.create(
                trainee=trainee,
                kind="teaching_attended",
                title=session.title,
                date=date(2026, 10, session.starts_at.day),
                source="import",
                external_id=f"attendance-{session.pk}",
            )
        return Attendance.objects.create(
            session=session,
            trainee=trainee,
            method=method,
            recorded_by=admin if method == "register" else trainee,
            event=event,
        )

    attend(sessions[0], asha, "register")
    attend(sessions[0], ben, "check_in")
    attend(sessions[1], asha, "check_in", logged=False)
    return {
        "programmes": rows(Programme, PROGRAMME_FIELDS),
        "sessions": rows(Session, SESSION_FIELDS),
        "attendances": rows(Attendance, ATTENDANCE_FIELDS),
    }


def test_programmes_sessions_and_registers_survive_the_move(migrator):
    before = teaching_as_badges_stored_it(migrator(*BEFORE))

    migrator.to_latest()

    assert rows(TeachingProgramme, PROGRAMME_FIELDS) == before["programmes"]
    assert rows(TeachingSession, SESSION_FIELDS) == before["sessions"]
    assert rows(Attendance, ATTENDANCE_FIELDS_NOW) == before["attendances"]
    # The links hold both ways: from the attendance to its entry and back.
    for attendance in Attendance.objects.exclude(entry=None).select_related("entry"):
        assert attendance.entry.trainee_id == attendance.trainee_id
        assert attendance.entry.attendance == attendance
    programme = TeachingProgramme.objects.get()
    assert programme.organisation.teaching_programmes.get() == programme
    assert programme.sessions.get(title="Sepsis").attendances.count() == 2
    # Every foreign key in the database still points at a row.
    connection.check_constraints()


def test_the_content_types_follow_the_models(migrator):
    old_apps = migrator(*BEFORE)
    # As in a database where badges owned the models: their content types name badges.
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    moved = ["teachingprogramme", "teachingsession", "attendance"]
    OldContentType.objects.filter(app_label="teaching", model__in=moved).update(app_label="badges")
    ids = dict(OldContentType.objects.filter(model__in=moved).values_list("model", "pk"))

    migrator.to_latest()

    ContentType.objects.clear_cache()
    now = ContentType.objects.filter(model__in=moved)
    assert {(ct.model, ct.pk, ct.app_label) for ct in now} == {
        (model, pk, "teaching") for model, pk in ids.items()
    }


def test_new_rows_after_the_move_follow_the_old_ones(migrator):
    before = teaching_as_badges_stored_it(migrator(*BEFORE))

    migrator.to_latest()

    session = TeachingSession.objects.get(title="Consent")
    added = TeachingSession.objects.create(
        programme=session.programme, title="Capacity", starts_at=session.starts_at
    )
    assert added.pk > max(row[0] for row in before["sessions"])


def test_the_move_migrates_back(migrator):
    migrator(*BEFORE)
    migrator.to_latest()
    trust = Organisation.objects.create(name="Trust", slug="trust", kind="nhs_trust")
    TeachingProgramme.objects.create(organisation=trust, slug="fy-teaching", name="FY")
    after = rows(TeachingProgramme, PROGRAMME_FIELDS)

    old_apps = migrator(*BEFORE)

    assert rows(old_apps.get_model("badges", "TeachingProgramme"), PROGRAMME_FIELDS) == after
