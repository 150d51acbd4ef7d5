"""Gathering the facts badge rules ask for: one query per distinct fact, however long the
trainee's history, so evaluation costs the same for 1 entry or 2,000. Each fact also says
what it found (dates, sign-offs, names), so that an award can record how it was met
without asking again."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
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


def tally(entries, *, with_credits: bool = False) -> Tally:
    """How many entries, how many signed off, their first and last dates and, when asked,
    their CPD credits, in one query. Distinct counts, as tag and item filters join many
    rows; credits are summed only over entries no filter has joined to other rows."""
    found = entries.aggregate(
        entries=Count("pk", distinct=True),
        signed_off=Count("pk", distinct=True, filter=has_standing_sign_off()),
        first=Min("date"),
        last=Max("date"),
        **({"credits": Sum("cpd_credits")} if with_credits else {}),
    )
    return Tally(
        entries=found["entries"],
        signed_off=found["signed_off"],
        first=found["first"],
        last=found["last"],
        credits=float(found.get("credits") or 0),
    )


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
    return {request: _fact(trainee, request, items, tags) for request in requests}


def tags_by_normal_name(trainee) -> dict[str, set[int]]:
    """The trainee's tags by their normal name. Tags are saved in normal form, but an entry
    under a standing sign-off keeps its tags as they were spelled when it was signed off (the
    sign-off vouches for them), so rules find those through their normal names. One query."""
    found: dict[str, set[int]] = {}
    for pk, name in Tag.objects.filter(entries__trainee=trainee).values_list("pk", "name"):
        found.setdefault(normal_tag(name), set()).add(pk)
    return found


def _fact(trainee, request: tuple, items: dict[str, ResolvedItem], tags: dict[str, set[int]]):
    kind = request[0]
    entries = LearningEntry.objects.filter(trainee=trainee)
    if kind == "event_count":
        _, kinds, tag_names, refs, signed_off_only, provider, since, types, by_ticket = request
        if kinds:
            entries = entries.filter(kind__in=kinds)
        if tag_names:
            entries = entries.filter(tags__in=set().union(*(tags.get(t, ()) for t in tag_names)))
        if refs:
            entries = entries.filter(mappings__item__in=set().union(*(items[r].ids for r in refs)))
        if signed_off_only:
            entries = entries.filter(has_standing_sign_off())
        if provider:
            entries = entries.filter(provider__iexact=provider)
        if since:
            entries = entries.filter(date__gte=since)
        if types or by_ticket is not None:
            # An assessment counts once its assessor has completed it.
            entries = entries.filter(assessment__state=Assessment.State.COMPLETED)
        if types:
            entries = entries.filter(assessment__assessment_type__in=types)
        if by_ticket is not None:
            entries = entries.filter(assessment__by_ticket=by_ticket)
        return tally(entries)
    if kind == "cpd_credits":
        _, signed_off_only, since = request
        # The entries that carry credits are the ones the credits came from.
        entries = entries.filter(cpd_credits__gt=0)
        if signed_off_only:
            entries = entries.filter(has_standing_sign_off())
        if since:
            entries = entries.filter(date__gte=since)
        return tally(entries, with_credits=True)
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
