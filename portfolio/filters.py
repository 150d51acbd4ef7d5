"""Filters for lists of learning entries, shared by the entries page and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import User
from core.forms import DateInput, PlainSelect
from curriculum.models import Framework, Item
from portfolio import selectors
from portfolio.models import Kind, LearningEntry, SignOffRequest, Status


class _ReadWhole(forms.models.ModelChoiceIterator):
    """Options read by iterating the queryset, not through queryset.iterator(): on
    PostgreSQL that is a server-side cursor, three round trips (declare, fetch, close) for a
    list the page reads whole anyway."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _ListedChoices(django_filters.fields.ModelChoiceIterator, _ReadWhole):
    """django-filter's iterator (which adds its null choice) over _ReadWhole's options."""


class _ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ListedChoices


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter whose options cost one query."""

    field_class = _ListedModelChoiceField


class EntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, empty_label="Any kind", widget=PlainSelect
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, empty_label="Any status", widget=PlainSelect
    )
    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=DateInput(),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=DateInput(),
    )
    item = ListedModelChoiceFilter(
        field_name="mappings__item",
        method="mapped_under",
        queryset=Item.objects.all(),
        label="Curriculum item",
        empty_label="Any item",
        widget=PlainSelect,
    )
    tag = django_filters.CharFilter(
        field_name="tags__name", lookup_expr="iexact", label="Tag", distinct=True
    )

    class Meta:
        model = LearningEntry
        fields = ["q", "kind", "status", "date_from", "date_to", "item", "tag"]

    def __init__(self, *args, trainee=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # Whose curricula the items come from: the list's trainee (a supervisor looking at
        # a supervisee's entries), else the user's own.
        owner = trainee or (user if user is not None and user.is_authenticated else None)
        if owner is not None:
            # Offer the items of the owner's curricula, not every item Waymark knows: only
            # what an option shows (no descriptions), and through a subquery of frameworks
            # rather than a join, so no DISTINCT over every item's row.
            self.filters["item"].queryset = Item.objects.filter(
                framework__in=Framework.objects.filter(programmes__enrolments__trainee=owner)
            ).only("pk", "code", "title")
        self.filters["item"].field.label_from_instance = lambda item: f"{item.code} {item.title}"

    def search(self, queryset, name, value):
        return selectors.search(queryset, value, user=getattr(self.request, "user", None))

    def mapped_under(self, queryset, name, value):
        # The page's field gives an Item, the API's an id.
        return selectors.mapped_under(queryset, getattr(value, "pk", value))


class SignOffQueueFilter(django_filters.FilterSet):
    """The sign-off queue narrowed by trainee, kind of entry, and how long it has waited."""

    WAITING = [(str(days), f"Waiting over {days} days") for days in (7, 14, 28)]

    trainee = ListedModelChoiceFilter(
        field_name="entry__trainee",
        label="Trainee",
        queryset=User.objects.none(),
        empty_label="All your trainees",
        widget=PlainSelect,
    )
    kind = django_filters.ChoiceFilter(
        field_name="entry__kind",
        label="Kind",
        choices=Kind.choices,
        empty_label="Any kind",
        widget=PlainSelect,
    )
    waiting = django_filters.ChoiceFilter(
        choices=WAITING,
        method="waiting_over",
        label="Waiting",
        empty_label="Any time",
        widget=PlainSelect,
    )

    class Meta:
        model = SignOffRequest
        fields = ["trainee", "kind", "waiting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the people the supervisor supervises today: their queue holds no one else's.
        self.filters["trainee"].queryset = User.objects.filter(
            pk__in=account_selectors.supervised_trainee_ids(self.request.user)
        ).order_by("full_name", "email")

    def waiting_over(self, queryset, name, value):
        return queryset.filter(requested_at__lt=timezone.now() - timedelta(days=int(value)))
