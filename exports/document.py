"""portfolio.json: everything a trainee owns, as plain data that follows the published
schema (exports/schemas/waymark-portfolio-1.schema.json).

Objects are named by uid and curriculum items by framework slug, version and code, never
by database ids. Everything is sorted, so the same portfolio gives the same document apart
from `exported_at` and `instance` (which site wrote it, and what only that site holds:
programme enrolments, which the site's organisations grant, progress, which its badge rules
compute, and educational supervisors' signed reports, which its supervisors wrote).
Sign-offs given here and sign-offs attested by another site's archive are written the same
way, each naming the site that issued it, so a portfolio exported, imported elsewhere and
exported again reads the same.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from assessments.models import Assessment
from badges.images import badge_png, bake_png
from badges.models import Award, ExternalBadge, Progress
from badges.ob3.issuing import credential_for
from badges.openbadges import assertion_document, assertion_url, badge_class_url, issuer_url
from curriculum.models import Enrolment
from portfolio.models import AttestedSignOff, Evidence, LearningEntry, SignOffRequest
from reviews import selectors as review_selectors
from reviews.questions import answered

FORMAT = "waymark-portfolio/1"
SCHEMA_NAME = "waymark-portfolio-1"


def moment(value: datetime | None) -> str | None:
    """One spelling for an instant: UTC, to the microsecond, as both databases store it."""
    return value.astimezone(UTC).isoformat(timespec="microseconds") if value else None


def day(value) -> str | None:
    return value.isoformat() if value else None


@dataclass
class ArchiveFile:
    """A file the archive carries besides portfolio.json: its path in the ZIP, and how to
    read its bytes (evidence is read from storage only when it is written)."""

    path: str
    # Returns the bytes, or an open file to copy from (closed once copied).
    read: Callable[[], bytes | IO[bytes]] = field(repr=False)


@dataclass
class Portfolio:
    document: dict
    files: list[ArchiveFile]


def portfolio_of(trainee, *, exported_at: datetime | None = None) -> Portfolio:
    files: list[ArchiveFile] = []
    entries = [_entry(entry, files) for entry in _entries(trainee)]
    badges = _awards(trainee, files) + _external_badges(trainee, files)
    document = {
        "format": FORMAT,
        "exported_at": moment(exported_at or timezone.now()),
        "instance": {
            "url": settings.SITE_URL,
            "enrolments": _enrolments(trainee),
            "progress": _progress(trainee),
            "supervisor_reports": _reports(trainee),
        },
        "trainee": {
            "name": trainee.full_name,
            "email": trainee.email,
            "gmc_number": trainee.registration_number,
        },
        "entries": sorted(entries, key=lambda e: (e["date"], e["uid"])),
        "badges": sorted(badges, key=lambda b: (b["issued_on"], b["uid"])),
    }
    return Portfolio(document=document, files=sorted(files, key=lambda f: f.path))


# --- Entries --------------------------------------------------------------------------------


def _entries(trainee):
    """The trainee's entries with everything they hold, in a fixed number of queries."""
    return (
        LearningEntry.objects.filter(trainee=trainee)
        .select_related("assessment__form")
        .prefetch_related(
            "tags",
            "mappings__item__framework",
            Prefetch("evidence", queryset=Evidence.objects.filter(state=Evidence.State.READY)),
            Prefetch(
                "sign_off_requests",
                queryset=SignOffRequest.objects.select_related(
                    "supervisor", "sign_off__withdrawal"
                ),
            ),
            Prefetch("attested_sign_offs", queryset=AttestedSignOff.objects.all()),
        )
    )


def _assessment(entry: LearningEntry) -> dict | None:
    """The form, answers and assessor of an assessment entry. None for other entries, and
    for assessment entries imported from an archive, whose assessment stayed at the site
    that completed it."""
    try:
        assessment = entry.assessment
    except Assessment.DoesNotExist:
        return None
    return {
        "form": assessment.form.code,
        "form_name": assessment.form.name,
        "assessment_type": assessment.assessment_type,
        "state": assessment.state,
        "answers": assessment.answers,
        "by_ticket": assessment.by_ticket,
        "assessor": {
            "name": assessment.assessor_name,
            "role": assessment.assessor_role,
            "gmc_number": assessment.assessor_gmc_number,
            "comment": assessment.assessor_comment,
        },
        "completed_at": moment(assessment.completed_at),
    }


def _entry(entry: LearningEntry, files: list[ArchiveFile]) -> dict:
    requests = [_request(r) for r in entry.sign_off_requests.all()]
    requests += [_attested(a) for a in entry.attested_sign_offs.all()]
    return {
        "uid": str(entry.uid),
        "kind": entry.kind,
        "title": entry.title,
        "date": day(entry.date),
        "time": entry.time.isoformat() if entry.time else None,
        "duration_minutes": entry.duration_minutes,
        "cpd_credits": f"{entry.cpd_credits:.2f}",
        "provider": entry.provider,
        "location": entry.location,
        "description": entry.description,
        "tags": sorted(tag.name for tag in entry.tags.all()),
        "reflection": {
            "what_happened": entry.reflection_what_happened,
            "learned": entry.reflection_learned,
            "next_time": entry.reflection_next_time,
            "shared": entry.reflection_shared,
        },
        "mappings": sorted(
            (
                {
                    "framework": m.item.framework.slug,
                    "version": m.item.framework.version,
                    "item": m.item.code,
                }
                for m in entry.mappings.all()
            ),
            key=lambda m: (m["framework"], m["version"], m["item"]),
        ),
        "evidence": sorted(
            (_evidence(e, files) for e in entry.evidence.all()), key=lambda e: e["uid"]
        ),
        "sign_off_requests": sorted(requests, key=lambda r: (r["requested_at"], r["uid"])),
        **({"assessment": found} if (found := _assessment(entry)) else {}),
    }


def _evidence(evidence: Evidence, files: list[ArchiveFile]) -> dict:
    path = None
    if evidence.kind == Evidence.Kind.FILE:
        path = f"evidence/{evidence.uid}{PurePosixPath(evidence.file.name).suffix.lower()}"
        files.append(ArchiveFile(path, evidence.file.open))
    return {
        "uid": str(evidence.uid),
        "kind": evidence.kind,
        "title": evidence.title,
        "original_name": evidence.original_name,
        "content_type": evidence.content_type,
        "size": evidence.size if path else None,
        "sha256": evidence.sha256 if path else None,
        "file": path,
        "url": evidence.url or None,
    }


def _request(request: SignOffRequest) -> dict:
    sign_off = getattr(request, "sign_off", None)
    withdrawal = getattr(sign_off, "withdrawal", None) if sign_off else None
    return {
        "uid": str(request.uid),
        "site": settings.SITE_URL,
        "supervisor": {
            "name": str(request.supervisor),
            "gmc_number": request.supervisor.registration_number,
        },
        "requested_at": moment(request.requested_at),
        "outcome": request.outcome,
        "decided_at": moment(request.decided_at),
        "comment": request.comment,
        "sign_off": _sign_off(
            signed_at=sign_off.signed_at,
            content_hash=sign_off.content_hash,
            hash_version=sign_off.hash_version,
            comment=sign_off.comment,
            withdrawn_at=withdrawal.withdrawn_at if withdrawal else None,
            reason=withdrawal.reason if withdrawal else "",
        )
        if sign_off
        else None,
    }


def _attested(attested: AttestedSignOff) -> dict:
    return {
        "uid": str(attested.uid),
        "site": attested.site,
        "supervisor": {
            "name": attested.supervisor_name,
            "gmc_number": attested.supervisor_gmc_number,
        },
        "requested_at": moment(attested.requested_at),
        "outcome": attested.outcome,
        "decided_at": moment(attested.decided_at),
        "comment": attested.request_comment,
        "sign_off": _sign_off(
            signed_at=attested.signed_at,
            content_hash=attested.content_hash,
            hash_version=attested.hash_version,
            comment=attested.comment,
            withdrawn_at=attested.withdrawn_at,
            reason=attested.withdrawal_reason,
        )
        if attested.signed_at
        else None,
    }


def _sign_off(*, signed_at, content_hash, hash_version, comment, withdrawn_at, reason) -> dict:
    return {
        "signed_at": moment(signed_at),
        "content_hash": content_hash,
        "hash_version": hash_version,
        "comment": comment,
        "withdrawn": {"at": moment(withdrawn_at), "reason": reason} if withdrawn_at else None,
    }


# --- Badges ---------------------------------------------------------------------------------


def _badge_files(
    uid, files, assertion: dict | None, image, credential=None, jwt: str = "", extension="png"
) -> dict:
    """The badge's files in the archive: its Open Badges 2.0 assertion and baked image, and,
    where one was made, its Open Badges 3.0 credential in both forms. A badge from elsewhere
    may lack the assertion (a 3.0 credential) or the image (one added by its address)."""
    paths = {"assertion": None, "image": None}
    if assertion is not None:
        paths["assertion"] = f"badges/{uid}.json"
        files.append(ArchiveFile(paths["assertion"], lambda: assertion_bytes(assertion)))
    if image is not None:
        paths["image"] = f"badges/{uid}.{extension}"
        files.append(ArchiveFile(paths["image"], image))
    paths["credential"] = paths["credential_jwt"] = None
    if credential is not None:
        paths["credential"] = f"badges/{uid}.credential.json"
        files.append(ArchiveFile(paths["credential"], lambda: assertion_bytes(credential)))
    if jwt:
        paths["credential_jwt"] = f"badges/{uid}.credential.jwt"
        files.append(ArchiveFile(paths["credential_jwt"], lambda: jwt.encode()))
    return paths


def assertion_bytes(assertion: dict) -> bytes:
    return json.dumps(assertion, sort_keys=True, indent=2, ensure_ascii=False).encode()


def _awards(trainee, files) -> list[dict]:
    """Standing awards made here, each as its Open Badges 2.0 assertion and baked PNG."""
    awards = (
        Award.objects.standing()
        .filter(recipient=trainee)
        .select_related("badge_class__issuer", "awarded_by")
    )
    found = []
    for award in awards:
        assertion = assertion_document(award)
        png = bake_png(badge_png(award.badge_class), assertion_url(award))
        # Signed on first request for awards made before credentials were issued.
        credential = credential_for(award)
        found.append(
            {
                "uid": str(award.uid),
                "badge_name": award.badge_class.name,
                "issuer_name": award.badge_class.issuer.name,
                "issued_on": moment(award.issued_on),
                "expires": moment(award.expires),
                "site": settings.SITE_URL,
                "issuer_uri": issuer_url(award.badge_class.issuer),
                "achievement_uri": badge_class_url(award.badge_class),
                "public": award.public,
                **_badge_files(
                    award.uid,
                    files,
                    assertion,
                    lambda png=png: png,
                    credential.document,
                    credential.jwt,
                ),  # fmt: skip
            }
        )
    return found


def _external_badges(trainee, files) -> list[dict]:
    """Badges that arrived from elsewhere travel on exactly as they came, with the ids a
    rule or a trust's acceptance names them by and whether the trainee shows them."""
    return [
        {
            "uid": str(badge.uid),
            "badge_name": badge.badge_name,
            "issuer_name": badge.issuer_name,
            "issued_on": moment(badge.issued_on),
            "expires": moment(badge.expires),
            "site": badge.source,
            "issuer_uri": badge.issuer_uri,
            "achievement_uri": badge.achievement_uri,
            "public": badge.public,
            **_badge_files(
                badge.uid,
                files,
                badge.assertion,
                badge.image.open if badge.image else None,
                badge.credential,
                badge.credential_jwt,
                extension="svg" if badge.image.name.endswith(".svg") else "png",
            ),  # fmt: skip
        }
        for badge in ExternalBadge.objects.filter(trainee=trainee)
    ]


# --- Educational supervisors' reports ------------------------------------------------------


def _reports(trainee) -> list[dict]:
    """Signed reports on the trainee, with the counts and coverage kept when each was
    signed. Drafts are their supervisors', not the trainee's, and stay behind; another site
    importing the archive keeps none of them, as it keeps no enrolment."""
    return sorted(
        (
            {
                "uid": str(report.uid),
                "site": settings.SITE_URL,
                "programme": report.enrolment.programme.name,
                "organisation": report.enrolment.programme.organisation.name,
                "supervisor": {
                    "name": str(report.supervisor),
                    "gmc_number": report.supervisor.registration_number,
                },
                "period_start": day(report.period_start),
                "period_end": day(report.period_end),
                "signed_at": moment(report.signed_at),
                "content_hash": report.content_hash,
                "answers": [
                    {"key": question["key"], "question": question["label"], "answer": answer}
                    for question, answer in answered(report.questions, report.answers)
                ],
                "summary": report.summary,
            }
            for report in review_selectors.signed_reports_of(trainee)
        ),
        key=lambda r: (r["period_end"], r["uid"]),
    )


# --- What only the exporting site holds ----------------------------------------------------


def _enrolments(trainee) -> list[dict]:
    enrolments = Enrolment.objects.filter(trainee=trainee).select_related("programme__organisation")
    return sorted(
        (
            {
                "uid": str(e.uid),
                "programme": e.programme.name,
                "organisation": e.programme.organisation.name,
                "start_date": day(e.start_date),
                "end_date": day(e.end_date),
            }
            for e in enrolments
        ),
        key=lambda e: (e["start_date"], e["uid"]),
    )


def _progress(trainee) -> list[dict]:
    rows = Progress.objects.filter(trainee=trainee).select_related("badge_class")
    return sorted(
        (
            {
                "badge": p.badge_class.slug,
                "badge_name": p.badge_class.name,
                "current": p.current,
                "target": p.target,
                "label": p.label,
            }
            for p in rows
        ),
        key=lambda p: p["badge"],
    )
