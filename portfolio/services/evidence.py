"""Evidence on entries: files (inspected by portfolio.evidence) and links, added and removed
only by the entry's trainee while the entry can change; images processed by a worker
(re-encoded, with their thumbnail) or refused; thumbnails."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat

from audit import services as audit
from core.hashing import sha256
from core.tasks import enqueue_after_commit
from portfolio import selectors
from portfolio.content import content_hash
from portfolio.evidence import CheckedFile, clean_image, inspect_upload
from portfolio.images import make_thumbnail
from portfolio.models import Evidence, LearningEntry
from portfolio.services.status import ensure_editable, lock_entry
from portfolio.signals import send_portfolio_changed


def add_file_evidence(*, entry: LearningEntry, actor, uploaded_file, title: str = "") -> Evidence:
    """Attach an uploaded file to an entry the trainee can still change. The file is
    inspected before any row is locked; a refusal stores nothing. If the row is not written
    after all, the stored file is removed again.

    An image is not decoded here, in the web request: it is stored as it came, `processing`,
    and a worker re-encodes it once the row commits (process_evidence)."""
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can add evidence to their entry.")
    # Checked again under the lock below; refusing here saves reading a large file first.
    ensure_editable(entry)
    title = _evidence_title(title)
    checked = inspect_upload(uploaded_file)
    stored: list = []
    try:
        return _store_file_evidence(
            entry=entry,
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
    entry: LearningEntry,
    actor,
    checked: CheckedFile,
    original_name: str,
    title: str,
    stored: list,
) -> Evidence:
    entry = lock_entry(entry)
    ensure_editable(entry)
    _check_quota(trainee_id=entry.trainee_id, size=checked.size, name=original_name)
    processing = checked.is_image
    evidence = Evidence(
        entry=entry,
        kind=Evidence.Kind.FILE,
        state=Evidence.State.PROCESSING if processing else Evidence.State.READY,
        title=title,
        original_name=original_name,
        content_type=checked.content_type,
        size=checked.size,
        # Of the file as stored for good: known once an image has been processed.
        sha256="" if processing else checked.sha256,
    )
    with checked.open() as content:
        # The name given here only supplies the extension; upload_to makes the rest random.
        evidence.file.save(f"evidence{checked.extension}", content, save=False)
    stored.append(evidence.file)
    evidence.save()
    if processing:
        details = {"state": evidence.state, "upload_sha256": checked.sha256}
    else:
        details = {"sha256": evidence.sha256}
    _audit_added(
        actor=actor,
        entry=entry,
        evidence=evidence,
        **details,
        size=evidence.size,
        content_type=evidence.content_type,
    )
    if processing:
        from portfolio.tasks import process_evidence_file

        # Recorded as processing in this transaction: the periodic sweep runs it if the
        # broker does not.
        enqueue_after_commit(process_evidence_file, evidence.pk)
    send_portfolio_changed(trainee_id=entry.trainee_id)
    return evidence


def _audit_added(*, actor, entry: LearningEntry, evidence: Evidence, **details) -> None:
    """The audit entry for evidence added to an entry: what was added, and the entry's
    content hash with it."""
    audit.append(
        actor=actor,
        action="add_evidence",
        obj=entry,
        payload={
            "evidence": evidence.pk,
            "kind": evidence.kind,
            **details,
            "content_sha256": content_hash(entry),
        },
        chain=audit.user_chain(entry.trainee_id),
    )


def _check_quota(*, trainee_id: int, size: int, name: str, replacing: int = 0) -> None:
    """Refuse a file of `size` bytes that would take the trainee past their quota; with
    `replacing`, in place of that many bytes already counted."""
    # Two uploads at once could each fit alone and overflow together: the trainee's row,
    # locked until commit, makes a trainee's uploads take turns at this check.
    list(get_user_model().objects.select_for_update().filter(pk=trainee_id).values_list("pk"))
    quota = settings.EVIDENCE_QUOTA_BYTES
    used = selectors.evidence_bytes_of(trainee_id) - replacing
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
def add_link_evidence(*, entry: LearningEntry, actor, url: str, title: str = "") -> Evidence:
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can add evidence to their entry.")
    entry = lock_entry(entry)
    ensure_editable(entry)
    url = (url or "").strip()
    try:
        # Only web addresses: a javascript: or data: link would run in the viewer's page.
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Give a web address starting with https:// or http://."}
        ) from None
    evidence = Evidence(entry=entry, kind=Evidence.Kind.LINK, url=url, title=_evidence_title(title))
    evidence.full_clean()
    evidence.save()
    # The link itself only as a hash: the log is permanent, the link may not be.
    _audit_added(actor=actor, entry=entry, evidence=evidence, url_sha256=sha256(url))
    send_portfolio_changed(trainee_id=entry.trainee_id)
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, actor) -> None:
    """Remove evidence from an entry the trainee can still change; its files go once the
    removal has committed. Removing it twice (a double click) is not an error."""
    entry = evidence.entry
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can remove evidence from their entry.")
    entry = lock_entry(entry)
    ensure_editable(entry)
    # Read again under a lock: a thumbnail task finishing at the same moment must either
    # commit first (and its thumbnail is deleted here) or find the row gone.
    evidence = Evidence.objects.select_for_update().filter(pk=evidence.pk, entry=entry).first()
    if evidence is None:
        return
    payload = {"evidence": evidence.pk, "kind": evidence.kind}
    if evidence.kind == Evidence.Kind.FILE:
        payload["sha256"] = evidence.sha256
    else:
        payload["url_sha256"] = sha256(evidence.url)
    evidence.delete()
    payload["content_sha256"] = content_hash(entry)
    audit.append(
        actor=actor,
        action="remove_evidence",
        obj=entry,
        payload=payload,
        chain=audit.user_chain(entry.trainee_id),
    )
    delete_files_after_commit(evidence)
    send_portfolio_changed(trainee_id=entry.trainee_id)


# --- Processing uploaded images, in a worker ----------------------------------------------------

# Tries before an upload that never finishes processing (its worker killed each time, say)
# is refused.
MAX_PROCESSING_ATTEMPTS = 3


def process_evidence(*, evidence_id: int, actor) -> bool:
    """Finish an uploaded image: decode it, re-encode its pixels alone (no EXIF, GPS or
    anything hidden after them), make its thumbnail, and store those in place of the upload,
    ready to be served; or refuse it, saying why, and delete it. Only Waymark does this
    (actor None, from a task). Returns False when there was nothing to do (already done,
    or removed meanwhile), so a repeated task does no harm.

    The decoding happens before any row is locked; the result is written under the entry's
    lock, so an entry cannot be sent for sign-off halfway through."""
    if actor is not None:
        raise PermissionDenied("Evidence is processed by Waymark, not by hand.")
    evidence = Evidence.objects.filter(pk=evidence_id, state=Evidence.State.PROCESSING).first()
    if evidence is None:
        return False
    # Counted, and committed, before the decoding starts.
    Evidence.objects.filter(pk=evidence_id).update(processing_attempts=F("processing_attempts") + 1)
    name = evidence.original_name
    if evidence.processing_attempts >= MAX_PROCESSING_ATTEMPTS:
        return _refuse_processing(
            evidence_id,
            f"“{name}” could not be processed. Try saving it again on your device, or as a "
            "PDF, and upload it again.",
        )
    try:
        with evidence.file.open("rb") as upload:
            cleaned = clean_image(upload, name=name)
    except FileNotFoundError:
        # Removed while we were on our way; its files went with it.
        return False
    except ValidationError as refusal:
        return _refuse_processing(evidence_id, " ".join(refusal.messages))
    thumbnail = make_thumbnail(cleaned.content)
    stored: list = []
    try:
        with transaction.atomic():
            evidence, entry = _lock_processing(evidence_id)
            if evidence is None:
                return False
            try:
                _check_quota(
                    trainee_id=entry.trainee_id,
                    size=cleaned.size,
                    name=name,
                    replacing=evidence.size,
                )
            except ValidationError as refusal:
                _refuse_locked(evidence, entry, " ".join(refusal.messages))
                return True
            upload_name = evidence.file.name
            evidence.state = Evidence.State.READY
            evidence.file.save(f"evidence{cleaned.extension}", cleaned.open(), save=False)
            stored.append(evidence.file)
            if thumbnail is not None:
                evidence.thumbnail.save("thumbnail.webp", ContentFile(thumbnail), save=False)
                stored.append(evidence.thumbnail)
            evidence.size, evidence.sha256 = cleaned.size, cleaned.sha256
            evidence.save(update_fields=["state", "file", "thumbnail", "size", "sha256"])
            audit.append(
                actor=None,
                action="process_evidence",
                obj=entry,
                payload={
                    "evidence": evidence.pk,
                    "sha256": evidence.sha256,
                    "size": evidence.size,
                    "content_sha256": content_hash(entry),
                },
            )
            _delete_after_commit(evidence.file.storage, upload_name)
            send_portfolio_changed(trainee_id=entry.trainee_id)
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    return True


def _lock_processing(evidence_id: int) -> tuple[Evidence | None, LearningEntry | None]:
    """The evidence, if still processing, and its entry, both locked: the entry first, as
    every other change to an entry's evidence takes them."""
    entry_id = Evidence.objects.filter(pk=evidence_id).values_list("entry_id", flat=True).first()
    if entry_id is None:
        return None, None
    entry = lock_entry(LearningEntry(pk=entry_id))
    evidence = (
        Evidence.objects.select_for_update()
        .filter(pk=evidence_id, state=Evidence.State.PROCESSING)
        .first()
    )
    return evidence, entry


def _refuse_processing(evidence_id: int, reason: str) -> bool:
    with transaction.atomic():
        evidence, entry = _lock_processing(evidence_id)
        if evidence is None:
            return False
        _refuse_locked(evidence, entry, reason)
    return True


def _refuse_locked(evidence: Evidence, entry: LearningEntry, reason: str) -> None:
    """Mark locked evidence refused, with the reason for the trainee, and delete its upload
    once that commits. The row stays, with the title the trainee gave, until they remove it."""
    storage, upload_name = evidence.file.storage, evidence.file.name
    evidence.state, evidence.refusal, evidence.size = Evidence.State.REFUSED, reason, 0
    evidence.file = ""
    evidence.save(update_fields=["state", "refusal", "size", "file"])
    # Not the reason: it carries the file's name, which the log, being permanent, does not.
    audit.append(
        actor=None,
        action="refuse_evidence",
        obj=entry,
        payload={"evidence": evidence.pk, "content_sha256": content_hash(entry)},
    )
    _delete_after_commit(storage, upload_name)
    send_portfolio_changed(trainee_id=entry.trainee_id)


def _delete_after_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


def store_evidence_thumbnail(*, evidence_id: int, actor) -> bool:
    """Make and store the thumbnail of an image. Returns False when there is nothing to do
    (already made, not an image, or the evidence is gone), so a repeated task does no harm.
    Only Waymark itself (actor None, from a task) makes thumbnails, from files it has already
    checked. Not audited: a thumbnail is derived from evidence already recorded."""
    if actor is not None:
        raise PermissionDenied("Thumbnails are made by Waymark, not by hand.")
    evidence = Evidence.objects.filter(
        pk=evidence_id,
        kind=Evidence.Kind.FILE,
        state=Evidence.State.READY,
        content_type__startswith="image/",
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


def delete_files_after_commit(evidence: Evidence) -> None:
    def remove():
        for field in (evidence.file, evidence.thumbnail):
            if field:
                field.storage.delete(field.name)

    # Files go only once the rows are gone for good.
    transaction.on_commit(remove)
