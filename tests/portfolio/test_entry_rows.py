"""The entries list's rows, written by portfolio's `entry_rows` tag: what each shows, escaped,
read from the lists portfolio.selectors.entry_list attached."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from portfolio import selectors
from portfolio.models import LearningEntry

pytestmark = pytest.mark.django_db


def rows(entries, supervisee=None) -> str:
    listed = selectors.entry_list(LearningEntry.objects.filter(pk__in=[e.pk for e in entries]))
    template = Template("{% load entry_rows %}{% entry_rows entries supervisee %}")
    listed.sort(key=lambda entry: entry.pk)
    return template.render(Context({"entries": listed, "supervisee": supervisee}))


def test_a_row_links_the_entry_and_shows_its_kind_date_credits_status_items_and_tags(log, fpcs):
    entry = log(
        title="Sepsis simulation",
        date="2026-11-02",
        cpd_credits=Decimal("1.50"),
        items=[fpcs["FPC12"], fpcs["FPC1"]],
        tags=["sepsis", "simulation"],
    )
    html = rows([entry])
    url = reverse("portfolio:entry_detail", args=[entry.pk])
    assert f'<a href="{url}" class="entry-title">Sepsis simulation</a>' in html
    assert (
        '<span class="entry-meta">Teaching session attended · 2 Nov 2026 · 1.50 credits</span>'
        in html
    )
    assert '<span class="badge status-draft">Not submitted</span>' in html
    assert html.count('<span class="code">') == 2
    assert '<span class="code">FPC12</span>' in html and '<span class="code">FPC1</span>' in html
    assert '<span class="entry-tags">#sepsis #simulation</span>' in html


def test_one_credit_is_singular_and_no_credits_are_left_out(log):
    one = log(title="One", cpd_credits=Decimal("1"))
    none = log(title="None", cpd_credits=Decimal("0"), duration_minutes=None)
    html = rows([one, none])
    assert "· 1 credit</span>" in html
    (row_without,) = [row for row in html.split("</li>") if ">None</a>" in row]
    assert "credit" not in row_without
    assert "entry-items" not in row_without and "entry-tags" not in row_without


def test_what_the_trainee_wrote_is_escaped(log):
    entry = log(title="<script>alert(1)</script>", tags=["<b>"])
    html = rows([entry])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "#&lt;b&gt;" in html


def test_only_a_supervisor_reading_a_trainees_list_is_told_about_reflections(log, enrolled_trainee):
    shared = log(title="Shared", reflection_learned="Listen first.", reflection_shared=True)
    private = log(title="Private", reflection_learned="Slow down.")
    bare = log(title="Bare")
    own = rows([shared, private, bare])
    assert "entry-reflection" not in own
    supervised = {
        row.split("</a>")[0].rsplit(">", 1)[1]: row
        for row in rows([shared, private, bare], supervisee=enrolled_trainee).split("</li>")
        if "</a>" in row
    }
    assert "Reflection shared with you" in supervised["Shared"]
    assert "Reflection kept private" in supervised["Private"]
    assert "entry-reflection" not in supervised["Bare"]
