"""The rows of an entries list, written here rather than by the template engine. A list page
shows up to twenty rows; resolving each row's thirty-odd variables and filters in the
engine was most of what a longer list cost, and a search's twenty hits cost half again as
much as a single one."""

from django import template
from django.template.defaultfilters import date, floatformat, pluralize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def entry_rows(entries, supervisee=None) -> SafeString:
    """`<li>` rows for entries read by portfolio.selectors.entry_list. With `supervisee`
    (the trainee whose list a supervisor reads), each row says whether its reflection is
    shared."""
    return format_html_join("\n", "{}", ((_row(entry, supervisee),) for entry in entries))


def _row(entry, supervisee) -> SafeString:
    credits = ""
    if entry.cpd_credits:
        credits = format_html(
            " · {} credit{}", floatformat(entry.cpd_credits, "-2"), pluralize(entry.cpd_credits)
        )
    return format_html(
        '<li class="entry">'
        '<a href="{}" class="entry-title">{}</a> '
        '<span class="entry-meta">{} · {}{}</span> '
        '<span class="badge status-{}">{}</span>{}{}{}'
        "</li>",
        entry.get_absolute_url(),
        entry.title,
        entry.get_kind_display(),
        date(entry.date, "j M Y"),
        credits,
        entry.status,
        entry.get_status_display(),
        _items(entry.listed_item_codes),
        _tags(entry.listed_tag_names),
        _reflection(entry) if supervisee else "",
    )


def _items(codes) -> SafeString:
    if not codes:
        return SafeString()
    return format_html(
        ' <span class="entry-items">{}</span>',
        format_html_join(" ", '<span class="code">{}</span>', ((code,) for code in codes)),
    )


def _tags(names) -> SafeString:
    if not names:
        return SafeString()
    tags = ((name,) for name in names)
    return format_html(' <span class="entry-tags">{}</span>', format_html_join(" ", "#{}", tags))


def _reflection(entry) -> SafeString:
    if not entry.has_reflection:
        return SafeString()
    shared = "Reflection shared with you" if entry.reflection_shared else "Reflection kept private"
    return format_html(' <span class="entry-reflection">{}</span>', shared)
