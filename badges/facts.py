"""Gathering the facts badge rules ask for: one query per distinct fact, however long the
trainee's history, so evaluation costs the same for 1 entry or 2,000."""

from datetime import date

from django.db.models import Count, Q, Sum
from django.utils import timezone

from curriculum.models import Item
from curriculum.selectors import descendant_ids
from portfolio.models import EntryItem, LearningEntry, Status, Tag
from portfolio.tags import normal_tag
from teaching.models import TeachingSession


def resolve_items(refs: set[str]) -> dict[str, set[int]]:
    """For each 'slug/version/CODE' reference, the ids of that item and everything under
    it. Two queries for any number of references."""
    if not refs:
        return {}
    wanted = [tuple(ref.split("/", 2)) for ref in refs]
    query = Q()
    for slug, version, _code in wanted:
        query |= Q(framework__slug=slug, framework__version=version)
    items = list(
        Item.objects.filter(query)
        .select_related("framework")
        .only("pk", "code", "parent_id", "framework__slug", "framework__version")
    )
    by_ref = {f"{i.framework.slug}/{i.framework.version}/{i.code}": i for i in items}
    found = {}
    for ref in refs:
        item = by_ref.get(ref)
        found[ref] = {item.pk, *descendant_ids(items, item.pk)} if item else set()
    return found


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


def _fact(trainee, request: tuple, items: dict[str, set[int]], tags: dict[str, set[int]]):
    kind = request[0]
    entries = LearningEntry.objects.filter(trainee=trainee)
    if kind == "event_count":
        _, kinds, tag_names, refs, signed_off_only, provider, since = request
        if kinds:
            entries = entries.filter(kind__in=kinds)
        if tag_names:
            entries = entries.filter(tags__in=set().union(*(tags.get(t, ()) for t in tag_names)))
        if refs:
            entries = entries.filter(mappings__item__in=set().union(*(items[r] for r in refs)))
        if signed_off_only:
            entries = entries.filter(status=Status.SIGNED_OFF)
        if provider:
            entries = entries.filter(provider__iexact=provider)
        if since:
            entries = entries.filter(date__gte=since)
        return entries.aggregate(n=Count("pk", distinct=True))["n"]
    if kind == "cpd_credits":
        since = request[1]
        if since:
            entries = entries.filter(date__gte=since)
        return entries.aggregate(total=Sum("cpd_credits"))["total"] or 0
    if kind == "coverage":
        _, ref, minimum = request
        under = items[ref]
        # Leaves only: a parent is covered when everything beneath it is.
        parents = set(
            Item.objects.filter(pk__in=under, children__isnull=False).values_list("pk", flat=True)
        )
        targets = (under - parents) or under
        covered = (
            EntryItem.objects.filter(
                item__in=targets,
                trainee=trainee,
                entry__trainee=trainee,
                entry__status=Status.SIGNED_OFF,
            )
            .values("item")
            .annotate(n=Count("entry", distinct=True))
            .filter(n__gte=minimum)
            .count()
        )
        return (covered, len(targets))
    if kind == "attendance":
        _, programme_slug, mandatory_only = request
        sessions = TeachingSession.objects.filter(
            programme__slug=programme_slug, starts_at__lte=timezone.now()
        )
        if mandatory_only:
            sessions = sessions.filter(mandatory=True)
        counts = sessions.aggregate(
            total=Count("pk", distinct=True),
            attended=Count("attendances", filter=Q(attendances__trainee=trainee), distinct=True),
        )
        return (counts["attended"], counts["total"])
    raise ValueError(f"unknown fact {kind!r}")
