"""`{{ path|absolute }}` (a builtin on every page): a path on this site as the outside world
should see it.

Pages that show an address to copy (a public profile, an item's permanent address) use this
rather than the request's Host header, so they show the same address as badges and emails."""

from django import template

from core.site import absolute_url

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    return absolute_url(str(path))
