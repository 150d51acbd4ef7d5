"""The issuer's profile and its badge classes, which the admins of the issuing organisation
create and change. A badge class's rule is checked in full before it is saved: its shape, the
badges, kinds of entry, curriculum items and teaching programmes it names, and that badges do
not come to require each other."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.selectors import is_admin_of
from audit import services as audit
from badges import rules
from badges.models import BadgeClass, Issuer
from badges.services import issuer_domains
from badges.services.awarding import refuse_unless_issuer_admin, request_evaluation_of_members
from curriculum.models import Item
from portfolio import evidence
from portfolio.models import Kind
from teaching.selectors import programme_slugs_run_by


@transaction.atomic
def update_issuer(
    *, organisation, actor, name: str, url: str, email: str, description: str = "", image=None
) -> Issuer:
    """Create or change the organisation's Open Badges issuer profile, as one of its admins.
    A logo, if given, must be a PNG; it is re-encoded like a badge image."""
    if not is_admin_of(actor, organisation.pk):
        raise PermissionDenied("Only the organisation's admins can change its issuer profile.")
    png = badge_image_png(image) if image else None
    issuer = Issuer.objects.select_for_update().filter(organisation=organisation).first()
    created = issuer is None
    if created:
        issuer = Issuer(organisation=organisation)
    issuer.name, issuer.url, issuer.email, issuer.description = name, url, email, description
    issuer.full_clean(exclude=["organisation", "image"])
    if png is not None:
        issuer.image.save(f"{organisation.slug}.png", ContentFile(png), save=False)
    issuer.save()
    audit.append(
        actor=actor,
        action="issuer_create" if created else "issuer_update",
        obj=issuer,
        payload={"organisation": organisation.pk},
        chain=audit.organisation_chain(organisation.pk),
    )
    # A new host in the address is a new domain to prove.
    issuer_domains.follow_issuer_address(issuer=issuer, actor=actor)
    return issuer


# Badge images are shown small; anything bigger is a mistake, not a badge.
BADGE_IMAGE_MAX_BYTES = 2 * 1024 * 1024
# Decoded in the web request, so held to what decodes in a small fraction of a second.
BADGE_IMAGE_MAX_PIXELS = 1024 * 1024
BADGE_CLASS_FIELDS = frozenset(
    {"slug", "name", "description", "criteria", "rule", "tags", "valid_for_months", "is_active"}
)


def badge_image_png(upload) -> bytes:
    """A badge image upload as a freshly encoded PNG, judged by its content, never its name.
    SVG is refused with everything else that is not PNG: an SVG can carry script, and it
    would be served from Waymark's own origin."""
    if upload.size is not None and upload.size > BADGE_IMAGE_MAX_BYTES:
        raise ValidationError({"image": "A badge image can be at most 2 MB."})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if evidence.sniff(head) is not evidence.PNG:
        raise ValidationError(
            {"image": "A badge image must be a PNG file; SVG and other formats are refused."}
        )
    try:
        # The evidence checks: the whole file must parse, pixels are limited, and the image
        # is re-encoded, which drops metadata and anything hidden after the image data.
        checked = evidence.clean_image(
            upload, name=upload.name or "badge.png", max_pixels=BADGE_IMAGE_MAX_PIXELS
        )
    except ValidationError as error:
        raise ValidationError({"image": error.message_dict.get("file", error.messages)}) from None
    return checked.content


def rule_problems(rule, *, issuer: Issuer, slug: str, pk: int | None = None) -> list[str]:
    """Everything wrong with a badge class's rule, in words: the schema first, then names of
    badges, entry kinds, curriculum items and teaching programmes that do not exist, then
    badges that would require each other."""
    if rule is None:
        return []
    try:
        rules.validate(rule)
    except rules.RuleError as error:
        return error.problems
    problems = []
    # Every other badge class: a class whose slug is changing is left out under its old one.
    elsewhere = BadgeClass.objects.exclude(slug=slug).exclude(pk=pk)
    others = dict(elsewhere.exclude(rule__isnull=True).values_list("slug", "rule"))
    known = set(elsewhere.values_list("slug", flat=True))
    for wanted in sorted(rules.badges_referenced(rule)):
        if wanted == slug:
            problems.append(f"the rule asks for this badge itself ({wanted!r}).")
        elif wanted not in known:
            problems.append(f"the rule asks for badge {wanted!r}, but no badge class has it.")
    parts = list(rules.walk(rule))
    for kind in sorted({kind for part in parts for kind in part.get("kinds", ())}):
        if kind not in Kind.values:
            problems.append(
                f"the rule counts entries of kind {kind!r}, which is not a kind of entry "
                f"(the kinds are {', '.join(Kind.values)})."
            )
    refs = {ref for part in parts for ref in part.get("items", ())}
    refs |= {part["item"] for part in parts if part["type"] == "coverage"}
    for ref in sorted(refs):
        framework, version, code = ref.split("/", 2)
        found = Item.objects.filter(
            framework__slug=framework, framework__version=version, code=code
        ).exists()
        if not found:
            problems.append(f"the rule refers to curriculum item {ref!r}, which does not exist.")
    programmes = sorted({part["programme"] for part in parts if part["type"] == "attendance"})
    runs = programme_slugs_run_by(issuer.organisation_id, programmes)
    for programme in programmes:
        if programme not in runs:
            problems.append(
                f"the rule refers to teaching programme {programme!r}, which "
                f"{issuer.organisation} does not run."
            )
    if not problems:
        try:
            rules.evaluation_order({**others, slug: rule})
        except rules.RuleError as error:
            problems.extend(error.problems)
    return problems


def _save_badge_class(badge_class: BadgeClass, *, alignments, image) -> None:
    """Check every field at once, so a form shows all its errors together, then save."""
    errors, png = {}, None
    if image is not None:
        try:
            png = badge_image_png(image)
        except ValidationError as error:
            errors.update(error.message_dict)
    badge_class.tags = list(dict.fromkeys(t.strip() for t in badge_class.tags or [] if t.strip()))
    badge_class.rule = rules.with_normal_tags(badge_class.rule)
    try:
        badge_class.full_clean(exclude=["issuer", "image"], validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "slug" not in errors:
        taken = BadgeClass.objects.filter(slug=badge_class.slug).exclude(pk=badge_class.pk)
        if taken.exists():
            errors["slug"] = ["Another badge class already uses this slug."]
        elif problems := rule_problems(
            badge_class.rule, issuer=badge_class.issuer, slug=badge_class.slug, pk=badge_class.pk
        ):
            errors["rule"] = problems
    if errors:
        raise ValidationError(errors)
    if png is not None:
        badge_class.image.save(f"{badge_class.slug}.png", ContentFile(png), save=False)
    badge_class.save()
    if alignments is not None:
        badge_class.alignments.set(alignments)


@transaction.atomic
def create_badge_class(
    *,
    issuer: Issuer,
    actor,
    slug: str,
    name: str,
    description: str,
    criteria: str,
    rule: dict | None = None,
    alignments=(),
    tags=(),
    valid_for_months: int | None = None,
    is_active: bool = True,
    image=None,
) -> BadgeClass:
    """A new badge class of an issuer whose organisation the actor administers. `image`, if
    given, is an upload, kept only if it is a PNG (badge_image_png); the rule must pass
    rule_problems."""
    refuse_unless_issuer_admin(actor, issuer)
    badge_class = BadgeClass(
        issuer=issuer,
        slug=slug,
        name=name,
        description=description,
        criteria=criteria,
        rule=rule,
        tags=list(tags),
        valid_for_months=valid_for_months,
        is_active=is_active,
    )
    _save_badge_class(badge_class, alignments=list(alignments), image=image)
    audit.append(
        actor=actor,
        action="badge_class_create",
        obj=badge_class,
        payload={"issuer": issuer.pk, "slug": slug, "rule": badge_class.rule},
        chain=audit.organisation_chain(issuer.organisation_id),
    )
    if rule:
        request_evaluation_of_members(organisation=issuer.organisation)
    return badge_class


@transaction.atomic
def update_badge_class(
    *, badge_class: BadgeClass, actor, alignments=None, image=None, **changes
) -> BadgeClass:
    """Change some of a badge class's fields (BADGE_CLASS_FIELDS), its alignments or its
    image; what is not passed stays as it is. A slug that other badges' rules name cannot
    change: those rules would silently stop matching."""
    unknown = set(changes) - BADGE_CLASS_FIELDS
    if unknown:
        raise TypeError(f"update_badge_class() cannot change {', '.join(sorted(unknown))}")
    badge_class = (
        BadgeClass.objects.select_related("issuer__organisation")
        .select_for_update(of=("self",))
        .get(pk=badge_class.pk)
    )
    refuse_unless_issuer_admin(actor, badge_class.issuer)
    old_slug = badge_class.slug
    if changes.get("slug", old_slug) != old_slug:
        dependants = sorted(
            slug
            for slug, rule in BadgeClass.objects.exclude(rule__isnull=True)
            .exclude(pk=badge_class.pk)
            .values_list("slug", "rule")
            if old_slug in rules.badges_referenced(rule)
        )
        if dependants:
            raise ValidationError(
                {
                    "slug": f"The rules of {', '.join(dependants)} refer to {old_slug!r}; "
                    "change those rules before changing this slug."
                }
            )
    changed = sorted(f for f, value in changes.items() if getattr(badge_class, f) != value)
    for field, value in changes.items():
        setattr(badge_class, field, value)
    _save_badge_class(badge_class, alignments=alignments, image=image)
    changed += [name for name, given in (("alignments", alignments), ("image", image)) if given]
    audit.append(
        actor=actor,
        action="badge_class_update",
        obj=badge_class,
        payload={"fields": changed, "rule": badge_class.rule},
        chain=audit.organisation_chain(badge_class.issuer.organisation_id),
    )
    if badge_class.rule and {"rule", "is_active"} & set(changed):
        request_evaluation_of_members(organisation=badge_class.issuer.organisation)
    return badge_class
