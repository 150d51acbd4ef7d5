"""Logging, editing and deleting entries, their tags and curriculum mappings, and the
record of who has read a shared reflection."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit import services as audit
from curriculum.models import Item
from portfolio import selectors
from portfolio.content import CONTENT_FIELDS, Parts, content_hash
from portfolio.models import EntryItem, LearningEntry, ReflectionView, Source, Tag
from portfolio.services.evidence import delete_files_after_commit
from portfolio.services.status import (
    ensure_deletable,
    ensure_editable,
    lock_entry,
)
from portfolio.signals import send_entry_event, send_portfolio_changed
from portfolio.tags import normal_tag


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
    """The items, if all are in the trainee's curricula, read with their frameworks (which
    the content hash names)."""
    items = list(items)
    if not items:
        return []
    allowed = {
        item.pk: item
        for item in selectors.allowed_items(trainee)
        .filter(pk__in=[i.pk for i in items])
        .select_related("framework")
    }
    outside = [i.code for i in items if i.pk not in allowed]
    if outside:
        raise ValidationError(
            {"items": f"Not in the curricula of your programmes: {', '.join(sorted(outside))}."}
        )
    return [allowed[i.pk] for i in items]


def _tags(names) -> list[Tag]:
    cleaned = sorted({normal_tag(n) for n in names if n} - {""})
    if not cleaned:
        return []
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [name for name in cleaned if name not in existing]
    if missing:
        # Another request may create the same tag meanwhile: ignore that conflict, then read.
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        existing.update((t.name, t) for t in Tag.objects.filter(name__in=missing))
    return [existing[n] for n in cleaned]


# --- Logging and editing entries ---------------------------------------------------------------

EDITABLE_FIELDS = CONTENT_FIELDS + (
    "reflection_what_happened", "reflection_learned", "reflection_next_time", "reflection_shared",
)  # fmt: skip


def _audit_payload(
    entry: LearningEntry, changed: list[str] | None = None, known: Parts | None = None
) -> dict:
    # Never reflection text: only which fields changed and the content hash.
    payload = {"content_sha256": content_hash(entry, known=known)}
    if changed is not None:
        payload["changed"] = sorted(changed)
    return payload


@transaction.atomic
def log_entry(
    *,
    actor,
    trainee=None,
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
) -> tuple[LearningEntry, bool]:
    """Save a new learning entry with its mappings and tags. With an external id, the same
    completion sent twice is one entry: the second call returns the first, unchanged.
    Returns the entry and whether it was created.

    A trainee logs entries in their own portfolio (`trainee` defaults to the actor); only the
    system (actor None) logs one for someone else, as when attendance is recorded."""
    trainee = trainee or actor
    if trainee is None:
        raise TypeError("log_entry() needs the trainee when the system logs an entry")
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee logs entries in their own portfolio.")
    if external_id:
        existing = LearningEntry.objects.filter(
            trainee=trainee, source=source, external_id=external_id
        ).first()
        if existing:
            return existing, False
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"log_entry() got unexpected fields: {', '.join(sorted(unknown))}")
    credits = default_credits(duration_minutes) if cpd_credits is None else cpd_credits
    validate_credits(credits)
    items = _check_items(trainee, items)
    entry = LearningEntry(
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
    # Constraints are the database's to enforce: credits were checked above, and a repeated
    # external id is caught below. Validating them here would cost a query each, as would
    # checking that the fresh random uid is unique (the only unique field).
    entry.full_clean(
        exclude=["trainee", "tags", "items"], validate_unique=False, validate_constraints=False
    )
    if external_id:
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # Another request with the same external id won the race; theirs is the entry.
            return LearningEntry.objects.get(
                trainee=trainee, source=source, external_id=external_id
            ), False
    else:
        entry.save()
    tags = _tags(tags)
    entry.tags.add(*tags)
    link_items(entry, items)
    audit.append(
        actor=actor,
        action="create",
        obj=entry,
        # What was just written, rather than read back: a new entry has no evidence yet.
        payload=_audit_payload(entry, known=Parts(tags=tags, items=items, evidence=[])),
        chain=audit.user_chain(entry.trainee_id),
    )
    send_portfolio_changed(trainee_id=trainee.pk)
    send_entry_event(entry=entry, event="created", actor=actor)
    return entry, True


@transaction.atomic
def update_entry(*, entry: LearningEntry, actor, items=None, tags=None, **fields) -> LearningEntry:
    """Change an entry the trainee owns. Fields not given stay as they are."""
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can change their entry.")
    entry = lock_entry(entry)
    ensure_editable(entry)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_entry() got unexpected fields: {', '.join(sorted(unknown))}")
    credits_follow_duration = entry.cpd_credits == default_credits(entry.duration_minutes)
    if "duration_minutes" in fields and "cpd_credits" not in fields and credits_follow_duration:
        # The credits were never set by hand: keep them following the duration.
        fields["cpd_credits"] = default_credits(fields["duration_minutes"])
    if "cpd_credits" in fields:
        validate_credits(fields["cpd_credits"])
    changed = [name for name, value in fields.items() if getattr(entry, name) != value]
    for name, value in fields.items():
        setattr(entry, name, value)
    # Fields only: an edit changes neither the uid nor the external id, and the credits were
    # checked above, so validating uniqueness and constraints would only cost queries.
    entry.full_clean(
        exclude=["trainee", "tags", "items"], validate_unique=False, validate_constraints=False
    )
    entry.save()
    if tags is not None:
        new_tags = _tags(tags)
        if {t.pk for t in new_tags} != set(entry.tags.values_list("pk", flat=True)):
            entry.tags.set(new_tags)
            changed.append("tags")
    if items is not None and replace_items(entry, items):
        changed.append("items")
    if changed:
        audit.append(
            actor=actor,
            action="edit",
            obj=entry,
            payload=_audit_payload(entry, changed),
            chain=audit.user_chain(entry.trainee_id),
        )
        send_portfolio_changed(trainee_id=entry.trainee_id)
        send_entry_event(entry=entry, event="updated", actor=actor)
    return entry


def replace_items(entry: LearningEntry, items) -> bool:
    """Map the entry to exactly these items; whether that changed anything. The caller
    holds the entry's lock and audits the change."""
    items = _check_items(entry.trainee, items)
    wanted = {i.pk for i in items}
    current = set(entry.mappings.values_list("item_id", flat=True))
    if wanted == current:
        return False
    entry.mappings.exclude(item_id__in=wanted).delete()
    link_items(entry, [pk for pk in wanted - current])
    return True


def link_items(entry: LearningEntry, items) -> None:
    """Map a saved entry to these items (Item objects or their ids), which it is not mapped
    to yet. Each link carries the entry's trainee, which verify_audit checks, so that pages
    can find a trainee's links without going through their entries."""
    EntryItem.objects.bulk_create(
        EntryItem(entry=entry, item_id=getattr(item, "pk", item), trainee_id=entry.trainee_id)
        for item in items
    )


@transaction.atomic
def set_mappings(*, entry: LearningEntry, actor, items) -> LearningEntry:
    return update_entry(entry=entry, actor=actor, items=items)


@transaction.atomic
def delete_entry(*, entry: LearningEntry, actor) -> None:
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can delete their entry.")
    entry = lock_entry(entry)
    ensure_deletable(entry)
    audit.append(
        actor=actor,
        action="delete",
        obj=entry,
        payload=_audit_payload(entry),
        chain=audit.user_chain(entry.trainee_id),
    )
    for evidence in entry.evidence.all():
        delete_files_after_commit(evidence)
    entry.delete()
    send_portfolio_changed(trainee_id=actor.pk)


# --- Reflections -------------------------------------------------------------------------------


def record_reflection_view(*, entry: LearningEntry, actor) -> None:
    """Someone other than the trainee has read the shared reflection; the trainee sees the
    list. The trainee reading their own, or a reflection not shared, records nothing."""
    if actor.pk != entry.trainee_id and entry.reflection_shared and entry.has_reflection:
        ReflectionView.objects.create(entry=entry, viewer=actor)


@transaction.atomic
def withdraw_sent_entry(*, entry: LearningEntry, reason: str) -> None:
    """The system that sent an entry (an e-learning provider) takes it back, as when it
    voids the statement that made it. Only a draft never sent for sign-off goes: once a
    supervisor has seen an entry, its history is kept and the refusal says so."""
    if not entry.external_id or entry.source == Source.WEB:
        raise PermissionDenied("Only an entry another system sent can be withdrawn by it.")
    entry = lock_entry(entry)
    ensure_deletable(entry)
    audit.append(
        actor=None,
        action="withdraw_sent",
        obj=entry,
        payload={**_audit_payload(entry), "source": entry.source, "reason": reason},
        chain=audit.user_chain(entry.trainee_id),
    )
    for evidence in entry.evidence.all():
        delete_files_after_commit(evidence)
    entry.delete()
    send_portfolio_changed(trainee_id=entry.trainee_id)
