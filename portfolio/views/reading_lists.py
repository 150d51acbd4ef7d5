"""Importing a reading list: upload the exported file, see what Waymark read from it, choose
which references to log as reading entries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.forms import form_data, form_files, submitted
from portfolio import reading_lists, selectors, services
from portfolio.forms import ReadingListImportForm, ReadingListUploadForm
from portfolio.models import Kind


@login_required
def reading_list_upload(request):
    form = ReadingListUploadForm(form_data(request), form_files(request))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Refused by its size before any of it is read into memory.
            if upload.size > reading_lists.MAX_FILE_BYTES:
                raise reading_lists.ReadingListError(
                    "The file is larger than 1 MB. Export fewer references at a time."
                )
            reading_list = reading_lists.read_reading_list(upload.read(), upload.name)
        except reading_lists.ReadingListError as error:
            form.add_error("file", str(error))
        else:
            token = reading_lists.sign_preview(reading_list, trainee_id=request.user.pk)
            return _preview(request, reading_list, token=token)
    return render(request, "portfolio/reading_list_upload.html", {"form": form})


@login_required
@require_POST
def reading_list_import(request):
    try:
        reading_list = reading_lists.open_preview(
            request.POST.get("preview", ""), trainee_id=request.user.pk
        )
    except reading_lists.PreviewExpired as error:
        messages.error(request, str(error))
        return redirect("portfolio:reading_list_upload")
    return _preview(request, reading_list, data=request.POST)


def _preview(request, reading_list, *, token=None, data=None):
    """The references read from the file, to choose from; on a valid choice, the import."""
    already = selectors.reading_list_identities(request.user, reading_list.references)
    form = ReadingListImportForm(
        data, initial={"preview": token}, reading_list=reading_list, already_logged=already
    )

    def log(data):
        return services.import_references(
            actor=request.user,
            references=[reading_list.references[i] for i in data["chosen"]],
            read_on=data["read_on"],
        )

    if imported := submitted(form, log):
        count = len(imported.logged)
        messages.success(
            request,
            f"Logged {count} reading entr{'y' if count == 1 else 'ies'}."
            + (
                f" {len(imported.already_logged)} were already in your portfolio."
                if imported.already_logged
                else ""
            ),
        )
        return redirect(f"{reverse('portfolio:entry_list')}?kind={Kind.READING}")
    chosen = {str(value) for value in (form["chosen"].value() or [])}
    return render(
        request,
        "portfolio/reading_list_preview.html",
        {
            "form": form,
            "reading_list": reading_list,
            "format": reading_lists.FORMATS[reading_list.format],
            "references": [
                {
                    "index": index,
                    "reference": reference,
                    "already_logged": reference.identity in already,
                    "chosen": str(index) in chosen,
                }
                for index, reference in enumerate(reading_list.references)
            ],
            "already_count": len(already),
            "loggable_count": len(reading_list.references) - len(already),
        },
    )
