"""Issuers for support staff: what each one has proven, and the recognised-body mark, which
only staff give (through badges.services.recognition, like every other write)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from badges import trust
from badges.models import Issuer, IssuerRecognition
from badges.services import recognition
from core.access import get_or_404
from core.admin import ReadOnlyAdmin
from core.forms import apply_errors


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(choices=IssuerRecognition.Kind.choices, label="Recognised as")
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you relied on: a register, a letter, a call to a named office. "
        "Shown publicly beside the mark.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(help_text="Kept in the audit log.")


@admin.register(Issuer)
class IssuerAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "url", "standing", "recognised"]
    list_select_related = ["organisation", *trust.RELATED]
    search_fields = ["name", "url", "organisation__name"]
    readonly_fields = ["standing", "recognised", "recognition_link"]
    fields = [
        "name",
        "organisation",
        "url",
        "email",
        "description",
        "standing",
        "recognised",
        "recognition_link",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*trust.RELATED)

    @admin.display(description="Domain")
    def standing(self, issuer):
        return trust.trust_of(issuer).domain_in_words()

    @admin.display(description="Recognised as")
    def recognised(self, issuer):
        return trust.trust_of(issuer).recognised_as or "—"

    @admin.display(description="Recognised body")
    def recognition_link(self, issuer):
        url = reverse("admin:badges_issuer_recognition", args=[issuer.pk])
        return format_html('<a href="{}">Mark or change the recognised-body mark</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:issuer_id>/recognition/",
                self.admin_site.admin_view(self.recognition_view),
                name="badges_issuer_recognition",
            ),
            *super().get_urls(),
        ]

    def recognition_view(self, request, issuer_id):
        if not recognition.may_recognise(request.user):
            raise PermissionDenied
        issuer = get_or_404(Issuer.objects.select_related(*trust.RELATED), pk=issuer_id)
        current = getattr(issuer, "recognition", None)
        data = request.POST if request.method == "POST" else None
        withdrawing = data is not None and "withdraw" in data
        form = RecognitionForm(
            None if withdrawing else data,
            initial={"kind": current.kind, "evidence": current.evidence} if current else None,
        )
        withdraw = WithdrawForm(data if withdrawing else None)
        chosen = withdraw if withdrawing else form
        if chosen.is_bound and chosen.is_valid():
            try:
                if withdrawing:
                    recognition.withdraw_recognition(
                        issuer=issuer, actor=request.user, **withdraw.cleaned_data
                    )
                    messages.success(request, f"{issuer} is no longer marked as recognised.")
                else:
                    recognition.recognise_issuer(
                        issuer=issuer, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, f"{issuer} is marked as recognised.")
            except ValidationError as error:
                apply_errors(chosen, error)
            else:
                return HttpResponseRedirect(reverse("admin:badges_issuer_change", args=[issuer.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Recognised body: {issuer}",
            "issuer": issuer,
            "current": current,
            "form": form,
            "withdraw": withdraw,
        }
        return TemplateResponse(request, "admin/badges/issuer/recognition.html", context)
