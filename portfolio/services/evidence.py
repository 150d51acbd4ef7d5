"""Evidence on entries: files (inspected, and images re-encoded, by portfolio.evidence) and
links, added and removed only by the entry's trainee while the entry can change; thumbnails."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from audit import services as audit
from core.hashing import sha256
from core.tasks import enqueue_after_commit
from portfolio import selectors
from portfolio.content import content_hash
from portfolio.evidence import CheckedFile, inspect_upload, make_thumbnail
from portfolio.models import Evidence, LearningEntry
from portfolio.services.status import ensure_editable, lock_entry
from portfolio.signals import send_portfolio_changed


def add_file_evidence(*, entry: LearningEntry, actor, uploaded_file, title: str = "") -> Evidence:
    """Attach an uploaded file to an entry the trainee can still change. The file is
    inspected, and an image re-encoded, before any row is locked; a refusal stores nothing.
    If the row is not written after all, the stored file is removed again."""
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
    evidence = Evidence(
        entry=entry,
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
    _audit_added(
        actor=actor,
        entry=entry,
        evidence=evidence,
        sha256=evidence.sha256,
        size=evidence.size,
        content_type=evidence.content_type,
    )
    if checked.is_image:
        from portfolio.tasks import make_evidence_thumbnail

        enqueue_after_commit(make_evidence_thumbnail, evidence.pk)
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


def store_evidence_thumbnail(*, evidence_id: int, actor) -> bool:
    """Make and store the thumbnail of an image. Returns False when there is nothing to do
    (already made, not an image, or the evidence is gone), so a repeated task does no harm.
    Only Waymark itself (actor None, from a task) makes thumbnails, from files it has already
    checked. Not audited: a thumbnail is derived from evidence already recorded."""
    if actor is not None:
        raise PermissionDenied("Thumbnails are made by Waymark, not by hand.")
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


def delete_files_after_commit(evidence: Evidence) -> None:
    def remove():
        for field in (evidence.file, evidence.thumbnail):
            if field:
                field.storage.delete(field.name)

    # Files go only once the rows are gone for good.
    transaction.on_commit(remove)
