"""Badges on pages of other apps, which must not import badges: `{% load badges %}`."""

from django import template

from badges import selectors, trust

register = template.Library()


@register.inclusion_tag("badges/_summary.html")
def badge_summary(user):
    """The dashboard's Badges card: latest awards and the closest badge under way (two
    queries, whatever the trainee holds)."""
    return selectors.dashboard_badges(user)


@register.simple_tag
def award_url(award, view_name):
    """`{% award_url award "badges:award_verify" as url %}`: the path of one of an award's public
    pages, or "" while that page does not exist."""
    return selectors.award_public_url(award, view_name) or ""


@register.inclusion_tag("badges/_issuer_trust.html")
def issuer_trust(issuer, full=False):
    """`{% issuer_trust issuer %}`: whether the issuer's domain is verified and whether it is
    a recognised body, in words; `full=True` adds the evidence for the mark. Costs no query
    when the issuer was loaded with badges.trust.related()."""
    return {"trust": trust.trust_of(issuer), "full": full}
