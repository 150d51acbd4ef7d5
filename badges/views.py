from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts.models import Role
from badges import selectors, services
from badges.forms import (
    AwardForm,
    BadgeClassForm,
    CheckInForm,
    IssuerForm,
    RegisterForm,
    RevokeForm,
    TeachingProgrammeForm,
    TeachingSessionForm,
)
from core.forms import apply_errors, form_data, form_files
from portfolio.models import Kind

PAGE_SIZE = 50


# --- A trainee's badges --------------------------------------------------------------------------


@login_required
def my_badges(request):
    user = request.user
    return render(
        request,
        "badges/my_badges.html",
        {
            "awards": selectors.awards_of(user),
            "progress": selectors.progress_of(user),
            "profile": selectors.public_profile_of(user),
        },
    )


@login_required
@require_POST
def award_visibility(request, award_id):
    award = selectors.access_own_award(request.user, award_id)
    public = request.POST.get("public") == "1"
    try:
        services.set_award_public(award=award, trainee=request.user, public=public)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        where = "shown on" if public else "hidden from"
        messages.success(request, f"“{award.badge_class}” is {where} your public profile.")
    return redirect("badges:my_badges")


@login_required
@require_POST
def profile_visibility(request):
    enabled = request.POST.get("enabled") == "1"
    services.set_public_profile(trainee=request.user, enabled=enabled)
    if enabled:
        messages.success(
            request, "Your public profile is on. It shows only the badges you choose to show."
        )
    else:
        messages.success(request, "Your public profile is off. Nobody can see it.")
    return redirect("badges:my_badges")


# A code has a million values and a session is open for a couple of hours: without a limit a
# script could find the code without being there.
CHECK_IN_ATTEMPTS = 10
CHECK_IN_LOCKOUT_SECONDS = 15 * 60


@login_required
def check_in(request):
    form = CheckInForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            attendance = _check_in_with_code(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"You are checked in to “{attendance.session.title}”. "
                "It is logged in your entries.",
            )
            return redirect("badges:check_in")
    return render(request, "badges/check_in.html", {"form": form})


def _check_in_with_code(trainee, code: str):
    failures = f"badges:check-in-failures:{trainee.pk}"
    if cache.get(failures, 0) >= CHECK_IN_ATTEMPTS:
        raise ValidationError({"code": "Too many wrong codes. Wait 15 minutes, then try again."})
    try:
        session = selectors.check_in_session(trainee, code)
        if session is None:
            raise ValidationError(
                {
                    "code": "No session of your organisations running now has that code. "
                    "Check the code on the screen."
                }
            )
        attendance = services.check_in(session=session, trainee=trainee, code=code)
    except ValidationError:
        cache.add(failures, 0, CHECK_IN_LOCKOUT_SECONDS)
        cache.incr(failures)
        raise
    cache.delete(failures)
    return attendance


# --- Issuer administration (organisation admins) -------------------------------------------------


@login_required
def issuer_edit(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    issuer = selectors.issuer_of(organisation)
    if issuer:
        initial = {
            "name": issuer.name,
            "url": issuer.url,
            "email": issuer.email,
            "description": issuer.description,
        }
    else:
        initial = {"name": organisation.name}
    form = IssuerForm(form_data(request), form_files(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_issuer(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The issuer profile is saved.")
            return redirect("badges:org_badge_classes", slug=slug)
    return render(
        request,
        "badges/manage/issuer_form.html",
        {"organisation": organisation, "issuer": issuer, "form": form},
    )


@login_required
def badge_class_list(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    return render(
        request,
        "badges/manage/badge_class_list.html",
        {
            "organisation": organisation,
            "issuer": selectors.issuer_of(organisation),
            "badge_classes": selectors.badge_class_list(organisation),
        },
    )


@login_required
def badge_class_create(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    issuer = selectors.issuer_of(organisation)
    if issuer is None:
        messages.info(request, "Set up your issuer profile first: every badge names its issuer.")
        return redirect("badges:org_issuer_edit", slug=slug)
    form = BadgeClassForm(
        form_data(request), form_files(request), items=selectors.alignable_items(organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            badge_class = services.create_badge_class(
                issuer=issuer, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Badge class “{badge_class}” created.")
            return redirect("badges:org_badge_classes", slug=slug)
    return render(
        request,
        "badges/manage/badge_class_form.html",
        {"organisation": organisation, "form": form, "kinds": Kind.choices},
    )


@login_required
def badge_class_edit(request, slug, badge_class_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    badge_class = selectors.access_badge_class_for_admin(organisation, badge_class_id)
    form = BadgeClassForm(
        form_data(request),
        form_files(request),
        initial=BadgeClassForm.initial_from(badge_class),
        items=selectors.alignable_items(organisation, badge_class),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_badge_class(
                badge_class=badge_class, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Badge class “{badge_class}” saved.")
            return redirect("badges:org_badge_classes", slug=slug)
    return render(
        request,
        "badges/manage/badge_class_form.html",
        {
            "organisation": organisation,
            "form": form,
            "badge_class": badge_class,
            "kinds": Kind.choices,
        },
    )


@login_required
def badge_class_awards(request, slug, badge_class_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    badge_class = selectors.access_badge_class_for_admin(organisation, badge_class_id)
    page = Paginator(selectors.awards_of_badge_class(badge_class), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "badges/manage/badge_class_awards.html",
        {"organisation": organisation, "badge_class": badge_class, "page": page},
    )


@login_required
def award_create(request, slug, badge_class_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    badge_class = selectors.access_badge_class_for_admin(organisation, badge_class_id)
    if not badge_class.is_active:
        messages.error(request, f"“{badge_class}” is not active. Make it active to award it.")
        return redirect("badges:org_badge_class_awards", slug=slug, badge_class_id=badge_class.pk)
    trainees = account_selectors.users_with_role(organisation, Role.TRAINEE)
    if "choose" in request.POST:
        # "Show their entries": redisplay with the chosen trainee's signed-off entries.
        form = AwardForm(initial=request.POST.dict(), trainees=trainees, badge_class=badge_class)
    else:
        form = AwardForm(form_data(request), trainees=trainees, badge_class=badge_class)
    if request.method == "POST" and "choose" not in request.POST and form.is_valid():
        trainee = form.cleaned_data["trainee"]
        services.award_badge(
            badge_class=badge_class,
            recipient=trainee,
            narrative=form.cleaned_data["narrative"],
            events=form.cleaned_data["events"],
            awarded_by=request.user,
        )
        messages.success(request, f"{trainee} is awarded “{badge_class}”.")
        return redirect("badges:org_badge_class_awards", slug=slug, badge_class_id=badge_class.pk)
    return render(
        request,
        "badges/manage/award_form.html",
        {"organisation": organisation, "badge_class": badge_class, "form": form},
    )


@login_required
def award_revoke(request, slug, award_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    award = selectors.access_award_for_admin(organisation, award_id)
    awards_page = redirect(
        "badges:org_badge_class_awards", slug=slug, badge_class_id=award.badge_class_id
    )
    if award.revoked_at:
        messages.info(request, "That badge is already revoked.")
        return awards_page
    form = RevokeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_award(award=award, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{award.recipient}'s “{award.badge_class}” is revoked.")
            return awards_page
    return render(
        request,
        "badges/manage/award_revoke.html",
        {"organisation": organisation, "award": award, "form": form},
    )


# --- Teaching programmes, sessions and registers (organisation admins) ---------------------------


@login_required
def teaching_programme_list(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    return render(
        request,
        "badges/manage/teaching_programme_list.html",
        {
            "organisation": organisation,
            "programmes": selectors.teaching_programme_list(organisation),
        },
    )


@login_required
def teaching_programme_create(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    form = TeachingProgrammeForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_teaching_programme(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Teaching programme “{programme}” created.")
            return redirect(
                "badges:teaching_programme_detail", slug=slug, programme_id=programme.pk
            )
    return render(
        request,
        "badges/manage/teaching_programme_form.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def teaching_programme_detail(request, slug, programme_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    programme = selectors.access_teaching_programme(organisation, programme_id)
    page = Paginator(selectors.sessions_of(programme), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "badges/manage/teaching_programme_detail.html",
        {"organisation": organisation, "programme": programme, "page": page},
    )


@login_required
def teaching_session_create(request, slug, programme_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    programme = selectors.access_teaching_programme(organisation, programme_id)
    form = TeachingSessionForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_teaching_session(
                programme=programme, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Session “{session.title}” created.")
            return redirect("badges:teaching_session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "badges/manage/teaching_session_form.html",
        {"organisation": organisation, "programme": programme, "form": form},
    )


@login_required
def teaching_session_detail(request, slug, session_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    session = selectors.access_teaching_session(organisation, session_id)
    return render(
        request,
        "badges/manage/teaching_session_detail.html",
        {
            "organisation": organisation,
            "session": session,
            "attendances": selectors.attendances_at(session),
            "window": services.check_in_window(session),
        },
    )


@login_required
def teaching_register(request, slug, session_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    session = selectors.access_teaching_session(organisation, session_id)
    form = RegisterForm(
        form_data(request), trainees=selectors.trainees_not_yet_at(organisation, session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            marked = services.mark_register(
                session=session, trainees=form.cleaned_data["trainees"], recorded_by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            count = len(marked)
            messages.success(request, f"{count} trainee{'' if count == 1 else 's'} marked present.")
            return redirect("badges:teaching_session_detail", slug=slug, session_id=session.pk)
    return render(
        request,
        "badges/manage/teaching_register.html",
        {
            "organisation": organisation,
            "session": session,
            "form": form,
            "attendances": selectors.attendances_at(session),
        },
    )
