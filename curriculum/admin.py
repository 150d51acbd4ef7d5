from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin
from curriculum import services
from curriculum.importers import ImportFailed
from curriculum.models import Enrolment, Framework, Item, Programme, Requirement

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Beyond this many problems, a page of messages helps nobody; the count is enough.
MAX_ERRORS_SHOWN = 50


class ImportFrameworkForm(forms.Form):
    file = forms.FileField(
        help_text="A Waymark JSON file, a CSV file (code,title,parent_code,description) "
        "or a 1EdTech CASE 1.0 package."
    )
    slug = forms.SlugField(
        required=False, max_length=80, help_text="Stable name shared by every version."
    )
    name = forms.CharField(required=False, max_length=200, help_text="Required for CSV.")
    version = forms.CharField(required=False, max_length=40, help_text="Required for CSV.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    """Frameworks change only by importing a file, so that a re-import always restores
    exactly what the file says."""

    list_display = ["name", "version", "slug", "publisher", "item_count", "updated_at"]
    search_fields = ["name", "slug", "publisher"]
    readonly_fields = ["items_link"]
    fields = [
        "name",
        "slug",
        "version",
        "items_link",
        "publisher",
        "source_url",
        "source",
        "licence",
        "notes",
        "external_id",
        "content_hash",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="Items", ordering="item_count")
    def item_count(self, framework):
        return framework.item_count

    @admin.display(description="Items")
    def items_link(self, framework):
        url = reverse("admin:curriculum_item_changelist") + f"?framework__id__exact={framework.pk}"
        return format_html('<a href="{}">{} items</a>', url, framework.item_count)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="curriculum_framework_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("curriculum.add_framework")

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ImportFrameworkForm(request.POST, request.FILES)
        else:
            form = ImportFrameworkForm()
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_framework_file(
                    actor=request.user,
                    filename=upload.name,
                    data=upload.read(),
                    slug=form.cleaned_data["slug"] or None,
                    name=form.cleaned_data["name"] or None,
                    version=form.cleaned_data["version"] or None,
                )
            except ImportFailed as e:
                messages.error(request, f"{upload.name} was not imported. Nothing was changed.")
                for error in e.errors[:MAX_ERRORS_SHOWN]:
                    messages.error(request, error)
                if len(e.errors) > MAX_ERRORS_SHOWN:
                    messages.error(
                        request, f"… and {len(e.errors) - MAX_ERRORS_SHOWN} more problems."
                    )
            else:
                messages.success(request, result.summary())
                return HttpResponseRedirect(
                    reverse("admin:curriculum_framework_change", args=[result.framework.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import a framework",
            "form": form,
        }
        return TemplateResponse(request, "admin/curriculum/framework/import.html", context)


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "framework", "parent"]
    list_filter = ["framework"]
    list_select_related = ["framework", "parent"]
    search_fields = ["code", "title"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "start_date", "end_date"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "programme", "start_date", "end_date"]
    list_filter = ["programme"]
    list_select_related = ["trainee", "programme"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["programme", "item", "min_entries", "signed_off_required"]
    list_filter = ["programme"]
    list_select_related = ["programme", "item"]
