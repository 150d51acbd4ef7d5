from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts.models import Role
from badges import selectors, trust
from badges.forms import AwardForm, BadgeClassForm, IssuerForm, RevokeForm
from badges.services import awarding, badge_classes, public_profile
from core.errors import StateConflict
from core.forms import apply_errors, form_data, form_files, submitted
from portfolio import selectors as portfolio_selectors
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
            "external_badges": selectors.external_badges_of(user),
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
        public_profile.set_award_public(award=award, actor=request.user, public=public)
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
    public_profile.set_public_profile(trainee=request.user, actor=request.user, enabled=enabled)
    if enabled:
        messages.success(
            request, "Your public profile is on. It shows only the badges you choose to show."
        )
    else:
        messages.success(request, "Your public profile is off. Nobody can see it.")
    return redirect("badges:my_badges")


@login_required
def trainee_badges(request, trainee_id):
    """A supervised trainee's badges, for their supervisor: the Badges card of the trainee's
    portfolio page, which loads it in place with htmx (portfolio may not import badges), or a
    page of its own when the card's link is followed without JavaScript. Authorised as that
    page is: a supervisor of the trainee today, else 404."""
    trainee = portfolio_selectors.access_supervised_trainee(request.user, trainee_id)
    context = {"trainee": trainee, **selectors.supervised_trainee_badges(trainee)}
    if request.headers.get("HX-Request"):
        return render(request, "badges/_trainee_badges.html", context)
    return render(request, "badges/trainee_badges.html", context)


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
    if submitted(
        form,
        lambda data: badge_classes.update_issuer(
            organisation=organisation, actor=request.user, **data
        ),
    ):
        messages.success(request, "The issuer profile is saved.")
        return redirect("badges:org_badge_classes", slug=slug)
    return render(
        request,
        "badges/manage/issuer_form.html",
        {
            "organisation": organisation,
            "issuer": issuer,
            "form": form,
            **(trust.domain_card(issuer) if issuer else {}),
        },
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
    if badge_class := submitted(
        form,
        lambda _: badge_classes.create_badge_class(
            issuer=issuer, actor=request.user, **form.service_fields()
        ),
    ):
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
    if submitted(
        form,
        lambda _: badge_classes.update_badge_class(
            badge_class=badge_class, actor=request.user, **form.service_fields()
        ),
    ):
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
    awards_page = redirect(
        "badges:org_badge_class_awards", slug=slug, badge_class_id=badge_class.pk
    )
    trainees = account_selectors.users_with_role(organisation, Role.TRAINEE)
    if "choose" in request.POST:
        # "Show their entries": redisplay with the chosen trainee's signed-off entries.
        form = AwardForm(initial=request.POST.dict(), trainees=trainees)
    else:
        form = AwardForm(form_data(request), trainees=trainees)
    try:
        awarding.check_awardable(badge_class)
        if request.method == "POST" and "choose" not in request.POST and form.is_valid():
            trainee = form.cleaned_data["trainee"]
            awarding.award_badge(
                badge_class=badge_class,
                recipient=trainee,
                actor=request.user,
                narrative=form.cleaned_data["narrative"],
                entries=form.cleaned_data["entries"],
            )
            messages.success(request, f"{trainee} is awarded “{badge_class}”.")
            return awards_page
    except StateConflict as conflict:
        messages.error(request, str(conflict))
        return awards_page
    except ValidationError as error:
        apply_errors(form, error)
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
    form = RevokeForm(form_data(request))
    try:
        awarding.check_revocable(award)
        if request.method == "POST" and form.is_valid():
            awarding.revoke_award(
                award=award, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"{award.recipient}'s “{award.badge_class}” is revoked.")
            return awards_page
    except StateConflict as conflict:
        messages.info(request, str(conflict))
        return awards_page
    except ValidationError as error:
        apply_errors(form, error)
    return render(
        request,
        "badges/manage/award_revoke.html",
        {"organisation": organisation, "award": award, "form": form},
    )
