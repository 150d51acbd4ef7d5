from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from accounts.selectors import access_organisation_for_admin
from core.forms import form_data, submitted
from teaching import selectors, services
from teaching.forms import CheckInForm, RegisterForm, TeachingProgrammeForm, TeachingSessionForm

PAGE_SIZE = 50


# --- Trainees ------------------------------------------------------------------------------------


@login_required
def check_in(request):
    form = CheckInForm(form_data(request))
    if attendance := submitted(
        form,
        lambda data: services.check_in(trainee=request.user, actor=request.user, code=data["code"]),
    ):
        messages.success(
            request,
            f"You are checked in to “{attendance.session.title}”. It is logged in your entries.",
        )
        return redirect("teaching:check_in")
    return render(request, "teaching/check_in.html", {"form": form})


# --- Programmes, sessions and registers (organisation admins) ------------------------------------


@login_required
def programme_list(request, slug):
    organisation = access_organisation_for_admin(request.user, slug)
    return render(
        request,
        "teaching/programme_list.html",
        {
            "organisation": organisation,
            "programmes": selectors.teaching_programme_list(organisation),
        },
    )


@login_required
def programme_create(request, slug):
    organisation = access_organisation_for_admin(request.user, slug)
    form = TeachingProgrammeForm(form_data(request))
    if programme := submitted(
        form,
        lambda data: services.create_teaching_programme(
            organisation=organisation, actor=request.user, **data
        ),
    ):
        messages.success(request, f"Teaching programme “{programme}” created.")
        return redirect("teaching:programme_detail", slug=slug, programme_id=programme.pk)
    return render(
        request, "teaching/programme_form.html", {"organisation": organisation, "form": form}
    )


@login_required
def programme_detail(request, slug, programme_id):
    organisation = access_organisation_for_admin(request.user, slug)
    programme = selectors.access_teaching_programme(organisation, programme_id)
    page = Paginator(selectors.sessions_of(programme), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "teaching/programme_detail.html",
        {"organisation": organisation, "programme": programme, "page": page},
    )


@login_required
def session_create(request, slug, programme_id):
    organisation = access_organisation_for_admin(request.user, slug)
    programme = selectors.access_teaching_programme(organisation, programme_id)
    form = TeachingSessionForm(form_data(request))
    if session := submitted(
        form,
        lambda data: services.create_teaching_session(
            programme=programme, actor=request.user, **data
        ),
    ):
        messages.success(request, f"Session “{session.title}” created.")
        return redirect("teaching:session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "teaching/session_form.html",
        {"organisation": organisation, "programme": programme, "form": form},
    )


@login_required
def session_detail(request, slug, session_id):
    organisation = access_organisation_for_admin(request.user, slug)
    session = selectors.access_teaching_session(organisation, session_id)
    return render(
        request,
        "teaching/session_detail.html",
        {
            "organisation": organisation,
            "session": session,
            "attendances": selectors.attendances_at(session),
            "window": session.check_in_window,
        },
    )


@login_required
def register(request, slug, session_id):
    organisation = access_organisation_for_admin(request.user, slug)
    session = selectors.access_teaching_session(organisation, session_id)
    form = RegisterForm(
        form_data(request), trainees=selectors.trainees_not_yet_at(organisation, session)
    )
    # The form asks for at least one trainee, so a register that was marked is never empty.
    if marked := submitted(
        form,
        lambda data: services.mark_register(
            session=session, trainees=data["trainees"], actor=request.user
        ),
    ):
        count = len(marked)
        messages.success(request, f"{count} trainee{'' if count == 1 else 's'} marked present.")
        return redirect("teaching:session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "teaching/register.html",
        {
            "organisation": organisation,
            "session": session,
            "form": form,
            "attendances": selectors.attendances_at(session),
        },
    )
