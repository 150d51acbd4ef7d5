"""Checks that what Waymark says was signed off is still what is stored."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F

from portfolio.content import sign_off_matches
from portfolio.models import EntryItem, SignOff


@dataclass
class Mismatch:
    sign_off_id: int
    entry_id: int
    title: str


def altered_sign_offs(batch_size: int = 500) -> Iterator[Mismatch]:
    """Every standing sign-off whose entry no longer hashes to what was signed."""
    standing = (
        SignOff.objects.standing()
        .select_related("entry")
        .prefetch_related("entry__tags", "entry__mappings__item__framework", "entry__evidence")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(standing.filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        for sign_off in batch:
            if not sign_off_matches(sign_off):
                yield Mismatch(sign_off.pk, sign_off.entry_id, sign_off.entry.title)
        last = batch[-1].pk


def first_altered_sign_off() -> str | None:
    mismatch = next(altered_sign_offs(), None)
    if mismatch is None:
        return None
    return (
        f"Entry #{mismatch.entry_id} “{mismatch.title}” no longer matches what was signed "
        f"off (sign-off #{mismatch.sign_off_id}): it was changed outside Waymark."
    )


def first_misattributed_item_link() -> str | None:
    """Item links carry their entry's trainee (for speed); a link whose copy disagrees would
    count towards the wrong person's coverage and badges."""
    wrong = (
        EntryItem.objects.exclude(trainee_id=F("entry__trainee_id"))
        .values_list("pk", "entry_id")
        .first()
    )
    if wrong is None:
        return None
    return (
        f"Item link #{wrong[0]} of entry #{wrong[1]} names a trainee other than the entry's: "
        "it was changed outside Waymark."
    )
