"""PlainSelect writes the same markup as Django's Select, without a template per option."""

import re

import pytest
from django import forms

from core.forms import PlainSelect

CHOICES = [
    ("", "Any item"),
    (1, "FPC1 Clinical assessment & management"),
    (2, 'A "quoted" <label>'),
    ("Other frameworks <x>", [(10, "GPC 1"), (11, "GPC 2")]),
]


def normal(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("value", [None, "", "2", 11])
def test_the_markup_is_djangos(value):
    attrs = {"id": "id_item", "required": True, "aria-describedby": "id_item_helptext"}
    django_made = forms.Select(choices=CHOICES).render("item", value, attrs)
    plain = PlainSelect(choices=CHOICES).render("item", value, attrs)
    assert normal(plain) == normal(django_made)


def test_labels_are_escaped():
    html = PlainSelect(choices=CHOICES).render("item", None)
    assert "<label>" not in html and "&lt;label&gt;" in html
    assert "Other frameworks &lt;x&gt;" in html
