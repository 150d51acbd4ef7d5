"""Importing a portfolio archive into one's own account, and the published schema of the
archive's portfolio.json."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.forms import form_data, form_files
from core.site import absolute_url, public_document
from exports.forms import ImportForm
from exports.importer import import_portfolio
from exports.importer_checks import schema
from exports.reading import ArchiveRefused


@login_required
def import_page(request):
    """The signed-in trainee uploads an archive; the page says what arrived, or every
    problem that stopped it, having written nothing."""
    form = ImportForm(form_data(request), form_files(request))
    report = problems = None
    if form.is_bound and form.is_valid():
        try:
            report = import_portfolio(
                actor=request.user, trainee=request.user, archive_file=form.cleaned_data["archive"]
            )
        except ArchiveRefused as refused:
            problems = refused.problems
            form.add_error("archive", "This archive was not imported; nothing was changed.")
    status = 400 if form.is_bound and report is None else 200
    return render(
        request,
        "exports/import.html",
        {"form": form, "report": report, "problems": problems},
        status=status,
    )


@require_GET
def portfolio_schema(request):
    """The JSON Schema of portfolio.json, version 1, at its stable address."""
    path = reverse("exports:portfolio_schema")
    return public_document(
        {"$id": absolute_url(path), **schema()}, content_type="application/schema+json"
    )
