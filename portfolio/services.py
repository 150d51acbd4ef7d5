"""Every change to learning events, their mappings, evidence and sign-off goes through a
function here, which checks it is allowed, writes the audit entry, and schedules follow-up
work after commit."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts import selectors as account_selectors
from audit import services as audit
from core.errors import StateConflict
from core.hashing import sha256
from core.tasks import enqueue_after_commit
from curriculum.models import Item
from portfolio import selectors
from portfolio.content import CONTENT_FIELDS, content_hash
from portfolio.evidence import CheckedFile, inspect_upload, make_thumbnail
from portfolio.models import (
    EventItem,
    Evidence,
    LearningEvent,
    ReflectionView,
    SignOff,
    SignOffRequest,
    SignOffWithdrawal,
    Source,
    Status,
    Tag,
)
from portfolio.signals import send_portfolio_changed

# --- Rules ------------------------------------------------------------------------------------


class EntryLocked(StateConflict):
    """The entry cannot be changed in its current status (the API answers 409)."""


class TransitionNotAllowed(StateConflict):
    """The status change asked for is not allowed from the entry's status (409)."""


# The only status changes there are: (action, from) -> to. Everything that moves an entry
# between statuses goes through `_transition`, which consults this table.
TRANSITIONS = {
    ("submit", Status.DRAFT): Status.SUBMITTED,
    ("submit", Status.RETURNED): Status.SUBMITTED,
    ("recall", Status.SUBMITTED): Status.DRAFT,
    ("approve", Status.SUBMITTED): Status.SIGNED_OFF,
    ("return", Status.SUBMITTED): Status.RETURNED,
    ("withdraw", Status.SIGNED_OFF): Status.DRAFT,
}

ACTION_WORDS = {
    "submit": "submitted for sign-off",
    "recall": "recalled",
    "approve": "signed off",
    "return": "returned",
    "withdraw": "have its sign-off withdrawn",
}


def _transition(event: LearningEvent, action: str, *, actor, payload: dict | None = None) -> None:
    target = TRANSITIONS.get((action, event.status))
    if target is None:
        status = event.get_status_display().lower()
        raise TransitionNotAllowed(f"An entry that is “{status}” cannot be {ACTION_WORDS[action]}.")
    event.status = target
    event.save(update_fields=["status", "updated_at"])
    audit.append(
        actor=actor, action=action, obj=event, payload={"status": target, **(payload or {})}
    )


def default_credits(duration_minutes: int | None) -> Decimal:
    """One CPD credit per hour, to the nearest quarter."""
    if not duration_minutes:
        return Decimal("0")
    quarters = (Decimal(duration_minutes) / Decimal(15)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return quarters / 4


def validate_credits(credits: Decimal) -> None:
    if credits < 0 or (credits * 4) % 1 != 0:
        raise ValidationError(
            {"cpd_credits": "CPD credits go in quarter steps: 0.25, 0.5, 0.75, 1 …"}
        )


def _check_items(trainee, items) -> list[Item]:
    items = list(items)
    allowed = set(
        selectors.allowed_items(trainee)
        .filter(pk__in=[i.pk for i in items])
        .values_list("pk", flat=True)
    )
    outside = [i.code for i in items if i.pk not in allowed]
    if outside:
        raise ValidationError(
            {"items": f"Not in the curricula of your programmes: {', '.join(sorted(outside))}."}
        )
    return items


def _tags(names) -> list[Tag]:
    cleaned = sorted({n.strip().lower()[:50] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    for name in cleaned:
        if name not in existing:
            existing[name], _ = Tag.objects.get_or_create(name=name)
    return [existing[n] for n in cleaned]


# --- Logging and editing entries ---------------------------------------------------------------

EDITABLE_FIELDS = CONTENT_FIELDS + (
    "reflection_what_happened", "reflection_learned", "reflection_next_time", "reflection_shared",
)  # fmt: skip


def _audit_payload(event: LearningEvent, changed: list[str] | None = None) -> dict:
    # Never reflection text: only which fields changed and the content hash.
    payload = {"content_sha256": content_hash(event)}
    if changed is not None:
        payload["changed"] = sorted(changed)
    return payload


@transaction.atomic
def log_event(
    *,
    trainee,
    kind: str,
    title: str,
    date: date,
    duration_minutes: int | None = None,
    cpd_credits: Decimal | None = None,
    items=(),
    tags=(),
    source: str = Source.WEB,
    external_id: str = "",
    **fields,
) -> tuple[LearningEvent, bool]:
    """Save a new learning event with its mappings and tags. With an external id, the same
    completion sent twice is one event: the second call returns the first, unchanged.
    Returns the event and whether it was created."""
    if external_id:
        existing = LearningEvent.objects.filter(
            trainee=trainee, source=source, external_id=external_id
        ).first()
        if existing:
            return existing, False
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"log_event() got unexpected fields: {', '.join(sorted(unknown))}")
    credits = default_credits(duration_minutes) if cpd_credits is None else cpd_credits
    validate_credits(credits)
    items = _check_items(trainee, items)
    event = LearningEvent(
        trainee=trainee,
        kind=kind,
        title=title,
        date=date,
        duration_minutes=duration_minutes,
        cpd_credits=credits,
        source=source,
        external_id=external_id,
        **fields,
    )
    event.full_clean(exclude=["trainee", "tags", "items"])
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        # Another request with the same external id won the race; theirs is the event.
        return LearningEvent.objects.get(
            trainee=trainee, source=source, external_id=external_id
        ), False
    event.tags.set(_tags(tags))
    EventItem.objects.bulk_create(EventItem(event=event, item=item) for item in items)
    audit.append(actor=trainee, action="create", obj=event, payload=_audit_payload(event))
    send_portfolio_changed(trainee_id=trainee.pk)
    return event, True


def ensure_editable(event: LearningEvent) -> None:
    if event.status == Status.SIGNED_OFF:
        raise EntryLocked(
            "This entry is signed off, so it is locked. "
            "Ask your supervisor to withdraw the sign-off to change it."
        )
    if event.status == Status.SUBMITTED:
        raise EntryLocked("This entry is waiting for sign-off. Recall the request to change it.")


def lock_event(event: LearningEvent) -> LearningEvent:
    """The event's row, locked for the rest of the transaction and freshly read."""
    return LearningEvent.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def update_event(*, event: LearningEvent, actor, items=None, tags=None, **fields) -> LearningEvent:
    """Change an entry the trainee owns. Fields not given stay as they are."""
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can change their entry.")
    event = lock_event(event)
    ensure_editable(event)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_event() got unexpected fields: {', '.join(sorted(unknown))}")
    credits_follow_duration = event.cpd_credits == default_credits(event.duration_minutes)
    if "duration_minutes" in fields and "cpd_credits" not in fields and credits_follow_duration:
        # The credits were never set by hand: keep them following the duration.
        fields["cpd_credits"] = default_credits(fields["duration_minutes"])
    if "cpd_credits" in fields:
        validate_credits(fields["cpd_credits"])
    changed = [name for name, value in fields.items() if getattr(event, name) != value]
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean(exclude=["trainee", "tags", "items"])
    event.save()
    if tags is not None:
        new_tags = _tags(tags)
        if {t.pk for t in new_tags} != set(event.tags.values_list("pk", flat=True)):
            event.tags.set(new_tags)
            changed.append("tags")
    if items is not None and _replace_items(event, items):
        changed.append("items")
    if changed:
        audit.append(actor=actor, action="edit", obj=event, payload=_audit_payload(event, changed))
        send_portfolio_changed(trainee_id=event.trainee_id)
    return event


def _replace_items(event: LearningEvent, items) -> bool:
    items = _check_items(event.trainee, items)
    wanted = {i.pk for i in items}
    current = set(event.mappings.values_list("item_id", flat=True))
    if wanted == current:
        return False
    event.mappings.exclude(item_id__in=wanted).delete()
    EventItem.objects.bulk_create(EventItem(event=event, item_id=pk) for pk in wanted - current)
    return True


@transaction.atomic
def set_mappings(*, event: LearningEvent, actor, items) -> LearningEvent:
    return update_event(event=event, actor=actor, items=items)


@transaction.atomic
def delete_event(*, event: LearningEvent, actor) -> None:
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can delete their entry.")
    event = lock_event(event)
    if event.status != Status.DRAFT or event.sign_off_requests.exists():
        raise EntryLocked("Only a draft that has never been submitted for sign-off can be deleted.")
    audit.append(actor=actor, action="delete", obj=event, payload=_audit_payload(event))
    for evidence in event.evidence.all():
        _delete_files(evidence)
    event.delete()
    send_portfolio_changed(trainee_id=actor.pk)


def _delete_files(evidence: Evidence) -> None:
    def remove():
        for field in (evidence.file, evidence.thumbnail):
            if field:
                field.storage.delete(field.name)

    # Files go only once the rows are gone for good.
    transaction.on_commit(remove)


# --- Sign-off ----------------------------------------------------------------------------------


@transaction.atomic
def submit_for_sign_off(*, event: LearningEvent, supervisor, actor) -> SignOffRequest:
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can ask for their entry to be signed off.")
    if not account_selectors.is_active_supervisor(supervisor, event.trainee):
        raise ValidationError(
            {"supervisor": f"{supervisor} is not currently one of your supervisors."}
        )
    event = lock_event(event)
    _transition(event, "submit", actor=actor, payload={"supervisor": supervisor.pk})
    request = SignOffRequest.objects.create(event=event, supervisor=supervisor)
    from portfolio.tasks import notify_sign_off_requested

    enqueue_after_commit(notify_sign_off_requested, request.pk)
    return request


@transaction.atomic
def recall_request(*, event: LearningEvent, actor) -> None:
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can recall their request.")
    event = lock_event(event)
    _transition(event, "recall", actor=actor)
    SignOffRequest.objects.filter(event=event, outcome=SignOffRequest.Outcome.OPEN).update(
        outcome=SignOffRequest.Outcome.CANCELLED, decided_at=timezone.now()
    )


def _open_request_for(event: LearningEvent, supervisor) -> SignOffRequest:
    """Lock the entry, then find the open request addressed to this supervisor. The entry's
    row lock makes two supervisors (or two clicks) deciding at once take turns; the second
    finds the request already decided."""
    event = lock_event(event)
    request = SignOffRequest.objects.filter(
        event=event, supervisor=supervisor, outcome=SignOffRequest.Outcome.OPEN
    ).first()
    if request is None or event.status != Status.SUBMITTED:
        raise TransitionNotAllowed(
            "This entry is not waiting for your sign-off (it may have just been decided)."
        )
    if not account_selectors.is_active_supervisor(supervisor, event.trainee):
        raise PermissionDenied("Your supervision of this trainee has ended.")
    return request


@transaction.atomic
def approve(*, event: LearningEvent, supervisor, comment: str = "") -> SignOff:
    request = _open_request_for(event, supervisor)
    event = request.event
    if supervisor.pk == event.trainee_id:
        raise PermissionDenied("Nobody can sign off their own entry.")
    digest = content_hash(event)
    _transition(
        event,
        "approve",
        actor=supervisor,
        payload={"content_sha256": digest, "request": request.pk},
    )
    sign_off = SignOff.objects.create(
        event=event,
        request=request,
        trainee_id=event.trainee_id,
        supervisor=supervisor,
        content_hash=digest,
        comment=comment,
    )
    request.outcome, request.decided_at, request.comment = (
        SignOffRequest.Outcome.APPROVED,
        timezone.now(),
        comment,
    )
    request.save(update_fields=["outcome", "decided_at", "comment"])
    _notify_decision(request)
    send_portfolio_changed(trainee_id=event.trainee_id)
    return sign_off


@transaction.atomic
def return_entry(*, event: LearningEvent, supervisor, comment: str) -> SignOffRequest:
    if not comment.strip():
        raise ValidationError(
            {"comment": "Say what the trainee should change before you return the entry."}
        )
    request = _open_request_for(event, supervisor)
    _transition(request.event, "return", actor=supervisor, payload={"request": request.pk})
    request.outcome, request.decided_at, request.comment = (
        SignOffRequest.Outcome.RETURNED,
        timezone.now(),
        comment,
    )
    request.save(update_fields=["outcome", "decided_at", "comment"])
    _notify_decision(request)
    return request


def _notify_decision(request: SignOffRequest) -> None:
    from portfolio.tasks import notify_sign_off_decided

    enqueue_after_commit(notify_sign_off_decided, request.pk)


@transaction.atomic
def withdraw_sign_off(*, event: LearningEvent, actor, reason: str) -> SignOffWithdrawal:
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for withdrawing the sign-off."})
    event = lock_event(event)
    sign_off = selectors.current_sign_off(event)
    if sign_off is None:
        raise TransitionNotAllowed("This entry has no sign-off to withdraw.")
    if not selectors.can_withdraw(actor, sign_off):
        raise PermissionDenied(
            "Only the supervisor who signed it off, or an organisation admin, can withdraw it."
        )
    _transition(event, "withdraw", actor=actor, payload={"sign_off": sign_off.pk})
    withdrawal = SignOffWithdrawal.objects.create(
        sign_off=sign_off, withdrawn_by=actor, reason=reason
    )
    send_portfolio_changed(trainee_id=event.trainee_id)
    return withdrawal


# --- Reflections -------------------------------------------------------------------------------


def record_reflection_view(*, event: LearningEvent, viewer) -> None:
    """Someone other than the trainee has read the shared reflection; the trainee sees the list."""
    if viewer.pk != event.trainee_id and event.reflection_shared and event.has_reflection:
        ReflectionView.objects.create(event=event, viewer=viewer)


# --- Evidence ----------------------------------------------------------------------------------


def add_file_evidence(*, event: LearningEvent, actor, uploaded_file, title: str = "") -> Evidence:
    """Attach an uploaded file to an entry the trainee can still change. The file is
    inspected, and an image re-encoded, before any row is locked; a refusal stores nothing.
    If the row is not written after all, the stored file is removed again."""
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can add evidence to their entry.")
    # Checked again under the lock below; refusing here saves reading a large file first.
    ensure_editable(event)
    title = _evidence_title(title)
    checked = inspect_upload(uploaded_file)
    stored: list = []
    try:
        return _store_file_evidence(
            event=event,
            actor=actor,
            checked=checked,
            original_name=_download_name(uploaded_file.name, checked.extension),
            title=title,
            stored=stored,
        )
    except BaseException:
        # The transaction rolled back (or never committed): no row refers to these files.
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    finally:
        checked.discard()


@transaction.atomic
def _store_file_evidence(
    *,
    event: LearningEvent,
    actor,
    checked: CheckedFile,
    original_name: str,
    title: str,
    stored: list,
) -> Evidence:
    event = lock_event(event)
    ensure_editable(event)
    _check_quota(trainee_id=event.trainee_id, size=checked.size, name=original_name)
    evidence = Evidence(
        event=event,
        kind=Evidence.Kind.FILE,
        title=title,
        original_name=original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    with checked.open() as content:
        # The name given here only supplies the extension; upload_to makes the rest random.
        evidence.file.save(f"evidence{checked.extension}", content, save=False)
    stored.append(evidence.file)
    evidence.save()
    audit.append(
        actor=actor,
        action="add_evidence",
        obj=event,
        payload={
            "evidence": evidence.pk,
            "kind": evidence.kind,
            "sha256": evidence.sha256,
            "size": evidence.size,
            "content_type": evidence.content_type,
            "content_sha256": content_hash(event),
        },
    )
    if checked.is_image:
        from portfolio.tasks import make_evidence_thumbnail

        enqueue_after_commit(make_evidence_thumbnail, evidence.pk)
    send_portfolio_changed(trainee_id=event.trainee_id)
    return evidence


def _check_quota(*, trainee_id: int, size: int, name: str) -> None:
    # Two uploads at once could each fit alone and overflow together: the trainee's row,
    # locked until commit, makes a trainee's uploads take turns at this check.
    list(get_user_model().objects.select_for_update().filter(pk=trainee_id).values_list("pk"))
    quota = settings.EVIDENCE_QUOTA_BYTES
    used = selectors.evidence_bytes_of(trainee_id)
    if used + size > quota:
        left = max(quota - used, 0)
        raise ValidationError(
            {
                "file": f"There is not enough space left for “{name}” ({filesizeformat(size)}): "
                f"you have {filesizeformat(left)} left of your {filesizeformat(quota)}. "
                "Remove some evidence to make room."
            }
        )


def _evidence_title(title: str) -> str:
    title = (title or "").strip()
    limit = Evidence._meta.get_field("title").max_length
    if len(title) > limit:
        raise ValidationError({"title": f"A title can be at most {limit} characters."})
    return title


def _download_name(name: str | None, extension: str) -> str:
    """The trainee's name for the file, for downloads, with the extension its content has."""
    stem = "".join(c for c in (name or "").rsplit("/", 1)[-1] if c.isprintable())
    stem = stem.rsplit(".", 1)[0].strip() if "." in stem else stem.strip()
    return f"{stem[:200] or 'evidence'}{extension}"


@transaction.atomic
def add_link_evidence(*, event: LearningEvent, actor, url: str, title: str = "") -> Evidence:
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can add evidence to their entry.")
    event = lock_event(event)
    ensure_editable(event)
    url = (url or "").strip()
    try:
        # Only web addresses: a javascript: or data: link would run in the viewer's page.
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Give a web address starting with https:// or http://."}
        ) from None
    evidence = Evidence(event=event, kind=Evidence.Kind.LINK, url=url, title=_evidence_title(title))
    evidence.full_clean()
    evidence.save()
    audit.append(
        actor=actor,
        action="add_evidence",
        obj=event,
        # The link itself only as a hash: the log is permanent, the link may not be.
        payload={
            "evidence": evidence.pk,
            "kind": evidence.kind,
            "url_sha256": sha256(url),
            "content_sha256": content_hash(event),
        },
    )
    send_portfolio_changed(trainee_id=event.trainee_id)
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, actor) -> None:
    """Remove evidence from an entry the trainee can still change; its files go once the
    removal has committed. Removing it twice (a double click) is not an error."""
    event = evidence.event
    if actor.pk != event.trainee_id:
        raise PermissionDenied("Only the trainee can remove evidence from their entry.")
    event = lock_event(event)
    ensure_editable(event)
    # Read again under a lock: a thumbnail task finishing at the same moment must either
    # commit first (and its thumbnail is deleted here) or find the row gone.
    evidence = Evidence.objects.select_for_update().filter(pk=evidence.pk, event=event).first()
    if evidence is None:
        return
    payload = {"evidence": evidence.pk, "kind": evidence.kind}
    if evidence.kind == Evidence.Kind.FILE:
        payload["sha256"] = evidence.sha256
    else:
        payload["url_sha256"] = sha256(evidence.url)
    evidence.delete()
    payload["content_sha256"] = content_hash(event)
    audit.append(actor=actor, action="remove_evidence", obj=event, payload=payload)
    _delete_files(evidence)
    send_portfolio_changed(trainee_id=event.trainee_id)


def store_evidence_thumbnail(*, evidence_id: int) -> bool:
    """Make and store the thumbnail of an image. Returns False when there is nothing to do
    (already made, not an image, or the evidence is gone), so a repeated task does no harm.
    Not audited: a thumbnail is derived from evidence already recorded."""
    evidence = Evidence.objects.filter(
        pk=evidence_id, kind=Evidence.Kind.FILE, content_type__startswith="image/"
    ).first()
    if evidence is None or evidence.thumbnail:
        return False
    try:
        with evidence.file.open("rb") as source:
            data = make_thumbnail(source)
    except FileNotFoundError:
        # Removed while we were on our way; its files went with it.
        return False
    if data is None:
        return False
    stored: list = []
    try:
        with transaction.atomic():
            # Locked and read again: another run of this task, or a removal, may have been first.
            evidence = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
            if evidence is None or evidence.thumbnail:
                return False
            evidence.thumbnail.save("thumbnail.webp", ContentFile(data), save=False)
            stored.append(evidence.thumbnail)
            evidence.save(update_fields=["thumbnail"])
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    return True
