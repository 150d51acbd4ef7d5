"""What a sign-off vouches for: an entry's content as plain data, and its hash.

The hash of every sign-off ever given was computed by these functions; verify_audit and the
entry pages compare it with the entry as it stands now. Any change to what goes in, or to how
it is spelled, makes every existing sign-off look altered.
"""

from datetime import date, time
from decimal import Decimal

from core.hashing import canonical_json, sha256
from portfolio.models import LearningEntry, SignOff

CONTENT_FIELDS = (
    "kind", "title", "date", "time", "duration_minutes", "cpd_credits",
    "provider", "location", "description",
)  # fmt: skip


def canonical_content(entry: LearningEntry) -> dict:
    """What a sign-off vouches for, as plain data. Reflection text appears only as a hash,
    so the audit log can carry this without the reflection."""
    reflection = canonical_json(
        [entry.reflection_what_happened, entry.reflection_learned, entry.reflection_next_time]
    )
    return {
        "id": entry.pk,
        "trainee": entry.trainee_id,
        **{name: _plain(getattr(entry, name)) for name in CONTENT_FIELDS},
        "tags": sorted(t.name for t in entry.tags.all()),
        "items": sorted(
            f"{m.item.framework.slug}/{m.item.framework.version}/{m.item.code}"
            for m in entry.mappings.select_related("item__framework")
        ),
        "evidence": sorted(e.sha256 or e.url for e in entry.evidence.all()),
        "reflection_sha256": sha256(reflection),
    }


def _plain(value):
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value else "0"
    return value


def content_hash(entry: LearningEntry) -> str:
    return sha256(canonical_json(canonical_content(entry)))


def sign_off_matches(sign_off: SignOff) -> bool:
    """Whether the entry is still exactly what was signed off."""
    return content_hash(sign_off.entry) == sign_off.content_hash
