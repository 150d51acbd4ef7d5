"""What a sign-off vouches for: an entry's content as plain data, and its hash.

Every sign-off records which version of this formula its hash was computed with, and is
checked again with that version: verify_audit and the entry pages compare it with the entry
as it stands now. A version, once sign-offs have been hashed with it, is never changed: any
change to what goes in, or to how it is spelled, would make every sign-off hashed with it
look altered. To cover more, add a version and make it the current one.

- Version 1: the entry's fields, tags, curriculum items, evidence (by file hash or link) and
  the reflection's text (as a hash).
- Version 2: everything the supervisor saw and relied on when signing. Version 1, and whether
  the reflection was shared with the supervisors (what decides whether they read it), and each
  piece of evidence's title and file name as the page listed them. Evidence is hashed as
  stored for good (an entry cannot be sent for sign-off while an upload is being processed);
  files Waymark refused are left out, as the supervisor never sees them.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from core.hashing import canonical_json, sha256
from curriculum.models import Item
from portfolio.models import SIGN_OFF_HASH_VERSION, Evidence, LearningEntry, SignOff, Tag

CURRENT_VERSION = SIGN_OFF_HASH_VERSION
VERSIONS = (1, 2)

CONTENT_FIELDS = (
    "kind", "title", "date", "time", "duration_minutes", "cpd_credits",
    "provider", "location", "description",
)  # fmt: skip


def canonical_content(
    entry: LearningEntry, *, version: int = CURRENT_VERSION, known: "Parts | None" = None
) -> dict:
    """What a sign-off vouches for, as plain data. Reflection text appears only as a hash,
    so the audit log can carry this without the reflection. `known` gives the entry's tags,
    items and evidence when the caller has just written them, instead of reading them back."""
    parts = known or Parts.of(entry)
    if version == 1:
        return _content_v1(entry, parts)
    if version == 2:
        return _content_v2(entry, parts)
    raise ValueError(f"No content hash version {version}.")


@dataclass(frozen=True)
class Parts:
    """An entry's related rows that its content covers. Items with their framework."""

    tags: list[Tag]
    items: list[Item]
    evidence: list[Evidence]

    @classmethod
    def of(cls, entry: LearningEntry) -> "Parts":
        return cls(
            tags=list(entry.tags.all()),
            items=[m.item for m in entry.mappings.select_related("item__framework")],
            evidence=list(entry.evidence.all()),
        )


def _item_names(items: list[Item]) -> list[str]:
    return sorted(f"{i.framework.slug}/{i.framework.version}/{i.code}" for i in items)


def _content_v1(entry: LearningEntry, parts: Parts) -> dict:
    # Frozen: the sign-offs of version 1 were hashed with exactly this.
    reflection = canonical_json(
        [entry.reflection_what_happened, entry.reflection_learned, entry.reflection_next_time]
    )
    return {
        "id": entry.pk,
        "trainee": entry.trainee_id,
        **{name: _plain(getattr(entry, name)) for name in CONTENT_FIELDS},
        "tags": sorted(t.name for t in parts.tags),
        "items": _item_names(parts.items),
        "evidence": sorted(e.sha256 or e.url for e in parts.evidence),
        "reflection_sha256": sha256(reflection),
    }


def _content_v2(entry: LearningEntry, parts: Parts) -> dict:
    # Frozen once released, like version 1.
    reflection = canonical_json(
        [entry.reflection_what_happened, entry.reflection_learned, entry.reflection_next_time]
    )
    # Evidence Waymark refused is no part of the entry: only its trainee sees that it was.
    evidence = [_evidence_v2(e) for e in parts.evidence if e.state != Evidence.State.REFUSED]
    return {
        "hash_version": 2,
        "id": entry.pk,
        "trainee": entry.trainee_id,
        **{name: _plain(getattr(entry, name)) for name in CONTENT_FIELDS},
        "tags": sorted(t.name for t in parts.tags),
        "items": _item_names(parts.items),
        "evidence": sorted(evidence, key=canonical_json),
        "reflection_sha256": sha256(reflection),
        "reflection_shared": entry.reflection_shared,
    }


def _evidence_v2(evidence: Evidence) -> dict:
    if evidence.kind == Evidence.Kind.LINK:
        return {"kind": "link", "url": evidence.url, "title": evidence.title}
    return {
        "kind": "file",
        "sha256": evidence.sha256,
        "title": evidence.title,
        "name": evidence.original_name,
    }


def _plain(value):
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value else "0"
    return value


def content_hash(
    entry: LearningEntry, *, version: int = CURRENT_VERSION, known: Parts | None = None
) -> str:
    return sha256(canonical_json(canonical_content(entry, version=version, known=known)))


def sign_off_matches(sign_off: SignOff) -> bool:
    """Whether the entry is still exactly what was signed off, by the version of the hash
    the sign-off was given with. A version Waymark does not know matches nothing."""
    if sign_off.hash_version not in VERSIONS:
        return False
    return content_hash(sign_off.entry, version=sign_off.hash_version) == sign_off.content_hash
