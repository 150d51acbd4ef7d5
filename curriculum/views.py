from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accounts import selectors as account_selectors
from accounts.models import Role
from core.forms import form_data, submitted
from core.site import public_document
from curriculum import documents, selectors, services
from curriculum.forms import (
    BulkRequirementForm,
    EndEnrolmentForm,
    EnrolmentForm,
    ProgrammeForm,
    RequirementForm,
)

# --- Public framework pages ------------------------------------------------------------------


def wants_json(request) -> bool:
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def negotiated(request, html, data_factory):
    """The same URL answers with a page or with JSON, as the client asks."""
    response = public_document(data_factory()) if wants_json(request) else html()
    patch_vary_headers(response, ["Accept"])
    return response


def framework_list(request):
    return render(request, "curriculum/framework_list.html", {"frameworks": selectors.frameworks()})


def framework_detail(request, slug, version):
    framework = selectors.access_framework(slug, version)
    items = list(framework.items.all())

    def html():
        query = request.GET.get("q", "").strip()
        matches = selectors.matching_ids(items, query) if query else set()
        items_by_id = {item.pk: item for item in items}
        context = {
            "framework": framework,
            "tree": selectors.item_tree(items),
            "item_count": len(items),
            "query": query,
            "matches": matches,
            "open_ids": selectors.ancestor_ids(items_by_id, matches),
            "other_versions": selectors.frameworks().filter(slug=slug).exclude(pk=framework.pk),
        }
        template = (
            "curriculum/_tree.html"
            if request.headers.get("HX-Request")
            else "curriculum/framework_detail.html"
        )
        return render(request, template, context)

    return negotiated(request, html, lambda: documents.framework_document(framework, items))


def item_detail(request, slug, version, code):
    framework = selectors.access_framework(slug, version)
    item = selectors.access_item(framework, code)
    children = list(item.children.all())

    def html():
        ancestors, parent = [], item.parent
        while parent is not None:  # frameworks are shallow; one query per level
            ancestors.insert(0, parent)
            parent = parent.parent
        return render(
            request,
            "curriculum/item_detail.html",
            {"framework": framework, "item": item, "children": children, "ancestors": ancestors},
        )

    return negotiated(
        request, html, lambda: documents.item_document(framework, item, item.parent, children)
    )


# --- Programme management (organisation admins) ---------------------------------------------


def _to_programme(slug, programme):
    """Where every change to a programme returns: its page."""
    return redirect("curriculum:programme_detail", slug=slug, programme_id=programme.pk)


@login_required
def programme_list(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    return render(
        request,
        "curriculum/manage/programme_list.html",
        {"organisation": organisation, "programmes": selectors.programmes_of(organisation)},
    )


@login_required
def programme_create(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    form = ProgrammeForm(form_data(request))
    if programme := submitted(
        form,
        lambda data: services.create_programme(
            actor=request.user, organisation=organisation, **data
        ),
    ):
        messages.success(
            request, f"Programme “{programme}” created. Now enrol trainees and set requirements."
        )
        return _to_programme(slug, programme)
    return render(
        request,
        "curriculum/manage/programme_form.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def programme_edit(request, slug, programme_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    initial = {
        "name": programme.name,
        "frameworks": list(programme.frameworks.all()),
        "start_date": programme.start_date,
        "end_date": programme.end_date,
    }
    form = ProgrammeForm(form_data(request), initial=initial)
    if submitted(
        form,
        lambda data: services.update_programme(actor=request.user, programme=programme, **data),
    ):
        messages.success(request, "Programme saved.")
        return _to_programme(slug, programme)
    return render(
        request,
        "curriculum/manage/programme_form.html",
        {"organisation": organisation, "form": form, "programme": programme},
    )


@login_required
def programme_detail(request, slug, programme_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    # A cohort starts on the same day; the id breaks the tie so that no enrolment shows on
    # two pages, or on none.
    enrolments = selectors.enrolments_in(programme).order_by("-start_date", "-pk")
    return render(
        request,
        "curriculum/manage/programme_detail.html",
        {
            "organisation": organisation,
            "programme": programme,
            "enrolments": Paginator(enrolments, 50).get_page(request.GET.get("page")),
            "requirements": selectors.requirements_of(programme),
            "today": timezone.localdate(),
        },
    )


@login_required
def enrolment_create(request, slug, programme_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    form = EnrolmentForm(
        form_data(request), trainees=account_selectors.users_with_role(organisation, Role.TRAINEE)
    )
    if enrolment := submitted(
        form,
        lambda data: services.enrol_trainee(actor=request.user, programme=programme, **data),
    ):
        messages.success(request, f"{enrolment.trainee} is enrolled.")
        return _to_programme(slug, programme)
    return render(
        request,
        "curriculum/manage/enrolment_form.html",
        {"organisation": organisation, "programme": programme, "form": form},
    )


@login_required
def enrolment_end(request, slug, programme_id, enrolment_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    enrolment = selectors.access_enrolment(programme, enrolment_id)
    form = EndEnrolmentForm(form_data(request))
    if ended := submitted(
        form,
        lambda data: services.end_enrolment(
            actor=request.user, enrolment=enrolment, end_date=data["end_date"]
        ),
    ):
        messages.success(request, f"{ended.trainee}'s enrolment ends on {ended.end_date:%d %b %Y}.")
        return _to_programme(slug, programme)
    return render(
        request,
        "curriculum/manage/enrolment_end.html",
        {
            "organisation": organisation,
            "programme": programme,
            "enrolment": enrolment,
            "form": form,
        },
    )


def _requirement_page(request, organisation, programme, form, bulk_form):
    """One page sets a requirement on an item or on a whole level: both forms are on it."""
    return render(
        request,
        "curriculum/manage/requirement_form.html",
        {
            "organisation": organisation,
            "programme": programme,
            "form": form,
            "bulk_form": bulk_form,
        },
    )


@login_required
def requirement_create(request, slug, programme_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    form = RequirementForm(form_data(request), items=selectors.items_of_programme(programme))
    if submitted(
        form,
        lambda data: services.set_requirement(actor=request.user, programme=programme, **data),
    ):
        messages.success(request, f"Requirement on {form.cleaned_data['item'].code} saved.")
        return _to_programme(slug, programme)
    return _requirement_page(request, organisation, programme, form, BulkRequirementForm())


@login_required
def requirement_bulk(request, slug, programme_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    bulk_form = BulkRequirementForm(form_data(request))
    if request.method == "POST" and bulk_form.is_valid():
        created = services.require_level(
            actor=request.user, programme=programme, **bulk_form.cleaned_data
        )
        messages.success(request, f"{created} requirement{pluralize(created)} added.")
        return _to_programme(slug, programme)
    form = RequirementForm(items=selectors.items_of_programme(programme))
    return _requirement_page(request, organisation, programme, form, bulk_form)


@login_required
def requirement_delete(request, slug, programme_id, requirement_id):
    organisation, programme = selectors.access_programme_for_admin(request.user, slug, programme_id)
    requirement = selectors.access_requirement(programme, requirement_id)
    if request.method == "POST":
        services.remove_requirement(actor=request.user, requirement=requirement)
        messages.success(request, f"The requirement on {requirement.item.code} is removed.")
        return _to_programme(slug, programme)
    return render(
        request,
        "curriculum/manage/requirement_delete.html",
        {"organisation": organisation, "programme": programme, "requirement": requirement},
    )
