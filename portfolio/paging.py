"""Pages of entries that cost the same at page 100 as at page 1.

A page far into a long list is found with OFFSET, and PostgreSQL must walk every row before
it. Walking the narrow (trainee, date, id) index is cheap; walking the table, as a query for
whole rows does, is not. So the page's ids are chosen first, by a subquery the index can
answer alone, and only those rows are read in full, in the same query.

A search is the exception. Its words are checked against each of the trainee's entries
(PostgreSQL reads them by trainee and tests each stored vector), and counting the matches
and choosing the page would do that twice. So a search reads its matches' ids once, in the
list's order, and counts and pages them in hand: a search's matches are a handful of the
trainee's entries, and never more than all of them.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet

from portfolio import selectors
from portfolio.models import LearningEntry


class EntryPaginator(Paginator):
    # How a page's rows are read in full: with what the entries page shows of each.
    read = staticmethod(selectors.entry_list)

    def __init__(self, entries: QuerySet[LearningEntry], per_page: int, *, searched=False):
        self.entries = entries
        ids = entries.values_list("pk", flat=True)
        super().__init__(list(ids) if searched else ids, per_page)

    def _get_page(self, ids, number, paginator):
        rows = self.entries.model.objects.filter(pk__in=ids).order_by(*self.ordering)
        return super()._get_page(self.read(rows), number, paginator)

    @property
    def ordering(self):
        return self.entries.query.order_by or self.entries.model._meta.ordering


def page_of_entries(filterset, number, per_page: int):
    """One page of what the entry filters leave (all of their queryset while they are
    unbound or invalid), with what a list shows for each (selectors.entry_list); `number`
    as the request gave it (a bad or missing one gives the first or last page)."""
    valid = filterset.is_bound and filterset.is_valid()
    entries = filterset.qs if valid else filterset.queryset
    searched = valid and bool(filterset.form.cleaned_data.get("q"))
    return EntryPaginator(entries, per_page, searched=searched).get_page(number)
