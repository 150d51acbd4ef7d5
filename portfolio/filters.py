"""Filters for lists of learning entries, shared by the entries page and the API."""

import django_filters

from core.forms import DateInput, PlainSelect
from curriculum.models import Item
from portfolio import selectors
from portfolio.models import Kind, LearningEntry, Status


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
    item = django_filters.ModelChoiceFilter(
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            # Offer the items of the user's own curricula, not every item Waymark knows.
            self.filters["item"].queryset = Item.objects.filter(
                framework__programmes__enrolments__trainee=user
            ).distinct()
        self.filters["item"].field.label_from_instance = lambda item: f"{item.code} {item.title}"

    def search(self, queryset, name, value):
        return selectors.search(queryset, value, user=getattr(self.request, "user", None))

    def mapped_under(self, queryset, name, value):
        # The page's field gives an Item, the API's an id.
        return selectors.mapped_under(queryset, getattr(value, "pk", value))
