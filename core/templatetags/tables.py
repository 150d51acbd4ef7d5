"""The one way pages draw a table of rows, with what to say when there are none:

    {% table rows %}
      <caption>…</caption><thead>…</thead><tbody>…</tbody>
    {% empty %}
      <p>There is nothing to list.</p>
    {% endtable %}

{% paged_table page %} … {% endpaged_table %} does the same for one page of a Paginator, and
adds the links to the other pages."""

from django import template

register = template.Library()


def _parse(parser, token, *, paged):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the rows to show")
    end = f"end{bits[0]}"
    table = parser.parse(("empty", end))
    empty = template.NodeList()
    if parser.next_token().contents == "empty":
        empty = parser.parse((end,))
        parser.delete_first_token()
    return TableNode(parser.compile_filter(bits[1]), table, empty, paged=paged)


@register.tag
def table(parser, token):
    return _parse(parser, token, paged=False)


@register.tag
def paged_table(parser, token):
    return _parse(parser, token, paged=True)


class TableNode(template.Node):
    def __init__(self, rows, table, empty, *, paged):
        self.rows, self.table, self.empty, self.paged = rows, table, empty, paged

    def render(self, context):
        rows = self.rows.resolve(context)
        if not (rows.object_list if self.paged else rows):
            return self.empty.render(context)
        wrapper = context.template.engine.get_template("includes/table.html")
        return wrapper.render(
            context.new({"table": self.table.render(context), "page": rows if self.paged else None})
        )
