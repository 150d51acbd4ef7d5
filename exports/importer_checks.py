"""Everything an archive's portfolio.json must satisfy before any of it is written: the
published schema, and every reference: curriculum items that exist here, files that are in
the archive with the size and hash the document gives, uids used once and not already
belonging to someone else. Every problem names the file and the JSON path."""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from badges.models import Award, ExternalBadge
from badges.services import backpack_input
from curriculum.models import Framework, Item
from exports.archive import PORTFOLIO
from exports.document import FORMAT, SCHEMA_NAME
from exports.reading import Archive, ArchiveRefused
from portfolio.evidence import inspect_upload
from portfolio.models import AttestedSignOff, Evidence, LearningEntry, SignOffRequest
from portfolio.selectors import evidence_bytes_of

SCHEMA_PATH = Path(__file__).parent / "schemas" / f"{SCHEMA_NAME}.schema.json"


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def at(path: str) -> str:
    return f"{PORTFOLIO} at {path}"


def load_document(archive: Archive) -> dict:
    if PORTFOLIO not in archive.names:
        raise ArchiveRefused([f"{PORTFOLIO} is missing: this is not a Waymark portfolio."])
    try:
        document = json.loads(archive.read(PORTFOLIO))
    except ValueError as error:
        raise ArchiveRefused([f"{PORTFOLIO}: not JSON ({error})."]) from None
    if isinstance(document, dict) and document.get("format") != FORMAT:
        raise ArchiveRefused(
            [f"{at('$.format')}: {document.get('format')!r} is not {FORMAT!r}, the format "
             "this site reads."]
        )  # fmt: skip
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise ArchiveRefused([f"{at(e.json_path)}: {e.message}" for e in errors[:50]])
    return document


@dataclass
class Plan:
    """What the import will write, once every check has passed."""

    new_entries: list[tuple[int, dict, list[Item]]] = field(default_factory=list)
    present_entries: int = 0
    new_badges: list[dict] = field(default_factory=list)
    present_badges: int = 0
    evidence_bytes: int = 0


def plan_import(trainee, document: dict, archive: Archive) -> Plan:
    problems: list[str] = []
    _check_unique_uids(document, problems)
    items = _resolve_items(document, problems)
    plan = Plan()
    existing = _existing_uids(document)
    for n, entry in enumerate(document["entries"]):
        path = f"$.entries[{n}]"
        owner = existing["entries"].get(entry["uid"])
        if owner == trainee.pk:
            # Imported before (or exported from here): importing again changes nothing.
            plan.present_entries += 1
            continue
        if owner is not None:
            problems.append(f"{at(path)}: entry {entry['uid']} belongs to another account here.")
            continue
        for kind, uids in (
            ("evidence", [e["uid"] for e in entry["evidence"]]),
            ("sign_off_requests", [r["uid"] for r in entry["sign_off_requests"]]),
        ):
            for m, uid in enumerate(uids):
                if uid in existing[kind]:
                    problems.append(f"{at(f'{path}.{kind}[{m}]')}: {uid} is already used here.")
        resolved = []
        for m, mapping in enumerate(entry["mappings"]):
            key = (mapping["framework"], mapping["version"], mapping["item"])
            if key in items:
                resolved.append(items[key])
            else:
                problems.append(f"{at(f'{path}.mappings[{m}]')}: {_unknown(key)}")
        for m, evidence in enumerate(entry["evidence"]):
            problem = _check_evidence_file(evidence, archive)
            if problem:
                problems.append(f"{at(f'{path}.evidence[{m}]')}: {problem}")
            plan.evidence_bytes += evidence["size"] or 0
        plan.new_entries.append((n, entry, resolved))
    for n, badge in enumerate(document["badges"]):
        owner = existing["badges"].get(badge["uid"])
        if owner == trainee.pk:
            plan.present_badges += 1
            continue
        if owner is not None:
            problems.append(f"{at(f'$.badges[{n}]')}: badge {badge['uid']} is someone else's.")
            continue
        if not (badge["assertion"] or badge.get("credential") or badge.get("credential_jwt")):
            problems.append(
                f"{at(f'$.badges[{n}]')}: a badge needs its assertion or its credential."
            )
        for name in ("assertion", "image", "credential", "credential_jwt"):
            if badge.get(name) and badge[name] not in archive.names:
                problems.append(
                    f"{at(f'$.badges[{n}].{name}')}: {badge[name]} is not in the archive."
                )
        image = badge["image"]
        if image in archive.names and not _is_badge_image(archive, image):
            problems.append(f"{image}: not a badge image (a PNG or an SVG).")
        if badge["assertion"] in archive.names and not _is_json_object(archive, badge["assertion"]):
            problems.append(f"{badge['assertion']}: not an Open Badges assertion (JSON object).")
        credential = badge.get("credential")
        if credential in archive.names and not _is_json_object(archive, credential):
            problems.append(f"{credential}: not an Open Badges 3.0 credential (JSON object).")
        plan.new_badges.append(badge)
    quota = settings.EVIDENCE_QUOTA_BYTES - evidence_bytes_of(trainee)
    if plan.evidence_bytes > quota:
        problems.append(
            f"The archive's evidence files come to {plan.evidence_bytes} bytes; this account "
            f"has room for {max(quota, 0)} more."
        )
    if problems:
        raise ArchiveRefused(problems)
    return plan


def _unknown(key: tuple[str, str, str]) -> str:
    slug, version, code = key
    if not Framework.objects.filter(slug=slug, version=version).exists():
        return f"unknown framework {slug} {version} (item {code!r}); this site does not hold it."
    return f"unknown framework item {code!r} in {slug} {version}"


def _check_unique_uids(document: dict, problems: list[str]) -> None:
    seen: dict[str, str] = {}

    def see(uid: str, path: str) -> None:
        if uid in seen:
            problems.append(f"{at(path)}: uid {uid} is also used at {seen[uid]}.")
        else:
            seen[uid] = path

    for n, entry in enumerate(document["entries"]):
        see(entry["uid"], f"$.entries[{n}]")
        for m, evidence in enumerate(entry["evidence"]):
            see(evidence["uid"], f"$.entries[{n}].evidence[{m}]")
        for m, request in enumerate(entry["sign_off_requests"]):
            see(request["uid"], f"$.entries[{n}].sign_off_requests[{m}]")
    for n, badge in enumerate(document["badges"]):
        see(badge["uid"], f"$.badges[{n}]")


def _resolve_items(document: dict, problems: list[str]) -> dict[tuple, Item]:
    """Every item the document maps to, by (slug, version, code): one query."""
    keys = {
        (m["framework"], m["version"], m["item"])
        for entry in document["entries"]
        for m in entry["mappings"]
    }
    if not keys:
        return {}
    query = Q()
    for slug, version, code in keys:
        query |= Q(framework__slug=slug, framework__version=version, code=code)
    return {
        (item.framework.slug, item.framework.version, item.code): item
        for item in Item.objects.filter(query).select_related("framework")
    }


def _existing_uids(document: dict) -> dict:
    """Which of the document's uids this site already holds, and whose they are."""
    entries = [e["uid"] for e in document["entries"]]
    evidence = [v["uid"] for e in document["entries"] for v in e["evidence"]]
    requests = [r["uid"] for e in document["entries"] for r in e["sign_off_requests"]]
    badges = [b["uid"] for b in document["badges"]]
    found_badges = dict(
        ExternalBadge.objects.filter(uid__in=badges).values_list("uid", "trainee_id")
    )
    found_badges.update(Award.objects.filter(uid__in=badges).values_list("uid", "recipient_id"))
    return {
        "entries": {
            str(uid): owner
            for uid, owner in LearningEntry.objects.filter(uid__in=entries).values_list(
                "uid", "trainee_id"
            )
        },
        "evidence": {
            str(u) for u in Evidence.objects.filter(uid__in=evidence).values_list("uid", flat=True)
        },
        "sign_off_requests": {
            str(u)
            for model in (SignOffRequest, AttestedSignOff)
            for u in model.objects.filter(uid__in=requests).values_list("uid", flat=True)
        },
        "badges": {str(uid): owner for uid, owner in found_badges.items()},
    }


def _check_evidence_file(evidence: dict, archive: Archive) -> str | None:
    if evidence["kind"] != "file":
        return None
    if evidence["file"] not in archive.names:
        return f"{evidence['file']} is not in the archive."
    content = archive.read(evidence["file"])
    if len(content) != evidence["size"]:
        return f"{evidence['file']} is {len(content)} bytes, not the {evidence['size']} given."
    if hashlib.sha256(content).hexdigest() != evidence["sha256"]:
        return f"{evidence['file']} does not have the SHA-256 given for it."
    # The checks every upload passes (type from the bytes, structure, size, pixels): an
    # archive is no way round them. Named as stored, whose extension is the stored format's.
    try:
        checked = inspect_upload(SimpleUploadedFile(PurePosixPath(evidence["file"]).name, content))
    except ValidationError as error:
        return f"{evidence['file']} is not accepted as evidence here: {' '.join(error.messages)}"
    checked.discard()
    if checked.content_type != evidence["content_type"]:
        return (
            f"{evidence['file']} is {checked.content_type}, not the "
            f"{evidence['content_type']} given for it."
        )
    return None


def _is_json_object(archive: Archive, name: str) -> bool:
    try:
        return isinstance(json.loads(archive.read(name)), dict)
    except ValueError:
        return False


def _is_badge_image(archive: Archive, name: str) -> bool:
    """A PNG or SVG by its content, as the backpack takes them, named for what it is."""
    try:
        picture = backpack_input.picture_of(archive.read(name))
    except ValidationError:
        return False
    return name.endswith(f".{picture.extension}")
