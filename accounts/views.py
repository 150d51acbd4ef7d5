from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import (
    EndSupervisionForm,
    InvitationSignupForm,
    InviteForm,
    ProfileForm,
    RolesForm,
    SupervisionForm,
    TokenForm,
)
from accounts.models import Role
from core.errors import StateConflict
from core.forms import apply_errors, form_data, submitted

PAGE_SIZE = 25


# --- Account -----------------------------------------------------------------------------


@login_required
def account(request):
    user = request.user
    form = ProfileForm(
        form_data(request),
        initial={"full_name": user.full_name, "registration_number": user.registration_number},
    )
    if submitted(form, lambda data: services.update_profile(user=user, actor=user, **data)):
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"form": form, "tokens": selectors.tokens_of(user), "token_form": TokenForm()},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def token_create(request):
    """Creating a token hands out account access, so allauth asks for the password again
    if it has not been entered in the last few minutes. The page that shows the new token
    must not be kept by the browser or any cache: it is the only copy there will be."""
    form = TokenForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        token, secret = services.create_personal_access_token(
            user=request.user,
            actor=request.user,
            name=form.cleaned_data["name"],
            expires_in=form.expires_in(),
        )
        return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_key):
    """GET asks for confirmation; POST revokes. Another user's token is a 404."""
    token = selectors.access_token(request.user, token_key)
    if request.method == "POST":
        services.revoke_personal_access_token(token=token, actor=request.user)
        messages.success(
            request, f"The token “{token.name}” is revoked. Systems using it can no longer sign in."
        )
        return redirect("accounts:account")
    return render(request, "accounts/token_revoke.html", {"token": token})


# --- Organisations (admins only) ------------------------------------------------------------


@login_required
def organisation_list(request):
    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": selectors.organisations_administered_by(request.user)},
    )


@login_required
def members(request, slug):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    page = Paginator(selectors.members_of(organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "page": page,
            "invitations": selectors.invitations_of(organisation).pending(),
            "invite_form": InviteForm(),
        },
    )


@login_required
def invite(request, slug):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    form = InviteForm(form_data(request))
    if invitation := submitted(
        form,
        lambda data: services.invite_member(organisation=organisation, actor=request.user, **data),
    ):
        messages.success(
            request,
            f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()}.",
        )
        return redirect("accounts:members", slug=organisation.slug)
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


@login_required
def invitation_revoke(request, slug, invitation_id):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    invitation = selectors.access_invitation(organisation, invitation_id)
    if request.method == "POST":
        try:
            services.revoke_invitation(invitation=invitation, actor=request.user)
        except StateConflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The invitation to {invitation.email} is revoked.")
        return redirect("accounts:members", slug=organisation.slug)
    return render(
        request,
        "accounts/invitation_revoke.html",
        {"organisation": organisation, "invitation": invitation},
    )


@login_required
def member_roles(request, slug, user_id):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    member = selectors.access_member(organisation, user_id)
    current = {m.role for m in member.org_memberships}
    form = RolesForm(form_data(request), initial={"roles": sorted(current)})
    if submitted(
        form,
        lambda data: services.set_member_roles(
            organisation=organisation, user=member, roles=set(data["roles"]), actor=request.user
        ),
    ):
        messages.success(request, f"Roles for {member} are saved.")
        if not selectors.is_admin_of(request.user, organisation):
            # An admin who has just stepped down can no longer open the members page.
            return redirect("accounts:organisation_list")
        return redirect("accounts:members", slug=organisation.slug)
    return render(
        request,
        "accounts/member_roles.html",
        {"organisation": organisation, "member": member, "form": form},
    )


@login_required
def supervisions(request, slug):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    supervisions = selectors.supervisions_in(organisation)
    page = Paginator(supervisions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/supervisions.html",
        {"organisation": organisation, "page": page, "today": timezone.localdate()},
    )


@login_required
def supervision_start(request, slug):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    form = SupervisionForm(
        form_data(request),
        supervisors=selectors.users_with_role(organisation, Role.SUPERVISOR),
        trainees=selectors.users_with_role(organisation, Role.TRAINEE),
    )
    if supervision := submitted(
        form,
        lambda data: services.start_supervision(
            organisation=organisation, actor=request.user, **data
        ),
    ):
        messages.success(request, f"Started: {supervision}.")
        return redirect("accounts:supervisions", slug=organisation.slug)
    return render(
        request, "accounts/supervision_start.html", {"organisation": organisation, "form": form}
    )


@login_required
def supervision_end(request, slug, supervision_id):
    organisation = selectors.access_organisation_for_admin(request.user, slug)
    supervision = selectors.access_supervision(organisation, supervision_id)
    form = EndSupervisionForm(form_data(request))
    if submitted(
        form,
        lambda data: services.end_supervision(
            supervision=supervision, end_date=data["end_date"], actor=request.user
        ),
    ):
        messages.success(request, f"Ended: {supervision}.")
        return redirect("accounts:supervisions", slug=organisation.slug)
    return render(
        request,
        "accounts/supervision_end.html",
        {"organisation": organisation, "supervision": supervision, "form": form},
    )


# --- Accepting an invitation ----------------------------------------------------------------


def invitation(request, token):
    """The link in an invitation email. It attaches the invitation to the signed-in account
    with the invited address, or creates that account."""
    invitation = selectors.invitation_from_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    context = {"invitation": invitation}
    if invitation.status != "pending":
        return render(request, "accounts/invitation.html", context, status=410)

    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation=invitation, actor=user)
            except (StateConflict, PermissionDenied) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"You have joined {invitation.organisation.name}.")
                return redirect("portfolio:dashboard")
        context["address_matches"] = selectors.is_invited_address(invitation=invitation, user=user)
        return render(request, "accounts/invitation.html", context)

    account_exists = selectors.account_exists(invitation.email)
    form = None
    if not account_exists:
        form = InvitationSignupForm(form_data(request), email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                new_user = services.create_account_from_invitation(
                    invitation=invitation,
                    actor=user,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            except StateConflict as error:
                # Accepted or revoked since the page was shown.
                form.add_error(None, str(error))
            else:
                login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"Welcome to Waymark. You have joined {invitation.organisation.name}."
                )
                return redirect("portfolio:dashboard")
    context.update({"form": form, "account_exists": account_exists})
    return render(request, "accounts/invitation.html", context)
