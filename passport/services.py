"""Writes: what an organisation accepts as meeting each mandatory-training subject, set and
removed by its admins and audited on the organisation's chain."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import selectors as account_selectors
from accounts.models import Organisation
from audit import services as audit
from badges.models import BadgeClass
from passport.models import Acceptance, Subject

MAX_AGE_LIMIT = 120  # ten years: anything longer is a typing slip


def _refuse_unless_admin(actor, organisation: Organisation) -> None:
    if not account_selectors.is_admin_of(actor, organisation.pk):
        raise PermissionDenied("Only the organisation's admins change what it accepts.")


def _clean_uri(value: str, field: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = "This field is required for an achievement issued elsewhere."
    elif len(value) > 500:
        errors[field] = "At most 500 characters."
    elif any(c.isspace() for c in value) or ":" not in value:
        # Open Badges names issuers and achievements by URL (2.0) or by any URI (3.0: a URL,
        # a DID or a URN), so a scheme is all that can be asked of it.
        errors[field] = "Give the id as the badge names it: a URL, DID or URN."
    return value


@transaction.atomic
def accept(
    *,
    actor,
    organisation: Organisation,
    subject: Subject,
    badge_class: BadgeClass | None = None,
    issuer_uri: str = "",
    achievement_uri: str = "",
    name: str = "",
    max_age_months: int | None = None,
) -> Acceptance:
    """Accept a badge class on this Waymark, or an achievement issued elsewhere (by its
    issuer's and its own id, with a name to show), as meeting `subject` at the organisation.
    Completions count for `max_age_months`, or the subject's refresher period when None.
    Accepting the same thing again for the subject changes its age limit (and name)."""
    _refuse_unless_admin(actor, organisation)
    errors = {}
    external = bool(issuer_uri or achievement_uri or name)
    if badge_class is not None and external:
        errors["badge_class"] = "Choose a badge class or an achievement issued elsewhere, not both."
    elif badge_class is None and not external:
        errors["badge_class"] = "Choose a badge class, or name an achievement issued elsewhere."
    elif badge_class is not None and not badge_class.is_active:
        errors["badge_class"] = f"“{badge_class}” is not active, so nobody can earn it."
    elif external:
        issuer_uri = _clean_uri(issuer_uri, "issuer_uri", errors)
        achievement_uri = _clean_uri(achievement_uri, "achievement_uri", errors)
        name = (name or "").strip()
        if not name:
            errors["name"] = "Name the achievement, as trainees will see it."
        elif len(name) > 200:
            errors["name"] = "At most 200 characters."
    if max_age_months is not None and not (
        isinstance(max_age_months, int) and 1 <= max_age_months <= MAX_AGE_LIMIT
    ):
        errors["max_age_months"] = f"A whole number of months from 1 to {MAX_AGE_LIMIT}, or blank."
    if errors:
        raise ValidationError(errors)
    target = (
        {"badge_class": badge_class}
        if badge_class is not None
        else {"badge_class": None, "issuer_uri": issuer_uri, "achievement_uri": achievement_uri}
    )
    acceptance = (
        Acceptance.objects.select_for_update()
        .filter(organisation=organisation, subject=subject, **target)
        .first()
    )
    if acceptance is None:
        acceptance = Acceptance.objects.create(
            organisation=organisation,
            subject=subject,
            name=name,
            max_age_months=max_age_months,
            created_by=actor,
            **target,
        )
        action = "accept_training"
    else:
        acceptance.max_age_months, acceptance.name = max_age_months, name
        acceptance.save(update_fields=["max_age_months", "name"])
        action = "change_training_acceptance"
    audit.append(
        actor=actor,
        action=action,
        obj=acceptance,
        payload=_described(acceptance),
        chain=audit.organisation_chain(organisation.pk),
    )
    return acceptance


def _described(acceptance: Acceptance) -> dict:
    return {
        "subject": acceptance.subject.code,
        "badge_class": acceptance.badge_class_id,
        "issuer_uri": acceptance.issuer_uri,
        "achievement_uri": acceptance.achievement_uri,
        "max_age_months": acceptance.max_age_months,
    }


@transaction.atomic
def remove_acceptance(*, actor, acceptance: Acceptance) -> None:
    """Stop accepting it: trainees whose only credential for the subject it was no longer
    meet the subject at the organisation."""
    _refuse_unless_admin(actor, acceptance.organisation)
    audit.append(
        actor=actor,
        action="remove_training_acceptance",
        obj=acceptance,
        payload=_described(acceptance),
        chain=audit.organisation_chain(acceptance.organisation_id),
    )
    acceptance.delete()
