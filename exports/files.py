"""The one way a finished export leaves Waymark, for the page and the API alike."""

from django.http import FileResponse, Http404

from exports.models import Export


def file_response(export: Export) -> FileResponse:
    """The finished file, to its owner only (the caller checked), never cached. Opened
    through the storage API, which may be object storage."""
    if export.status != Export.Status.DONE or not export.file:
        raise Http404("This export is not ready.")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type="application/pdf" if export.format == Export.Format.PDF else "application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
