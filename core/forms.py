"""Helpers every app's HTML views use to pair forms with services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def form_data(request):
    """The submitted data on POST, else None. Not `request.POST or None`: a POST with
    nothing ticked (say, no role at all) is empty, yet must still be validated."""
    return request.POST if request.method == "POST" else None


def form_files(request):
    """Uploaded files on POST, else None, to go with form_data."""
    return request.FILES if request.method == "POST" else None


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submitted(form, action):
    """What `action(form.cleaned_data)` returns once the form is posted and valid; None
    before that, or when the service refuses with a ValidationError, which the form then
    shows. `action` calls one service, which returns what it changed."""
    if not (form.is_bound and form.is_valid()):
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return None


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO 8601 (2026-11-23) whatever the
    site's locale; a British-formatted value would show as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class PlainSelect(forms.Select):
    """A select written out in Python instead of through one template include per option.
    A curriculum filter offers hundreds of items, and Django's per-option contexts and
    templates cost more than the rest of the page put together. Same markup for a single
    choice with optional groups; not for multiple selection."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (v, " selected" if v in chosen else "", label)
                    for v, label in (("" if c is None else str(c), label) for c, label in choices)
                ),
            )

        written = []
        for choice, label in self.choices:
            if isinstance(label, list | tuple):
                written.append(
                    format_html('<optgroup label="{}">{}</optgroup>', choice, options(label))
                )
            else:
                written.append(options([(choice, label)]))
        # In the order given, as Django's attrs.html writes them.
        attrs = mark_safe(  # noqa: S308 - each part escaped by format_html
            "".join(
                format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value)
                for key, value in self.build_attrs(self.attrs, attrs).items()
                if value is not False and value is not None
            )
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            attrs,
            mark_safe("".join(written)),  # noqa: S308 - each part escaped above
        )
