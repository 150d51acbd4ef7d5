"""A supervisor's work across a trainee's portfolio: noting when they last looked, and
signing off several entries at once."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import selectors as account_selectors
from core.errors import StateConflict
from portfolio.models import LearningEntry, SignOffRequest, SupervisorLastViewed
from portfolio.services.sign_off import approve
from portfolio.services.status import lock_entry


@transaction.atomic
def record_portfolio_visit(*, trainee, actor) -> None:
    """The supervisor has just opened the trainee's portfolio page: the next visit shows
    what changed after this one."""
    if not account_selectors.is_active_supervisor(actor, trainee):
        raise PermissionDenied("Only a current supervisor of the trainee looks at their page.")
    now = timezone.now()
    if not SupervisorLastViewed.objects.filter(supervisor=actor, trainee=trainee).update(
        viewed_at=now
    ):
        # update_or_create's create half catches the unique constraint's IntegrityError
        # when a second tab inserts first, and updates that row instead.
        SupervisorLastViewed.objects.update_or_create(
            supervisor=actor, trainee=trainee, defaults={"viewed_at": now}
        )


class StaleRequest(StateConflict):
    """The request the supervisor confirmed has been decided or recalled since."""


STALE_WORDS = {
    SignOffRequest.Outcome.APPROVED: "signed off",
    SignOffRequest.Outcome.RETURNED: "returned to the trainee",
    SignOffRequest.Outcome.CANCELLED: "recalled by the trainee",
}


@dataclass
class BatchRefusal:
    request: SignOffRequest
    reason: str
    # Decided or recalled since the supervisor confirmed it, rather than refused by a rule.
    stale: bool = False


@dataclass
class BatchSignOff:
    """What became of a batch, request by request: those whose entries were signed off, and
    for each one that was not, why."""

    approved: list[SignOffRequest] = field(default_factory=list)
    refusals: list[BatchRefusal] = field(default_factory=list)
    # Ids chosen that name no request to the supervisor: left alone, and nothing said about
    # them but the ids themselves.
    unknown_ids: list[int] = field(default_factory=list)

    @property
    def signed_off(self) -> list[LearningEntry]:
        return [request.entry for request in self.approved]

    @property
    def refused(self) -> list[tuple[LearningEntry, str]]:
        return [(refusal.request.entry, refusal.reason) for refusal in self.refusals]

    @property
    def unknown(self) -> int:
        return len(self.unknown_ids)


def approve_batch(*, request_ids, actor, comment: str = "") -> BatchSignOff:
    """Sign off the entries of the requests the supervisor confirmed, one `approve` each.

    Each entry in a transaction of its own, not the batch in one: a sign-off is a statement
    about one entry (its own content hash, audit entry and email to the trainee), so one
    entry that cannot be signed off — recalled by the trainee since the supervisor confirmed,
    decided in another tab, evidence still being processed — must not undo the others; and
    one transaction would hold every entry's row lock until the last was done, keeping the
    trainee from recalling any of them meanwhile. Whatever is not signed off is reported.

    The requests are the ones the confirmation page listed: a request that is no longer
    open (an entry recalled and sent again has a new one) is refused as stale, so nothing is
    signed off that the supervisor did not see as it now stands."""
    ids = list(dict.fromkeys(request_ids))
    requests = {
        r.pk: r
        for r in SignOffRequest.objects.filter(pk__in=ids, supervisor=actor).select_related("entry")
    }
    outcome = BatchSignOff(unknown_ids=[pk for pk in ids if pk not in requests])
    for request in (requests[pk] for pk in ids if pk in requests):
        try:
            with transaction.atomic():
                _approve_as_confirmed(request, actor, comment)
        except StaleRequest as error:
            outcome.refusals.append(BatchRefusal(request, str(error), stale=True))
        except (StateConflict, PermissionDenied) as error:
            outcome.refusals.append(BatchRefusal(request, str(error)))
        except ValidationError as error:
            outcome.refusals.append(BatchRefusal(request, " ".join(error.messages)))
        else:
            outcome.approved.append(request)
    return outcome


def _approve_as_confirmed(request: SignOffRequest, actor, comment: str) -> None:
    # The entry's lock first, as `approve` takes it: the request cannot be decided or
    # recalled between this check and the sign-off.
    entry = lock_entry(request.entry)
    request.refresh_from_db(fields=["outcome"])
    if request.outcome != SignOffRequest.Outcome.OPEN:
        raise StaleRequest(
            f"It is no longer waiting for your sign-off: it was {STALE_WORDS[request.outcome]}."
        )
    approve(entry=entry, actor=actor, comment=comment)
