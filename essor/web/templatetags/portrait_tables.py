"""`{% table_rows section.rows perimeter %}`: the body rows of a portrait table.

Written in Python rather than with template loops: a custom perimeter of 650 communes has a
650-row sub-territories table, about 10 000 cells, and Django's template engine spent more time
on them (≈ 100 ms) than the portrait took to read."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(cell, header: bool, perimeter: str) -> str:
    text = escape(cell.text)
    if cell.href:
        text = f'<a href="{escape(cell.href)}?perimetre={escape(perimeter)}">{text}</a>'
    css = ' class="num"' if cell.numeric else ""
    if header:
        return f'<th scope="row"{css}>{text}</th>'
    return f"<td{css}>{text}</td>"


@register.simple_tag
def table_rows(rows, perimeter: str, columns: int) -> SafeString:
    if not rows:
        return mark_safe(
            f'<tr><td colspan="{columns}">Aucune donnée pour ce territoire dans ce périmètre.'
            "</td></tr>"
        )
    return mark_safe(
        "\n".join(
            "<tr>" + "".join(_cell(c, i == 0, perimeter) for i, c in enumerate(row)) + "</tr>"
            for row in rows
        )
    )
