"""Every change to frameworks, items, programmes, enrolments and requirements goes
through a function here."""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from accounts.models import Membership, Organisation, Role
from core import dated
from curriculum.importers import ImportFailed, ParsedFramework, framework_label, parse
from curriculum.models import Enrolment, Framework, Item, Programme, Requirement

DATA_DIR = Path(__file__).resolve().parent / "data"

# The frameworks every installation has, loaded after `migrate`: file, slug, version. The
# files' own version texts are too long for Framework.version (and for a URL), so each gets
# a short one here; the file's wording is kept in the framework's notes.
SHIPPED_FRAMEWORKS = [
    ("uk-foundation-2021.json", "uk-foundation", "2021"),
    ("gmc-gpc-2017.json", "gmc-gpc", "2017"),
    ("aamc-core-epas.json", "aamc-core-epas", "2014"),
    ("canmeds-2015.json", "canmeds", "2015"),
    ("acgme-core-competencies.json", "acgme-core-competencies", "1999"),
    ("uk-cstf.json", "uk-cstf", "1.1"),
]

FRAMEWORK_FIELDS = ("name", "publisher", "source_url", "source", "licence", "notes", "external_id")
ITEM_FIELDS = ("title", "description", "position", "extra", "external_id")


@dataclass
class ImportResult:
    framework: Framework
    created: bool
    items_created: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    items_removed: int = 0
    # Nothing in the framework or its items changed (the stored file hash may have).
    unchanged: bool = False

    def summary(self) -> str:
        label = framework_label(self.framework.name, self.framework.version)
        if self.unchanged:
            return f"Imported {label}: unchanged ({self.items_unchanged} items)"
        return (
            f"Imported {label}: {self.items_created} items created, "
            f"{self.items_updated} updated, {self.items_unchanged} unchanged, "
            f"{self.items_removed} removed"
        )


def hash_content(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def import_framework(*, parsed: ParsedFramework, content_hash: str) -> ImportResult:
    """Create or update the framework version `parsed` describes so that it matches the
    file exactly: items are matched by code, changed ones updated, missing ones removed.
    Importing the same file again writes nothing."""
    framework, created = Framework.objects.get_or_create(
        slug=parsed.slug,
        version=parsed.version,
        defaults={name: getattr(parsed, name) for name in FRAMEWORK_FIELDS}
        | {"content_hash": content_hash},
    )
    # Two imports of the same framework version take turns, so neither works from a list
    # of items the other is changing.
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if (
        not created
        and framework.external_id
        and parsed.external_id
        and framework.external_id != parsed.external_id
    ):
        raise ImportFailed(
            [
                f"{framework} was imported from a different document "
                f"({framework.external_id}); this file is {parsed.external_id}. "
                "Give it another slug or version."
            ]
        )
    changed_fields = [
        name for name in FRAMEWORK_FIELDS if getattr(framework, name) != getattr(parsed, name)
    ]
    if not created and not changed_fields and framework.content_hash == content_hash:
        # The same file as last time, read the same way: its items cannot have changed.
        return ImportResult(
            framework=framework,
            created=False,
            items_unchanged=framework.items.count(),
            unchanged=True,
        )

    result = ImportResult(framework=framework, created=created)
    _upsert_items(framework, parsed, result)
    content_changed = created or changed_fields or result.items_created
    content_changed = content_changed or result.items_updated or result.items_removed
    result.unchanged = not content_changed
    for name in changed_fields:
        setattr(framework, name, getattr(parsed, name))
    update_fields = [*changed_fields]
    if framework.content_hash != content_hash:
        framework.content_hash = content_hash
        update_fields.append("content_hash")
    if content_changed and not created:
        update_fields.append("updated_at")
    if update_fields and not created:
        framework.save(update_fields=update_fields)
    return result


def _upsert_items(framework: Framework, parsed: ParsedFramework, result: ImportResult) -> None:
    existing = {item.code: item for item in framework.items.all()}

    # First pass: every item exists with its own fields. Parents come second, because a
    # file may name a parent after its children.
    new_items, changed = [], {}
    for parsed_item in parsed.items:
        values = {name: getattr(parsed_item, name) for name in ITEM_FIELDS}
        item = existing.get(parsed_item.code)
        if item is None:
            new_items.append(Item(framework=framework, code=parsed_item.code, **values))
            continue
        for name, value in values.items():
            if getattr(item, name) != value:
                setattr(item, name, value)
                changed[item.code] = item
    Item.objects.bulk_create(new_items, batch_size=500)
    by_code = existing | {item.code: item for item in new_items}

    for parsed_item in parsed.items:
        item = by_code[parsed_item.code]
        parent_id = by_code[parsed_item.parent_code].pk if parsed_item.parent_code else None
        if item.parent_id != parent_id:
            item.parent_id = parent_id
            changed[item.code] = item
    Item.objects.bulk_update(changed.values(), [*ITEM_FIELDS, "parent"], batch_size=500)

    # Removed last: a kept item that moved from under a removed one has its new parent by
    # now, so the cascade from deleting the old parent cannot take it along.
    kept = {parsed_item.code for parsed_item in parsed.items}
    removed = [item for code, item in existing.items() if code not in kept]
    if removed:
        try:
            Item.objects.filter(pk__in=[item.pk for item in removed]).delete()
        except ProtectedError as e:
            raise ImportFailed(_protected_problems(removed, e.protected_objects)) from None

    created_codes = {item.code for item in new_items}
    result.items_created = len(new_items)
    result.items_updated = len(set(changed) - created_codes)
    result.items_unchanged = len(existing) - len(removed) - result.items_updated
    result.items_removed = len(removed)


def _protected_problems(removed: list[Item], protected_objects) -> list[str]:
    """One sentence per record that keeps a dropped item alive, such as a programme's
    requirement, naming the item by its code."""
    code_of = {item.pk: item.code for item in removed}
    problems = []
    for obj in protected_objects:
        codes = [
            code_of[getattr(obj, f.attname)]
            for f in obj._meta.concrete_fields
            if f.is_relation and f.related_model is Item and getattr(obj, f.attname) in code_of
        ]
        problems.append(
            f"{', '.join(codes) or 'An item'} is no longer in the file but cannot be removed: "
            f"{obj._meta.verbose_name} “{obj}” refers to it."
        )
    return sorted(problems)


def import_framework_file(
    *,
    filename: str,
    data: bytes,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ImportResult:
    """Parse a framework file and import it: what the command line, the admin and the
    shipped-framework loader all call."""
    parsed = parse(filename, data, slug=slug, name=name, version=version)
    return import_framework(parsed=parsed, content_hash=hash_content(data))


def load_shipped_frameworks() -> list[ImportResult]:
    """Bring the frameworks in curriculum/data up to date. Cheap when they already are:
    each is recognised by its file's hash."""
    return [
        import_framework_file(
            filename=filename, data=(DATA_DIR / filename).read_bytes(), slug=slug, version=version
        )
        for filename, slug, version in SHIPPED_FRAMEWORKS
    ]


# --- Programmes, enrolments and requirements ---------------------------------------------------


def _lock(programme: Programme) -> None:
    """Changes to one programme take turns. Each checks something another could be changing
    at the same moment: the frameworks (before requiring an item, or dropping a framework)
    or a trainee's enrolments (before enrolling them again)."""
    Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def create_programme(
    *,
    organisation: Organisation,
    name: str,
    frameworks,
    start_date: date,
    end_date: date | None = None,
) -> Programme:
    dated.check_dates(start_date, end_date)
    programme = Programme.objects.create(
        organisation=organisation, name=name, start_date=start_date, end_date=end_date
    )
    programme.frameworks.set(frameworks)
    return programme


@transaction.atomic
def update_programme(
    *, programme: Programme, name: str, frameworks, start_date: date, end_date: date | None = None
) -> Programme:
    dated.check_dates(start_date, end_date)
    _lock(programme)
    dropped = set(programme.frameworks.values_list("pk", flat=True)) - {f.pk for f in frameworks}
    if dropped and programme.requirements.filter(item__framework__in=dropped).exists():
        raise ValidationError(
            {
                "frameworks": "Remove the requirements on a framework's items "
                "before removing the framework."
            }
        )
    programme.name, programme.start_date, programme.end_date = name, start_date, end_date
    programme.save(update_fields=["name", "start_date", "end_date"])
    programme.frameworks.set(frameworks)
    return programme


@transaction.atomic
def enrol_trainee(
    *, programme: Programme, trainee, start_date: date, end_date: date | None = None
) -> Enrolment:
    dated.check_dates(start_date, end_date)
    if not Membership.objects.filter(
        organisation=programme.organisation, user=trainee, role=Role.TRAINEE
    ).exists():
        raise ValidationError(
            {"trainee": f"{trainee} is not a trainee in {programme.organisation}."}
        )
    _lock(programme)
    # Any enrolment sharing a day with the new one, including one planned to start later:
    # checking only the new start day would let an open-ended enrolment run over it.
    overlapping = Enrolment.objects.filter(
        dated.sharing_a_day_with(start_date, end_date), programme=programme, trainee=trainee
    )
    if overlapping.exists():
        raise ValidationError({"trainee": f"{trainee} is already enrolled in this programme."})
    return Enrolment.objects.create(
        programme=programme, trainee=trainee, start_date=start_date, end_date=end_date
    )


@transaction.atomic
def end_enrolment(*, enrolment: Enrolment, end_date: date) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    return dated.end_on(enrolment, end_date, noun="enrolment")


@transaction.atomic
def set_requirement(
    *, programme: Programme, item: Item, min_entries: int, signed_off_required: bool
) -> Requirement:
    """Require `item`, or change what is required of it if it already is."""
    _lock(programme)
    if not programme.frameworks.filter(pk=item.framework_id).exists():
        raise ValidationError({"item": "That item is not in one of this programme's frameworks."})
    requirement, _ = Requirement.objects.update_or_create(
        programme=programme,
        item=item,
        defaults={"min_entries": min_entries, "signed_off_required": signed_off_required},
    )
    return requirement


REQUIREMENT_LEVELS = ("leaves", "roots")


@transaction.atomic
def require_level(
    *, programme: Programme, level: str, min_entries: int, signed_off_required: bool
) -> int:
    """Require every top-level item ("roots"), or every item without sub-items ("leaves"), of
    the programme's frameworks. Items already required keep their settings. Returns how many
    were added."""
    if level not in REQUIREMENT_LEVELS:
        raise ValidationError({"level": f"Choose one of {', '.join(REQUIREMENT_LEVELS)}."})
    _lock(programme)
    items = Item.objects.filter(framework__programmes=programme)
    if level == "roots":
        items = items.filter(parent__isnull=True)
    else:
        items = items.filter(children__isnull=True)
    existing = set(programme.requirements.values_list("item_id", flat=True))
    new = [
        Requirement(
            programme=programme,
            item=item,
            min_entries=min_entries,
            signed_off_required=signed_off_required,
        )
        for item in items.exclude(pk__in=existing)
    ]
    Requirement.objects.bulk_create(new)
    return len(new)


def remove_requirement(*, requirement: Requirement) -> None:
    requirement.delete()
