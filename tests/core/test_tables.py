"""Every listing page draws its table, empty message and page links the same way."""

from django.core.paginator import Paginator
from django.template import Context, Template

TABLE = "{% table rows %}<tbody>{% for r in rows %}<tr><td>{{ r }}</td></tr>{% endfor %}</tbody>{% empty %}<p>None yet.</p>{% endtable %}"  # noqa: E501
PAGED = "{% paged_table page %}<tbody>{% for r in page %}<tr><td>{{ r }}</td></tr>{% endfor %}</tbody>{% empty %}<p>None yet.</p>{% endpaged_table %}"  # noqa: E501


def render(source, **context):
    return Template(source).render(Context(context))


def test_a_table_of_rows_is_wrapped_so_it_can_scroll():
    html = render(TABLE, rows=["<b>one</b>"])
    # Focusable, so that keyboard users can scroll a table wider than the screen.
    wrapped = '<div class="table-wrap" tabindex="0">\n<table>\n'
    assert wrapped + "<tbody><tr><td>&lt;b&gt;one&lt;/b&gt;</td>" in html
    assert "pagination" not in html


def test_no_rows_says_so_instead_of_an_empty_table():
    assert render(TABLE, rows=[]) == "<p>None yet.</p>"
    assert render(PAGED, page=Paginator([], 2).get_page(1)) == "<p>None yet.</p>"


def test_one_page_of_many_links_to_the_next():
    html = render(PAGED, page=Paginator(["a", "b", "c"], 2).get_page(1))
    assert "<td>a</td></tr><tr><td>b</td>" in html
    assert "<td>c</td>" not in html
    assert 'href="?page=2" rel="next"' in html
