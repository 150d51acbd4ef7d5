"""Pages of entries that cost the same at page 100 as at page 1.

A page far into a long list is found with OFFSET, and PostgreSQL must walk every row before
it. Walking the narrow (trainee, date, id) index is cheap; walking the table, as a query for
whole rows does, is not. So the page's ids are chosen first, by a subquery the index can
answer alone, and only those rows are read in full, in the same query.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet

from portfolio import selectors
from portfolio.models import LearningEntry


class EntryPaginator(Paginator):
    # How a page's rows are read in full: with what the entries page shows of each.
    read = staticmethod(selectors.entry_list)

    def __init__(self, entries: QuerySet[LearningEntry], per_page: int):
        self.entries = entries
        super().__init__(entries.values("pk"), per_page)

    def _get_page(self, ids, number, paginator):
        rows = self.entries.model.objects.filter(pk__in=ids).order_by(*self.ordering)
        return super()._get_page(self.read(rows), number, paginator)

    @property
    def ordering(self):
        return self.entries.query.order_by or self.entries.model._meta.ordering


def page_of_entries(entries: QuerySet[LearningEntry], number, per_page: int):
    """One page of `entries`, with what a list shows for each (selectors.entry_list);
    `number` as the request gave it (a bad or missing one gives the first or last page)."""
    return EntryPaginator(entries, per_page).get_page(number)
