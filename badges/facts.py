"""Gathering the facts badge rules ask for in a fixed number of queries, however long the
trainee's history: every count of entries (event_count, cpd_credits) in one query, and one
query for each other distinct fact. Each fact also says
what it found (dates, sign-offs, names), so that an award can record how it was met
without asking again."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
)
from django.utils import timezone

from assessments.models import Assessment
from badges.evaluation import Attendance, Coverage, HeldElsewhere, Tally
from badges.models import ExternalBadge
from curriculum.models import Item
from curriculum.selectors import descendant_ids
from portfolio.models import EntryItem, LearningEntry, SignOff, Tag
from portfolio.tags import normal_tag
from teaching.models import TeachingSession


@dataclass(frozen=True)
class ResolvedItem:
    title: str
    # The item and everything under it; empty when no such item exists.
    ids: frozenset[int]


def resolve_items(refs: set[str]) -> dict[str, ResolvedItem]:
    """For each 'slug/version/CODE' reference, the item's title and the ids of that item
    and everything under it. One query for any number of references."""
    if not refs:
        return {}
    wanted = [tuple(ref.split("/", 2)) for ref in refs]
    query = Q()
    for slug, version, _code in wanted:
        query |= Q(framework__slug=slug, framework__version=version)
    items = list(
        Item.objects.filter(query)
        .select_related("framework")
        .only("pk", "code", "title", "parent_id", "framework__slug", "framework__version")
    )
    by_ref = {f"{i.framework.slug}/{i.framework.version}/{i.code}": i for i in items}
    found = {}
    for ref in refs:
        item = by_ref.get(ref)
        found[ref] = (
            ResolvedItem(item.title, frozenset({item.pk, *descendant_ids(items, item.pk)}))
            if item
            else ResolvedItem("", frozenset())
        )
    return found


def has_standing_sign_off(entry_ref: str = "pk") -> Exists:
    """Whether the entry (`entry_ref`, from the outer query) is under a sign-off nobody has
    withdrawn. The sign-off itself, not the entry's status: that is what a supervisor gave."""
    return Exists(SignOff.objects.standing().filter(entry=OuterRef(entry_ref)))


def gather(trainee, requests: set[tuple], today: date) -> dict[tuple, object]:
    item_refs = set()
    for request in requests:
        if request[0] == "event_count":
            item_refs.update(request[3])
        elif request[0] == "coverage":
            item_refs.add(request[1])
    items = resolve_items(item_refs)
    tags = (
        tags_by_normal_name(trainee)
        if any(r[0] == "event_count" and r[2] for r in requests)
        else {}
    )
    counted = [r for r in requests if r[0] in ENTRY_FACTS]
    found = tallies(trainee, {r: _entries_counted(trainee, r, items, tags) for r in counted})
    for request in requests:
        if request[0] not in ENTRY_FACTS:
            found[request] = _fact(trainee, request, items)
    return found


# Facts that count the trainee's entries: all of them are answered by one query.
ENTRY_FACTS = ("event_count", "cpd_credits")


def _signed_off_only(request: tuple) -> bool:
    """Whether an `event_count` or `cpd_credits` fact counts only signed-off entries."""
    return request[1] if request[0] == "cpd_credits" else request[4]


def _entries_counted(trainee, request: tuple, items, tags) -> Q:
    """Which of the trainee's entries an `event_count` or `cpd_credits` fact counts, as a
    condition on the entry's own row, leaving out whether it must be signed off (tallies
    reads that once for every fact). What lies in other tables (tags, items, assessments)
    is asked as `id IN (the trainee's matching rows)`, a subquery PostgreSQL runs once and
    hashes, rather than a join: a join would repeat entries and need a query of its own."""
    if request[0] == "cpd_credits":
        _, _, since = request
        # The entries that carry credits are the ones the credits came from.
        condition = Q(cpd_credits__gt=0)
        if since:
            condition &= Q(date__gte=since)
        return condition
    _, kinds, tag_names, refs, _, provider, since, types, by_ticket = request
    condition = Q()
    if kinds:
        condition &= Q(kind__in=kinds)
    if tag_names:
        wanted = set().union(*(tags.get(t, ()) for t in tag_names))
        tagged = LearningEntry.tags.through.objects.filter(
            tag__in=wanted, learningentry__trainee=trainee
        )
        condition &= Q(pk__in=tagged.values("learningentry"))
    if refs:
        wanted = set().union(*(items[r].ids for r in refs))
        mapped = EntryItem.objects.filter(trainee=trainee, item__in=wanted)
        condition &= Q(pk__in=mapped.values("entry"))
    if provider:
        condition &= Q(provider__iexact=provider)
    if since:
        condition &= Q(date__gte=since)
    if types or by_ticket is not None:
        # An assessment counts once its assessor has completed it.
        assessed = Assessment.objects.filter(
            entry__trainee=trainee, state=Assessment.State.COMPLETED
        )
        if types:
            assessed = assessed.filter(assessment_type__in=types)
        if by_ticket is not None:
            assessed = assessed.filter(by_ticket=by_ticket)
        condition &= Q(pk__in=assessed.values("entry"))
    return condition


def _signed_off(trainee):
    """The trainee's entries under a sign-off nobody has withdrawn: the sign-off itself, not
    the entry's status, is what a supervisor gave."""
    return SignOff.objects.standing().filter(trainee=trainee).values("entry")


def tallies(trainee, conditions: dict[tuple, Q]) -> dict[tuple, Tally]:
    """For each fact's condition, how many of the trainee's entries meet it (those under a
    standing sign-off only, for a fact that asks so), how many of those are signed off,
    their first and last dates and their CPD credits: every condition in one query. The
    database answers each condition once per entry, and the sums are made here: aggregates
    filtered by a condition would each carry its own copy of the condition's subqueries.
    Whether an entry is signed off is one column for all of them, not a subquery each."""
    if not conditions:
        return {}
    # An empty condition is every entry: there is nothing to ask the database.
    flags = {"signed": Q(pk__in=_signed_off(trainee))} | {
        f"meets_{n}": condition for n, condition in enumerate(conditions.values()) if condition
    }
    rows = (
        LearningEntry.objects.filter(trainee=trainee)
        .annotate(**{name: ExpressionWrapper(q, BooleanField()) for name, q in flags.items()})
        .values_list("date", "cpd_credits", *flags)
    )
    # Each fact's flag's place in a row (None: met by every entry), and whether it needs
    # the entry signed off. A row is (date, credits, signed, the flags…).
    columns = {name: 2 + n for n, name in enumerate(flags)}
    wanted = [
        (columns.get(f"meets_{n}"), _signed_off_only(request))
        for n, request in enumerate(conditions)
    ]
    counted = [{"entries": 0, "signed_off": 0, "dates": [], "credits": 0} for _ in conditions]
    for row in rows:
        day, credits, signed = row[0], row[1], row[2]
        for n, (column, needs_sign_off) in enumerate(wanted):
            met = column is None or row[column]
            if met and (signed or not needs_sign_off):
                found = counted[n]
                found["entries"] += 1
                found["signed_off"] += bool(signed)
                found["dates"].append(day)
                found["credits"] += credits or 0
    return {
        request: Tally(
            entries=found["entries"],
            signed_off=found["signed_off"],
            first=min(found["dates"], default=None),
            last=max(found["dates"], default=None),
            credits=float(found["credits"]),
        )
        for request, found in zip(conditions, counted, strict=True)
    }


def tags_by_normal_name(trainee) -> dict[str, set[int]]:
    """The trainee's tags by their normal name. Tags are saved in normal form, but an entry
    under a standing sign-off keeps its tags as they were spelled when it was signed off (the
    sign-off vouches for them), so rules find those through their normal names. One query."""
    found: dict[str, set[int]] = {}
    for pk, name in Tag.objects.filter(entries__trainee=trainee).values_list("pk", "name"):
        found.setdefault(normal_tag(name), set()).add(pk)
    return found


def _fact(trainee, request: tuple, items: dict[str, ResolvedItem]):
    """A fact that is not a count of entries: one query each."""
    kind = request[0]
    if kind == "coverage":
        _, ref, minimum = request
        under = items[ref].ids
        # Leaves only: a parent is covered when everything beneath it is.
        parents = set(
            Item.objects.filter(pk__in=under, children__isnull=False).values_list("pk", flat=True)
        )
        targets = (under - parents) or under
        covered = (
            EntryItem.objects.filter(
                # Both sides bounded by the trainee, so each is read through its index.
                item__in=targets,
                trainee=trainee,
                entry__trainee=trainee,
            )
            .filter(has_standing_sign_off("entry"))
            .values("item")
            .annotate(n=Count("entry", distinct=True))
            .filter(n__gte=minimum)
            .count()
        )
        return Coverage(covered=covered, total=len(targets), title=items[ref].title)
    if kind == "attendance":
        _, programme_slug, mandatory_only = request
        sessions = TeachingSession.objects.filter(
            programme__slug=programme_slug, starts_at__lte=timezone.now()
        )
        if mandatory_only:
            sessions = sessions.filter(mandatory=True)
        # Grouped by the programme (one: slugs are unique) to read its name in the same query.
        grouped = (
            sessions.order_by()
            .values("programme__name")
            .annotate(
                total=Count("pk", distinct=True),
                attended=Count(
                    "attendances", filter=Q(attendances__trainee=trainee), distinct=True
                ),
            )
        )
        counts = next(iter(grouped), None)
        if counts is None:
            return Attendance(attended=0, sessions=0)
        return Attendance(
            attended=counts["attended"],
            sessions=counts["total"],
            programme=counts["programme__name"],
        )
    if kind == "external_badge":
        _, issuer, achievement = request
        # Verified when last checked (on arrival, then daily), and not expired now.
        held = ExternalBadge.objects.filter(trainee=trainee, issuer_uri=issuer, verified=True)
        held = held.filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))
        if achievement:
            held = held.filter(achievement_uri=achievement)
        names = held.order_by("issued_on", "pk").values_list("badge_name", flat=True)
        return HeldElsewhere(tuple(names))
    raise ValueError(f"unknown fact {kind!r}")
