"""What an entry's status allows: the only status changes there are, and the lock that keeps
a submitted or signed-off entry as it was."""

from django.db import transaction

from audit import services as audit
from core.errors import StateConflict
from portfolio.models import Kind, LearningEntry, Status


class EntryLocked(StateConflict):
    """The entry cannot be changed in its current status (the API answers 409)."""


class TransitionNotAllowed(StateConflict):
    """The status change asked for is not allowed from the entry's status (409)."""


# The only status changes there are: (action, from) -> to. Everything that moves an entry
# between statuses goes through `transition`, which consults this table.
TRANSITIONS = {
    ("submit", Status.DRAFT): Status.SUBMITTED,
    ("submit", Status.RETURNED): Status.SUBMITTED,
    ("recall", Status.SUBMITTED): Status.DRAFT,
    ("approve", Status.SUBMITTED): Status.SIGNED_OFF,
    ("return", Status.SUBMITTED): Status.RETURNED,
    ("withdraw", Status.SIGNED_OFF): Status.DRAFT,
    # Assessments only: the assessor's completion, which locks the assessment for good.
    ("complete", Status.DRAFT): Status.ASSESSED,
}

ACTION_WORDS = {
    "submit": "submitted for sign-off",
    "recall": "recalled",
    "approve": "signed off",
    "return": "returned",
    "withdraw": "have its sign-off withdrawn",
    "complete": "marked as an assessment completed",
}


def transition(entry: LearningEntry, action: str, *, actor, payload: dict | None = None) -> None:
    if entry.kind == Kind.ASSESSMENT and action == "submit":
        raise TransitionNotAllowed(
            "An assessment is completed by its assessor, not signed off: send it from its "
            "assessment page."
        )
    if entry.kind != Kind.ASSESSMENT and action == "complete":
        raise TransitionNotAllowed("Only an assessment is completed by an assessor.")
    target = TRANSITIONS.get((action, entry.status))
    if target is None:
        status = entry.get_status_display().lower()
        raise TransitionNotAllowed(f"An entry that is “{status}” cannot be {ACTION_WORDS[action]}.")
    entry.status = target
    entry.save(update_fields=["status", "updated_at"])
    audit.append(
        actor=actor,
        action=action,
        obj=entry,
        payload={"status": target, **(payload or {})},
        chain=audit.user_chain(entry.trainee_id),
    )


ASSESSMENT_LOCK = (
    "This is an assessment: its case and reflection are changed on its assessment page "
    "until the assessor completes it, which locks it."
)


def ensure_editable(entry: LearningEntry) -> None:
    if entry.kind == Kind.ASSESSMENT:
        raise EntryLocked(ASSESSMENT_LOCK)
    if entry.status == Status.SIGNED_OFF:
        raise EntryLocked(
            "This entry is signed off, so it is locked. "
            "Ask your supervisor to withdraw the sign-off to change it."
        )
    if entry.status == Status.SUBMITTED:
        raise EntryLocked("This entry is waiting for sign-off. Recall the request to change it.")


def ensure_deletable(entry: LearningEntry) -> None:
    """Only a draft never sent for sign-off can be deleted: once a supervisor has seen an
    entry, its history is kept."""
    rule = "only a draft that has never been submitted for sign-off can be."
    if entry.kind == Kind.ASSESSMENT:
        raise EntryLocked(ASSESSMENT_LOCK)
    if entry.status == Status.SIGNED_OFF:
        raise EntryLocked(f"This entry is signed off, so it cannot be deleted: {rule}")
    if entry.status == Status.SUBMITTED:
        raise EntryLocked(
            f"This entry is waiting for sign-off, so it cannot be deleted: {rule} "
            "Recall the request if it should not be signed off."
        )
    if entry.status != Status.DRAFT or entry.sign_off_requests.exists():
        raise EntryLocked(f"This entry has been sent for sign-off, so it cannot be deleted: {rule}")


def lock_entry(entry: LearningEntry) -> LearningEntry:
    """The entry's row, locked for the rest of the transaction and freshly read."""
    return LearningEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def mark_assessed(*, entry: LearningEntry, actor, payload: dict | None = None) -> LearningEntry:
    """An assessment's entry, once its assessor has completed it: shown to the trainee's
    supervisors like an entry sent for sign-off, and counted as mapped, not as signed off,
    since no supervisor signed it. In the caller's transaction (the assessments app's)."""
    entry = lock_entry(entry)
    transition(entry, "complete", actor=actor, payload=payload)
    return entry
