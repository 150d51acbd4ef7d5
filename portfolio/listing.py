"""What a list of entries reads of each entry's relations: by the listed entries' ids, one
query per relation, into a plain list on each entry (`listed_<name>`).

Django's prefetching would make a model for every tag, item link and item, and a manager
per entry to reach them; a row shows only tag names and item codes (or, in the API, item
ids), so those are read as bare values. The ids go as one parameter (core.lookups.AnyOf):
a page of fifty costs little more than a page of five. An empty list reads nothing: a
filter on no ids sends no query."""

from collections import defaultdict
from collections.abc import Iterable

from core.lookups import AnyOf
from portfolio.models import EntryItem, LearningEntry


def attach(entries: Iterable[LearningEntry], name: str, pairs: Iterable[tuple]) -> None:
    """Give each entry `listed_<name>`: the values paired with its id, in the pairs' order
    (an empty list for an entry with none)."""
    found = defaultdict(list)
    for entry_id, value in pairs:
        found[entry_id].append(value)
    for entry in entries:
        setattr(entry, f"listed_{name}", found[entry.pk])


def tag_names(entry_ids: list[int]):
    """(entry id, tag name) of the entries' tags, names in alphabetical order."""
    return (
        LearningEntry.tags.through.objects.filter(AnyOf("learningentry_id", entry_ids))
        .order_by("tag__name")
        .values_list("learningentry_id", "tag__name")
    )


def item_links(entry_ids: list[int], field: str):
    """(entry id, `field` of the link: "item_id", "item__code") of the entries' mapped
    items, in the order they were mapped."""
    return (
        EntryItem.objects.filter(AnyOf("entry_id", entry_ids))
        .order_by("pk")
        .values_list("entry_id", field)
    )


def by_entry(rows):
    """(entry id, row) of rows that belong to an entry, for `attach`."""
    return ((row.entry_id, row) for row in rows)
