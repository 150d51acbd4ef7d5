"""Logging a trainee's chosen references from an imported reading list as reading entries,
each with its DOI link as evidence.

A reference is one entry per trainee however often the list is imported: the entry keeps the
reference's identity (its normalised DOI, or its title and year where it has none) as its
external id, under the source "reading list", and the database's unique constraint on
(trainee, source, external_id) makes that hold even for two imports at the same moment.
The DOI is kept there rather than found through the link evidence because a link can be
removed or edited while the entry stays, and because only a column can carry the
constraint."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from portfolio import selectors
from portfolio.models import Kind, LearningEntry, Source
from portfolio.reading_lists import Reference
from portfolio.services.entries import log_entry
from portfolio.services.evidence import add_link_evidence


@dataclass
class ReadingListImport:
    logged: list[LearningEntry] = field(default_factory=list)
    # References already in the portfolio, from an earlier import: left as they are.
    already_logged: list[Reference] = field(default_factory=list)


# A consortium paper can list hundreds of authors; the entry names the first few.
AUTHORS_SHOWN = 20


def entry_description(reference: Reference) -> str:
    authors = ", ".join(reference.authors[:AUTHORS_SHOWN])
    if len(reference.authors) > AUTHORS_SHOWN:
        authors += ", et al."
    lines = [
        ("Authors", authors),
        ("Journal", reference.journal),
        ("Year", str(reference.year or "")),
        ("DOI", reference.doi),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines if value)


@transaction.atomic
def import_references(
    *, actor, references: Sequence[Reference], read_on: date
) -> ReadingListImport:
    """Log each reference not yet in the actor's portfolio as a reading entry dated
    `read_on`, with its DOI (if any) as a link. All or nothing: one refused reference (a
    date in the future, say) logs none, and the error says which."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Only a trainee imports a reading list, into their own portfolio.")
    # One import at a time per trainee, so that what is read as already logged stays true
    # until this one commits. Two imports of overlapping lists would otherwise each hold a
    # new entry's unique key the other waits for, while waiting for the other's audit chain.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    result = ReadingListImport()
    known = selectors.reading_list_identities(actor, references)
    for reference in references:
        if reference.identity in known:
            result.already_logged.append(reference)
            continue
        entry, created = log_entry(
            actor=actor,
            kind=Kind.READING,
            title=reference.title,
            date=read_on,
            provider=reference.journal,
            description=entry_description(reference),
            source=Source.READING_LIST,
            external_id=reference.identity,
        )
        if not created:
            # Logged since `known` was read (through the API while this ran, say).
            result.already_logged.append(reference)
            continue
        known.add(reference.identity)
        if reference.doi:
            add_link_evidence(
                entry=entry, actor=actor, url=reference.doi_url, title=f"DOI {reference.doi}"
            )
        result.logged.append(entry)
    return result
