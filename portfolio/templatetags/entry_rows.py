"""The rows of an entries list, written here rather than by the template engine. A list page
shows up to twenty rows; resolving each row's thirty-odd variables and filters in the
engine was most of what a longer list cost, and a search's twenty hits cost half again as
much as a single one.

For the same reason a row is put together with `escape` rather than `format_html` (which
escapes through `conditional_escape` and formats twice over), and its labels come from
dictionaries made once."""

from django import template
from django.template.defaultfilters import floatformat, pluralize
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portfolio.models import Kind, Status

register = template.Library()

KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = dict(Status.choices)


@register.simple_tag
def entry_rows(entries, supervisee=None) -> SafeString:
    """`<li>` rows for entries read by portfolio.selectors.entry_list. With `supervisee`
    (the trainee whose list a supervisor reads), each row says whether its reflection is
    shared."""
    return mark_safe("\n".join(_row(entry, supervisee) for entry in entries))  # noqa: S308 (every part is escaped in _row)


def _row(entry, supervisee) -> str:
    credits = ""
    if entry.cpd_credits:
        amount = floatformat(entry.cpd_credits, "-2")
        credits = f" · {escape(amount)} credit{pluralize(entry.cpd_credits)}"
    return (
        '<li class="entry">'
        f'<a href="{escape(entry.get_absolute_url())}" class="entry-title">'
        f"{escape(entry.title)}</a> "
        f'<span class="entry-meta">{escape(KIND_LABELS.get(entry.kind, entry.kind))} · '
        f"{format_date(entry.date, 'j M Y')}{credits}</span> "
        f'<span class="badge status-{escape(entry.status)}">'
        f"{escape(STATUS_LABELS.get(entry.status, entry.status))}</span>"
        f"{_items(entry.listed_item_codes)}{_tags(entry.listed_tag_names)}"
        f"{_reflection(entry) if supervisee else ''}"
        "</li>"
    )


def _items(codes) -> str:
    if not codes:
        return ""
    spans = " ".join(f'<span class="code">{escape(code)}</span>' for code in codes)
    return f' <span class="entry-items">{spans}</span>'


def _tags(names) -> str:
    if not names:
        return ""
    return f' <span class="entry-tags">{" ".join(f"#{escape(name)}" for name in names)}</span>'


def _reflection(entry) -> str:
    if not entry.has_reflection:
        return ""
    shared = "Reflection shared with you" if entry.reflection_shared else "Reflection kept private"
    return f' <span class="entry-reflection">{shared}</span>'
