"""Reads of endorsements: those an issuer has given, for its organisation's admins; what it
may endorse; and the standing endorsements public pages show, with each endorser's trust
loaded in the same query (badges.trust.related)."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Organisation
from badges import trust
from badges.models import BadgeClass, Endorsement, Issuer

TARGET_RELATED = ("issuer", "badge_class__issuer")


def endorsements_given(issuer: Issuer) -> QuerySet[Endorsement]:
    """Everything the issuer has endorsed, newest first, withdrawn ones included."""
    return Endorsement.objects.filter(endorser=issuer).select_related(
        "endorser", "created_by", "withdrawn_by", *TARGET_RELATED
    )


def access_endorsement_for_admin(organisation: Organisation, endorsement_id) -> Endorsement:
    """An endorsement given by the organisation's issuer; 404 for any other."""
    try:
        return endorsements_given_by(organisation).get(pk=endorsement_id)
    except (Endorsement.DoesNotExist, ValueError, TypeError):
        raise Http404("No such endorsement.") from None


def endorsements_given_by(organisation: Organisation) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(endorser__organisation=organisation).select_related(
        "endorser", "created_by", "withdrawn_by", *TARGET_RELATED
    )


def endorsable_issuers(issuer: Issuer) -> QuerySet[Issuer]:
    """Every other issuer on this Waymark, by name."""
    return Issuer.objects.exclude(pk=issuer.pk).order_by("name", "pk")


def endorsable_badge_classes(issuer: Issuer) -> QuerySet[BadgeClass]:
    """Other issuers' active badge classes, by issuer then name."""
    return (
        BadgeClass.objects.filter(is_active=True)
        .exclude(issuer=issuer)
        .select_related("issuer")
        .order_by("issuer__name", "issuer_id", "name", "pk")
    )


def _public(endorsements: QuerySet[Endorsement]) -> list[Endorsement]:
    return list(
        endorsements.live()
        .select_related("endorser", *trust.related("endorser"))
        .order_by("created_at", "pk")
    )


def public_endorsements_of_badge_class(badge_class: BadgeClass) -> dict:
    """The standing endorsements of a badge class and of its issuer, for its public pages.
    One query."""
    found = _public(
        Endorsement.objects.filter(Q(badge_class=badge_class) | Q(issuer=badge_class.issuer_id))
    )
    return {
        "badge_class_endorsements": [e for e in found if e.badge_class_id],
        "issuer_endorsements": [e for e in found if e.issuer_id],
    }


def public_endorsements_of_issuer(issuer: Issuer) -> list[Endorsement]:
    """The standing endorsements of an issuer, for its public page. One query."""
    return _public(Endorsement.objects.filter(issuer=issuer))


def access_public_endorsement(uid) -> Endorsement:
    """Any endorsement by its public id, withdrawn ones too (their documents say so)."""
    try:
        return Endorsement.objects.select_related("endorser", *TARGET_RELATED).get(uid=uid)
    except Endorsement.DoesNotExist:
        raise Http404("No such endorsement.") from None


def target_value(target: Issuer | BadgeClass) -> str:
    """How a form's choice and the API name an endorsement's target: `issuer:3`,
    `badge_class:12`."""
    kind = "badge_class" if isinstance(target, BadgeClass) else "issuer"
    return f"{kind}:{target.pk}"


def target_named(value: str) -> Issuer | BadgeClass:
    """The issuer or badge class a target value names, or ValidationError on `target`.
    Whether it may be endorsed is the service's to say."""
    kind, _, pk = str(value or "").partition(":")
    found = None
    # A bounded number of digits: a longer one names nothing any database holds.
    if pk.isdigit() and len(pk) < 12:
        if kind == "issuer":
            found = Issuer.objects.filter(pk=int(pk)).first()
        elif kind == "badge_class":
            found = BadgeClass.objects.select_related("issuer").filter(pk=int(pk)).first()
    if found is None:
        raise ValidationError(
            {
                "target": "Choose an issuer or a badge class on this Waymark, as issuer:<id> "
                "or badge_class:<id>."
            }
        )
    return found
