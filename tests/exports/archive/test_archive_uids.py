"""Entries, evidence, sign-off requests and enrolments made before uids existed each get a
distinct one, so that archives name them without database ids."""

import pytest

from curriculum.models import Enrolment
from portfolio.models import Evidence, LearningEntry, SignOffRequest


@pytest.mark.django_db(transaction=True)
def test_the_migrations_give_existing_rows_distinct_uids(migrator, trainee, supervisor, org_a):
    old = migrator(("portfolio", "0011_sign_off_public_links"), ("curriculum", "0001_initial"))
    Entry = old.get_model("portfolio", "LearningEntry")
    Request = old.get_model("portfolio", "SignOffRequest")
    OldEvidence = old.get_model("portfolio", "Evidence")
    Programme = old.get_model("curriculum", "Programme")
    OldEnrolment = old.get_model("curriculum", "Enrolment")
    for title in ("Breaking bad news", "Chest drain", "Ward round"):
        entry = Entry.objects.create(
            trainee_id=trainee.pk, kind="teaching_attended", title=title, date="2026-11-02"
        )
        Request.objects.create(entry=entry, supervisor_id=supervisor.pk, outcome="returned")
        OldEvidence.objects.create(entry=entry, kind="link", url="https://example.org/")
    programme = Programme.objects.create(
        organisation_id=org_a.pk, name="FY1", start_date="2026-08-01"
    )
    for start in ("2026-08-01", "2027-08-01"):
        OldEnrolment.objects.create(trainee_id=trainee.pk, programme=programme, start_date=start)

    migrator.to_latest()

    for model, count in ((LearningEntry, 3), (SignOffRequest, 3), (Evidence, 3), (Enrolment, 2)):
        uids = list(model.objects.values_list("uid", flat=True))
        assert len(uids) == count and None not in uids
        assert len(set(uids)) == count, model
