"""What a trainee shows publicly: their public badge page, and which badges are on it. Only
the trainee decides either."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit import services as audit
from badges.models import Award, PublicProfile


@transaction.atomic
def set_award_public(*, award: Award, actor, public: bool) -> Award:
    """Show or hide one badge on the trainee's public profile. Only its earner decides."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    if actor is None or award.recipient_id != actor.pk:
        raise PermissionDenied("Only the person who earned a badge decides who sees it.")
    if public and award.revoked_at:
        raise ValidationError({"public": "A revoked badge cannot be shown on your public profile."})
    if award.public != public:
        award.public = public
        award.save(update_fields=["public"])
        audit.append(
            actor=actor,
            action="award_public" if public else "award_hidden",
            obj=award,
            chain=audit.user_chain(award.recipient_id),
        )
    return award


@transaction.atomic
def set_public_profile(*, trainee, actor, enabled: bool) -> PublicProfile:
    """Turn the trainee's public badge page on or off; only the trainee does. It is off
    until they turn it on; the first call gives it its random address."""
    if actor is None or actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee decides whether their badges are public.")
    profile, _ = PublicProfile.objects.select_for_update().get_or_create(user=trainee)
    if profile.enabled != enabled:
        profile.enabled = enabled
        profile.save(update_fields=["enabled"])
        audit.append(
            actor=actor,
            action="profile_public" if enabled else "profile_hidden",
            obj=profile,
            chain=audit.user_chain(profile.user_id),
        )
    return profile
