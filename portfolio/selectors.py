"""Reads of learning entries, scoped to what the asking user may see."""

from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import Membership, Role, Supervision, User
from core.access import get_or_404
from curriculum import selectors as curriculum_selectors
from curriculum.models import Item
from portfolio import listing
from portfolio.models import (
    AttestedSignOff,
    EntryItem,
    EntrySearch,
    Evidence,
    LearningEntry,
    ReflectionView,
    SignOff,
    SignOffLink,
    SignOffRequest,
    Source,
    Status,
    SupervisorLastViewed,
    Tag,
)


def entries_visible_to(user) -> QuerySet[LearningEntry]:
    """A trainee's own entries, and the entries active supervisees have sent for sign-off
    or had completed by an assessor (drafts stay private); the API's list reads the same
    through entries_listed_for. Nobody else's."""
    if not user.is_authenticated:
        return LearningEntry.objects.none()
    # Whose entries first (the user and today's supervisees, one short subquery), then which
    # of theirs: this shape reads those people's rows through the trainee index. As "mine OR
    # (in that subquery AND not draft)", PostgreSQL scans the whole table instead.
    people = (
        User.objects.filter(pk=user.pk)
        .values("pk")
        .union(account_selectors.supervised_trainee_ids(user).order_by(), all=True)
    )
    return LearningEntry.objects.filter(
        Q(trainee_id__in=people) & (Q(trainee=user) | ~Q(status=Status.DRAFT))
    )


def entries_listed_for(user) -> QuerySet[LearningEntry]:
    """entries_visible_to's entries for a list read a page at a time, the supervisees read
    first and named: for someone who supervises nobody it is `trainee = me`, and PostgreSQL
    walks the (trainee, date) index to the page's last row, not sorting all of their rows."""
    if not user.is_authenticated:
        return LearningEntry.objects.none()
    supervised = list(
        account_selectors.supervised_trainee_ids(user).values_list("trainee", flat=True)
    )
    return LearningEntry.objects.filter(
        Q(trainee=user) | Q(trainee_id__in=supervised) & ~Q(status=Status.DRAFT)
    )


def own_entries(user) -> QuerySet[LearningEntry]:
    """All of the trainee's own entries, drafts too: read through the trainee index alone."""
    return LearningEntry.objects.filter(trainee=user)


def access_entry(user, entry_id, *, for_update: bool = False) -> LearningEntry:
    """The entry if `user` may see it, else 404 (never 403: others' entries do not exist)."""
    entries = entries_visible_to(user).select_related("trainee")
    if for_update:
        entries = entries.select_for_update(of=("self",))
    return get_or_404(entries, "No such entry.", pk=entry_id)


def access_own_entry(user, entry_id) -> LearningEntry:
    """An entry the user owns: for changes only the trainee may make."""
    return get_or_404(
        LearningEntry.objects.select_related("trainee"), "No such entry.", pk=entry_id, trainee=user
    )


def can_see_reflection(user, entry: LearningEntry) -> bool:
    return user.pk == entry.trainee_id or entry.reflection_shared


def allowed_items(trainee) -> QuerySet[Item]:
    """Items an entry may be mapped to: those of the frameworks of the trainee's programmes."""
    return Item.objects.filter(framework__programmes__enrolments__trainee=trainee).distinct()


def entry_detail(entry: LearningEntry) -> LearningEntry:
    """The entry with everything its page shows, in a fixed number of queries."""
    return (
        LearningEntry.objects.select_related("trainee")
        .prefetch_related(
            "tags",
            Prefetch("mappings", queryset=EntryItem.objects.select_related("item__framework")),
            "evidence",
            Prefetch(
                "sign_off_requests", queryset=SignOffRequest.objects.select_related("supervisor")
            ),
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.select_related(
                    "supervisor", "withdrawal__withdrawn_by", "link"
                ),
            ),
        )
        .get(pk=entry.pk)
    )


def reflection_views_of(entry: LearningEntry) -> QuerySet[ReflectionView]:
    """Who has read the shared reflection: each reader once, at their latest visit."""
    later = ReflectionView.objects.filter(
        entry=OuterRef("entry"), viewer=OuterRef("viewer")
    ).filter(
        Q(viewed_at__gt=OuterRef("viewed_at"))
        | Q(viewed_at=OuterRef("viewed_at"), pk__gt=OuterRef("pk"))
    )
    return (
        ReflectionView.objects.filter(entry=entry)
        .exclude(Exists(later))
        .select_related("viewer")
        .order_by("-viewed_at", "-pk")
    )


def evidence_of(entry: LearningEntry) -> QuerySet[Evidence]:
    return Evidence.objects.filter(entry=entry)


def access_evidence(user, evidence_id) -> Evidence:
    return _access_evidence(evidence_id, entry__in=entries_visible_to(user))


def access_own_evidence(user, evidence_id) -> Evidence:
    """Evidence of an entry the user owns: for changes only the trainee may make. A
    supervisor who can see the evidence finds no such thing to remove."""
    return _access_evidence(evidence_id, entry__trainee=user)


def _access_evidence(evidence_id, **scope) -> Evidence:
    return get_or_404(
        Evidence.objects.select_related("entry"), "No such file.", pk=evidence_id, **scope
    )


def evidence_bytes_of(trainee) -> int:
    return (
        Evidence.objects.filter(entry__trainee=trainee).aggregate(total=Sum("size"))["total"] or 0
    )


# --- Sign-off ---------------------------------------------------------------------------------


def current_sign_off(entry: LearningEntry) -> SignOff | None:
    """The entry's standing sign-off, if it has one. From the sign-offs the caller
    prefetched (with their withdrawal joined), so a list costs no query per entry;
    otherwise from the database."""
    prefetched = getattr(entry, "listed_sign_offs", None)  # as the API's lists read them
    if prefetched is None:
        prefetched = getattr(entry, "_prefetched_objects_cache", {}).get("sign_offs")
    if prefetched is not None:
        return next((s for s in prefetched if not hasattr(s, "withdrawal")), None)
    return entry.sign_offs.standing().select_related("supervisor").first()


def sign_off_by_link(token: str) -> SignOff:
    """The sign-off a public link points at, for anyone holding the link; else 404. With
    what its confirmation page shows and what checking its hash reads, in a fixed number of
    queries."""
    try:
        link = SignOffLink.objects.select_related(
            "sign_off__entry",
            "sign_off__supervisor",
            "sign_off__trainee",
            "sign_off__withdrawal",
        ).get(token=token)
    except SignOffLink.DoesNotExist:
        raise Http404("No such sign-off.") from None
    sign_off = link.sign_off
    sign_off.link = link
    # What the content hash covers besides the entry's own fields (its items are read by
    # the hash itself, with their frameworks).
    prefetch_related_objects([sign_off.entry], "tags", "evidence")
    return sign_off


def can_withdraw(actor, sign_off: SignOff) -> bool:
    """The supervisor who signed it, while they still supervise the trainee (on the
    trainee's request), or an admin of an organisation in which that supervision exists."""
    if actor.pk == sign_off.supervisor_id:
        return account_selectors.is_active_supervisor(actor, sign_off.trainee)
    organisations = Supervision.objects.filter(
        supervisor_id=sign_off.supervisor_id, trainee_id=sign_off.trainee_id
    ).values("organisation")
    return Membership.objects.filter(
        user=actor, role=Role.ADMIN, organisation__in=organisations
    ).exists()


# --- Lists ------------------------------------------------------------------------------------


REFLECTION_FIELDS = ("reflection_what_happened", "reflection_learned", "reflection_next_time")


# What a row of a list of entries shows: no descriptions (long text read for every row would
# be work for nothing). The reflections tell whether there is one (has_reflection).
LIST_FIELDS = ("trainee_id", "kind", "title", "date", "cpd_credits", "status",
               "reflection_shared", *REFLECTION_FIELDS)  # fmt: skip


def entry_list(queryset: QuerySet[LearningEntry]) -> list[LearningEntry]:
    """What a list shows of each entry, in three queries whatever their number: its tags'
    names and its items' codes in plain lists (`listed_tag_names`, `listed_item_codes`)."""
    entries = list(queryset.only(*LIST_FIELDS))
    ids = [entry.pk for entry in entries]
    listing.attach(entries, "tag_names", listing.tag_names(ids))
    listing.attach(entries, "item_codes", listing.item_links(ids, "item__code"))
    return entries


def mapped_under(queryset: QuerySet[LearningEntry], item_id: int) -> QuerySet[LearningEntry]:
    """Entries mapped to the item or to any item under it: an entry mapped to FPC1 counts
    towards HLO1, as coverage counts it."""
    framework = Item.objects.filter(pk=item_id).values("framework")
    tree = Item.objects.filter(framework__in=framework).only("pk", "parent_id")
    ids = {item_id} | curriculum_selectors.descendant_ids(tree, item_id)
    # Exists rather than a join: an entry mapped to several of the items is listed once.
    return queryset.filter(Exists(EntryItem.objects.filter(entry=OuterRef("pk"), item__in=ids)))


def search(queryset: QuerySet[LearningEntry], text: str, *, user=None) -> QuerySet[LearningEntry]:
    """Entries matching every word of `text` across title, description, provider, location
    and tags, and for the entry's own trainee their reflection too: reflections may hold what
    others must not find, even when shared. Full-text on PostgreSQL (stemmed, web-search
    syntax), a substring match per word elsewhere. Subqueries, not joins, so an entry is
    listed once and the query count does not grow."""
    owner_id = getattr(user, "pk", None)
    if connection.vendor == "postgresql":
        return _full_text_search(queryset, text, owner_id)
    words = text.split()
    for word in words:
        tagged = Tag.objects.filter(entries=OuterRef("pk"), name__icontains=word)
        public = (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(provider__icontains=word)
            | Q(location__icontains=word)
            | Q(Exists(tagged))
        )
        reflection = Q()
        for field in REFLECTION_FIELDS:
            reflection |= Q(**{f"{field}__icontains": word})
        if owner_id is not None:
            public |= Q(trainee_id=owner_id) & reflection
        queryset = queryset.filter(public)
    return queryset


def _full_text_search(queryset, text: str, owner_id) -> QuerySet[LearningEntry]:
    """Match the stored vectors (portfolio.EntrySearch, kept by the database): the owner's
    own entries by the vector with their reflection, their supervisees' by the shared one.
    websearch syntax ANDs the words, which may fall in different fields. Each side is
    looked up by trainee first (both GIN indexes lead with it), so a search reads only the
    matches of the people it may show, however many others' entries match."""
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery(text, search_type="websearch", config="english")
    if owner_id is None:
        return queryset.filter(search__shared=query)
    own = EntrySearch.objects.filter(trainee_id=owner_id, own=query).values("entry_id")
    supervised = EntrySearch.objects.filter(
        trainee_id__in=account_selectors.supervised_trainee_ids(owner_id), shared=query
    ).values("entry_id")
    return queryset.filter(pk__in=own.union(supervised, all=True))


def sign_off_queue(supervisor) -> QuerySet[SignOffRequest]:
    """Open requests addressed to the supervisor from trainees they still supervise."""
    return (
        SignOffRequest.objects.filter(
            supervisor=supervisor,
            outcome=SignOffRequest.Outcome.OPEN,
            entry__trainee__in=account_selectors.supervised_trainee_ids(supervisor),
        )
        .select_related("entry__trainee")
        .order_by("requested_at", "pk")
    )


def open_requests_of(trainee) -> QuerySet[SignOffRequest]:
    """The trainee's entries waiting for sign-off, whoever was asked, oldest first. For
    their active supervisors (checked by the caller): submitted entries are never drafts."""
    return (
        SignOffRequest.objects.filter(entry__trainee=trainee, outcome=SignOffRequest.Outcome.OPEN)
        .select_related("entry", "supervisor")
        .order_by("requested_at", "pk")
    )


def sign_offs_in(organisation) -> QuerySet[SignOff]:
    """Standing sign-offs given under the organisation's supervisions, for its admins, who
    may withdraw them. Entry titles and people only: admins do not read entries."""
    supervised_here = Supervision.objects.filter(
        organisation=organisation, supervisor=OuterRef("supervisor"), trainee=OuterRef("trainee")
    )
    return (
        SignOff.objects.standing()
        .filter(Exists(supervised_here))
        .select_related("entry", "trainee", "supervisor")
        .order_by("-signed_at", "-pk")
    )


def access_sign_off_in(organisation, sign_off_id) -> SignOff:
    return get_or_404(sign_offs_in(organisation), "No such sign-off.", pk=sign_off_id)


# --- Dashboard --------------------------------------------------------------------------------


def appraisal_year(today: date) -> tuple[date, date]:
    """UK medical appraisal years run 1 April to 31 March."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def cpd_target() -> int:
    return settings.CPD_ANNUAL_TARGET


def images_without_thumbnails(grace: timedelta = timedelta(minutes=2)) -> QuerySet[Evidence]:
    """Images whose thumbnail task never ran; younger ones may still be in the queue."""
    return Evidence.objects.filter(
        kind=Evidence.Kind.FILE,
        state=Evidence.State.READY,
        content_type__startswith="image/",
        thumbnail="",
        created_at__lt=timezone.now() - grace,
    )


def evidence_awaiting_processing(grace: timedelta = timedelta(minutes=2)) -> QuerySet[Evidence]:
    """Uploads still waiting to be processed; younger ones may still be in the queue."""
    return Evidence.objects.filter(
        state=Evidence.State.PROCESSING, created_at__lt=timezone.now() - grace
    ).order_by("created_at", "pk")


def evidence_being_processed(entry: LearningEntry) -> bool:
    return Evidence.objects.filter(entry=entry, state=Evidence.State.PROCESSING).exists()


# --- A supervisor's view of one trainee -------------------------------------------------------


def access_supervised_trainee(user, trainee_id) -> User:
    """A trainee `user` supervises today, else 404: another supervisor's trainee, a
    supervision that has ended and a fellow trainee are all "no such trainee". The one check
    of every page about a supervised trainee, portfolio's and badges' alike."""
    return get_or_404(
        User.objects,
        "No such trainee.",
        pk=trainee_id,
        pk__in=account_selectors.supervised_trainee_ids(user),
    )


def supervised_entries(supervisor, trainee) -> QuerySet[LearningEntry]:
    """The trainee's entries the supervisor may read: all but drafts."""
    return entries_visible_to(supervisor).filter(trainee=trainee)


def last_viewed_at(supervisor, trainee):
    """When the supervisor last opened the trainee's portfolio page; None if never."""
    return (
        SupervisorLastViewed.objects.filter(supervisor=supervisor, trainee=trainee)
        .values_list("viewed_at", flat=True)
        .first()
    )


def changed_since(supervisor, trainee, since) -> QuerySet[LearningEntry]:
    """The trainee's entries the supervisor may read that were logged, changed or sent for
    sign-off after `since`, latest change first. A submission changes the entry too;
    `submitted_since` tells the page which it was, as that is what a supervisor acts on."""
    submitted = SignOffRequest.objects.filter(entry=OuterRef("pk"), requested_at__gt=since)
    # The supervisor's own decision is no news to them: an entry whose latest change is
    # their sign-off or return (recorded just after the status it changed) is left out.
    own_decision = SignOffRequest.objects.filter(
        entry=OuterRef("pk"),
        supervisor=supervisor,
        outcome__in=[SignOffRequest.Outcome.APPROVED, SignOffRequest.Outcome.RETURNED],
        decided_at__gte=OuterRef("updated_at"),
    )
    return (
        supervised_entries(supervisor, trainee)
        .annotate(submitted_since=Exists(submitted))
        .filter(Q(updated_at__gt=since) | Q(submitted_since=True))
        .exclude(Q(submitted_since=False) & Exists(own_decision))
        .only("pk", "title", "kind", "date", "status", "created_at", "updated_at")
        .order_by("-updated_at", "-pk")
    )


def attested_sign_offs_of(entry: LearningEntry) -> list[AttestedSignOff]:
    """Sign-off requests the entry had at other sites, newest first. Their content hashes
    cannot be recomputed here: the formula covers the entry's and trainee's ids there."""
    return list(entry.attested_sign_offs.all())


def reading_list_identities(trainee, references) -> set[str]:
    """Which of these references (portfolio.reading_lists.Reference) are in the trainee's
    portfolio already, by their identity: logged from a reading list before, or logged by
    hand with the same DOI as a link (however the link writes it: doi.org or dx.doi.org,
    any case)."""
    references = list(references)
    found = set(
        LearningEntry.objects.filter(
            trainee=trainee,
            source=Source.READING_LIST,
            external_id__in=[r.identity for r in references],
        ).values_list("external_id", flat=True)
    )
    links = {}
    for reference in references:
        if reference.doi and reference.identity not in found:
            for written in (reference.doi, reference.doi_url.removeprefix("https://doi.org/")):
                for start in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
                              "http://dx.doi.org/"):  # fmt: skip
                    links[f"{start}{written}".lower()] = reference.identity
    if links:
        linked = (
            Evidence.objects.filter(entry__trainee=trainee, kind=Evidence.Kind.LINK)
            .annotate(lower_url=Lower("url"))
            .filter(lower_url__in=list(links))
            .values_list("lower_url", flat=True)
        )
        found.update(links[url] for url in linked)
    return found
