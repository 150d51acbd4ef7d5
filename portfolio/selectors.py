"""Reads of learning events, scoped to what the asking user may see."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import Supervision
from portfolio.models import (
    EventItem,
    Evidence,
    LearningEvent,
    ReflectionView,
    SignOff,
    SignOffRequest,
    Status,
)


def events_visible_to(user) -> QuerySet[LearningEvent]:
    """A trainee's own entries, and the entries active supervisees have sent for sign-off
    (drafts stay private). Nobody else's."""
    if not user.is_authenticated:
        return LearningEvent.objects.none()
    supervised = account_selectors.supervised_trainee_ids(user)
    return LearningEvent.objects.filter(
        Q(trainee=user) | (Q(trainee__in=supervised) & ~Q(status=Status.DRAFT))
    )


def access_event(user, event_id, *, for_update: bool = False) -> LearningEvent:
    """The event if `user` may see it, else 404 (never 403: others' entries do not exist)."""
    events = events_visible_to(user).select_related("trainee")
    if for_update:
        events = events.select_for_update(of=("self",))
    try:
        return events.get(pk=event_id)
    except (LearningEvent.DoesNotExist, ValueError):
        raise Http404("No such entry.") from None


def access_own_event(user, event_id) -> LearningEvent:
    """An event the user owns: for changes only the trainee may make."""
    try:
        return LearningEvent.objects.select_related("trainee").get(pk=event_id, trainee=user)
    except (LearningEvent.DoesNotExist, ValueError):
        raise Http404("No such entry.") from None


def can_see_reflection(user, event: LearningEvent) -> bool:
    return user.pk == event.trainee_id or event.reflection_shared


def event_detail(event: LearningEvent) -> LearningEvent:
    """The event with everything its page shows, in a fixed number of queries."""
    return (
        LearningEvent.objects.select_related("trainee")
        .prefetch_related(
            "tags",
            Prefetch("mappings", queryset=EventItem.objects.select_related("item__framework")),
            "evidence",
            Prefetch(
                "sign_off_requests", queryset=SignOffRequest.objects.select_related("supervisor")
            ),
            Prefetch(
                "sign_offs",
                queryset=SignOff.objects.select_related("supervisor", "withdrawal__withdrawn_by"),
            ),
        )
        .get(pk=event.pk)
    )


def reflection_views_of(event: LearningEvent) -> QuerySet[ReflectionView]:
    return ReflectionView.objects.filter(event=event).select_related("viewer")


def evidence_of(event: LearningEvent) -> QuerySet[Evidence]:
    return Evidence.objects.filter(event=event)


def access_evidence(user, evidence_id) -> Evidence:
    try:
        return Evidence.objects.select_related("event").get(
            pk=evidence_id, event__in=events_visible_to(user)
        )
    except (Evidence.DoesNotExist, ValueError):
        raise Http404("No such file.") from None


def evidence_bytes_of(trainee) -> int:
    return (
        Evidence.objects.filter(event__trainee=trainee).aggregate(total=Sum("size"))["total"] or 0
    )


# --- Lists ------------------------------------------------------------------------------------


def event_list(queryset: QuerySet[LearningEvent]) -> QuerySet[LearningEvent]:
    """What a list of entries shows for each, fetched in a fixed number of queries."""
    return queryset.select_related("trainee").prefetch_related(
        "tags", Prefetch("mappings", queryset=EventItem.objects.select_related("item"))
    )


def search(queryset: QuerySet[LearningEvent], text: str) -> QuerySet[LearningEvent]:
    """Full-text search on PostgreSQL (stemmed, web-search syntax); a plain substring match
    elsewhere. Reflections are not searched: they may hold what others must not find."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "description", "provider", "location", weight="B", config="english"
        )
        return queryset.annotate(search=vector).filter(
            search=SearchQuery(text, search_type="websearch", config="english")
        )
    return queryset.filter(
        Q(title__icontains=text) | Q(description__icontains=text) | Q(provider__icontains=text)
    )


def sign_off_queue(supervisor) -> QuerySet[SignOffRequest]:
    """Open requests addressed to the supervisor from trainees they still supervise."""
    return (
        SignOffRequest.objects.filter(
            supervisor=supervisor,
            outcome=SignOffRequest.Outcome.OPEN,
            event__trainee__in=account_selectors.supervised_trainee_ids(supervisor),
        )
        .select_related("event__trainee")
        .order_by("requested_at", "pk")
    )


def sign_offs_in(organisation) -> QuerySet[SignOff]:
    """Standing sign-offs given under the organisation's supervisions, for its admins, who
    may withdraw them. Entry titles and people only: admins do not read entries."""
    supervised_here = Supervision.objects.filter(
        organisation=organisation, supervisor=OuterRef("supervisor"), trainee=OuterRef("trainee")
    )
    return (
        SignOff.objects.filter(Exists(supervised_here), withdrawal__isnull=True)
        .select_related("event", "trainee", "supervisor")
        .order_by("-signed_at", "-pk")
    )


def access_sign_off_in(organisation, sign_off_id) -> SignOff:
    try:
        return sign_offs_in(organisation).get(pk=sign_off_id)
    except (SignOff.DoesNotExist, ValueError):
        raise Http404("No such sign-off.") from None


# --- Dashboard --------------------------------------------------------------------------------


def appraisal_year(today: date) -> tuple[date, date]:
    """UK medical appraisal years run 1 April to 31 March."""
    start_year = today.year if today.month >= 4 else today.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def credits_by_month(trainee, start: date, end: date) -> list[tuple[date, Decimal]]:
    """CPD credits per month of [start, end], every month present (one query)."""
    totals = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["credits"]
        for row in LearningEvent.objects.filter(trainee=trainee, date__range=(start, end))
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(credits=Sum("cpd_credits"))
    }
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append((month, totals.get(month) or Decimal("0")))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def cpd_target() -> int:
    return settings.CPD_ANNUAL_TARGET


# --- Evidence counts for curriculum coverage ---------------------------------------------------


def evidence_counts(trainee, item_ids) -> dict[int, tuple[int, int]]:
    """For each item, how many of the trainee's entries map to it and how many of those are
    signed off. One aggregate query; registered with curriculum's coverage selector."""
    rows = (
        EventItem.objects.filter(event__trainee=trainee, item_id__in=item_ids)
        .values("item_id")
        .annotate(
            mapped=Count("event", distinct=True),
            signed=Count("event", filter=Q(event__status=Status.SIGNED_OFF), distinct=True),
        )
    )
    return {row["item_id"]: (row["mapped"], row["signed"]) for row in rows}


def images_without_thumbnails(grace: timedelta = timedelta(minutes=2)) -> QuerySet[Evidence]:
    """Images whose thumbnail task never ran; younger ones may still be in the queue."""
    return Evidence.objects.filter(
        kind=Evidence.Kind.FILE,
        content_type__startswith="image/",
        thumbnail="",
        created_at__lt=timezone.now() - grace,
    )
