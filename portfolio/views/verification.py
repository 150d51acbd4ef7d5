"""The public confirmation of a sign-off: whoever holds its link (printed with a QR code on
an exported portfolio) can check what was signed, by whom, when, and whether it still
stands. No login, and nothing else of the portfolio."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from portfolio import selectors
from portfolio.content import sign_off_matches
from portfolio.verification import qr_code_svg, sign_off_link

# Links are unguessable, but a search engine that finds one (pasted somewhere) must not
# make a trainee's sign-off searchable.
NOINDEX = "noindex, nofollow"


@require_safe
@cache_control(no_cache=True)
def sign_off_check(request, token):
    sign_off = selectors.sign_off_by_link(token)
    withdrawal = getattr(sign_off, "withdrawal", None)
    context = {
        "sign_off": sign_off,
        "entry": sign_off.entry,
        "withdrawal": withdrawal,
        # A withdrawn sign-off no longer vouches for anything: no need to compare.
        "content_matches": withdrawal is None and sign_off_matches(sign_off),
        "link": sign_off_link(sign_off),
    }
    response = render(request, "portfolio/sign_off_check.html", context)
    response["X-Robots-Tag"] = NOINDEX
    return response


@require_safe
@cache_control(max_age=3600, public=True)
def sign_off_qr_code(request, token):
    sign_off = selectors.sign_off_by_link(token)
    response = HttpResponse(qr_code_svg(sign_off_link(sign_off)), content_type="image/svg+xml")
    response["X-Robots-Tag"] = NOINDEX
    return response
