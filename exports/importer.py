"""Importing a portable archive from another Waymark (or this one) into a trainee's account.

One service for the command line and the import page. It checks the whole archive first:
the ZIP itself and its manifest (exports.reading), then the schema and every reference
(exports.importer_checks); only then does it write, in one transaction, through the
portfolio and badges services. Everything is matched by uid, so importing the same archive
twice changes nothing the second time. Entries arrive as they were; sign-offs made elsewhere
arrive as attested elsewhere; badges as badges issued elsewhere. Programme enrolments and
badge progress, and educational supervisors' reports, stay with the site that holds them
(`instance` in portfolio.json).
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePosixPath
from typing import BinaryIO
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction

from badges.services.external import record_external_badge
from exports.importer_checks import Plan, load_document, plan_import
from exports.reading import Archive, ArchiveRefused, open_archive
from portfolio.services.imports import (
    AttestedRequest,
    RestoredEvidence,
    restore_entry,
)


@dataclass
class ImportReport:
    """What an import did, for the page and the command to say."""

    exported_from: str = ""
    entries_added: int = 0
    entries_present: int = 0
    evidence_files: int = 0
    attested_sign_offs: int = 0
    badges_added: int = 0
    badges_present: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.entries_added or self.badges_added)


def import_portfolio(*, actor, trainee, archive_file: BinaryIO) -> ImportReport:
    """Import the archive into `trainee`'s account, or raise ArchiveRefused naming every
    problem found, having written nothing. `actor` is the trainee (the import page) or None
    (an operator's command)."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee imports a portfolio into their own account.")
    archive = open_archive(archive_file)
    document = load_document(archive)
    plan = plan_import(trainee, document, archive)
    report = ImportReport(
        exported_from=document["instance"]["url"],
        entries_present=plan.present_entries,
        badges_present=plan.present_badges,
        notes=_notes(trainee, document),
    )
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            _write(actor, trainee, plan, archive, report, saved_files)
    except Exception:
        # The rows rolled back; the files stored for them must go too.
        for name in saved_files:
            storages["private"].delete(name)
        raise
    return report


def _write(actor, trainee, plan: Plan, archive: Archive, report: ImportReport, saved) -> None:
    for n, entry, items in plan.new_entries:
        requests = [_request(r) for r in entry["sign_off_requests"]]
        try:
            restore_entry(
                actor=actor,
                trainee=trainee,
                uid=UUID(entry["uid"]),
                fields=_entry_fields(entry),
                tags=entry["tags"],
                items=items,
                evidence=[_evidence(e, archive) for e in entry["evidence"]],
                requests=requests,
                saved_files=saved,
            )
        except ValidationError as error:
            raise ArchiveRefused(
                [f"portfolio.json at $.entries[{n}]: {m}" for m in error.messages]
            ) from error
        report.entries_added += 1
        report.evidence_files += sum(1 for e in entry["evidence"] if e["kind"] == "file")
        report.attested_sign_offs += sum(1 for r in requests if r.outcome == "approved")
    for badge in plan.new_badges:
        record_external_badge(
            actor=actor,
            trainee=trainee,
            uid=UUID(badge["uid"]),
            badge_name=badge["badge_name"],
            issuer_name=badge["issuer_name"],
            issued_on=_moment(badge["issued_on"]),
            expires=_moment(badge["expires"]),
            assertion=_json(archive.read(badge["assertion"])) if badge["assertion"] else None,
            image=archive.read(badge["image"]) if badge["image"] else None,
            image_name=badge["image"] or "",
            credential=_json(archive.read(badge["credential"]))
            if badge.get("credential")
            else None,
            credential_jwt=(
                archive.read(badge["credential_jwt"]).decode()
                if badge.get("credential_jwt")
                else ""
            ),
            source=badge["site"],
            issuer_uri=badge.get("issuer_uri", ""),
            achievement_uri=badge.get("achievement_uri", ""),
            public=badge.get("public", False),
            saved_files=saved,
        )
        report.badges_added += 1


def _notes(trainee, document: dict) -> list[str]:
    notes = []
    instance = document["instance"]
    if document["trainee"]["email"].lower() != trainee.email.lower():
        notes.append(f"This archive was exported for {document['trainee']['email']}.")
    if instance["enrolments"]:
        notes.append(
            f"{len(instance['enrolments'])} programme enrolment(s) at {instance['url']} were "
            "not imported: an organisation here enrols its own trainees."
        )
    if instance["progress"]:
        notes.append(
            f"Progress towards {len(instance['progress'])} badge(s) at {instance['url']} was "
            "not imported: badges here count your entries by their own rules."
        )
    # Optional: archives written before there were reports have none.
    if reports := instance.get("supervisor_reports"):
        notes.append(
            f"{len(reports)} educational supervisor's report(s) signed at {instance['url']} "
            "were not imported: a report stays with the site whose supervisor signed it."
        )
    waiting = sum(
        1
        for entry in document["entries"]
        for request in entry["sign_off_requests"]
        if request["outcome"] == "open"
    )
    if waiting:
        notes.append(
            f"{waiting} sign-off request(s) still waiting at the other site were not carried: "
            "ask a supervisor here."
        )
    return notes


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _json(content: bytes) -> dict:
    return json.loads(content)


def _entry_fields(entry: dict) -> dict:
    reflection = entry["reflection"]
    return {
        "kind": entry["kind"],
        "title": entry["title"],
        "date": date.fromisoformat(entry["date"]),
        "time": time.fromisoformat(entry["time"]) if entry["time"] else None,
        "duration_minutes": entry["duration_minutes"],
        "cpd_credits": Decimal(entry["cpd_credits"]),
        "provider": entry["provider"],
        "location": entry["location"],
        "description": entry["description"],
        "reflection_what_happened": reflection["what_happened"],
        "reflection_learned": reflection["learned"],
        "reflection_next_time": reflection["next_time"],
        "reflection_shared": reflection["shared"],
    }


def _evidence(evidence: dict, archive: Archive) -> RestoredEvidence:
    return RestoredEvidence(
        uid=UUID(evidence["uid"]),
        kind=evidence["kind"],
        title=evidence["title"],
        original_name=evidence["original_name"],
        content_type=evidence["content_type"],
        url=evidence["url"] or "",
        content=archive.read(evidence["file"]) if evidence["file"] else None,
        file_name=PurePosixPath(evidence["file"]).name if evidence["file"] else "",
    )


def _request(request: dict) -> AttestedRequest:
    sign_off = request["sign_off"] or {}
    withdrawn = sign_off.get("withdrawn") or {}
    return AttestedRequest(
        uid=UUID(request["uid"]),
        site=request["site"],
        supervisor_name=request["supervisor"]["name"],
        supervisor_gmc_number=request["supervisor"]["gmc_number"],
        requested_at=_moment(request["requested_at"]),
        outcome=request["outcome"],
        decided_at=_moment(request["decided_at"]),
        request_comment=request["comment"],
        signed_at=_moment(sign_off.get("signed_at")),
        content_hash=sign_off.get("content_hash", ""),
        hash_version=sign_off.get("hash_version"),
        comment=sign_off.get("comment", ""),
        withdrawn_at=_moment(withdrawn.get("at")),
        withdrawal_reason=withdrawn.get("reason", ""),
    )
