"""Importing frameworks: a file read by curriculum.importers becomes a framework version and
its items, matched by code so that evidence mapped to an item keeps its place."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError

from audit import services as audit
from curriculum.importers import ImportFailed, ParsedFramework, framework_label, parse
from curriculum.models import Framework, Item

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

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


def _refuse_unless_may_import(actor) -> None:
    """Frameworks are shared by every organisation, so only the system (`migrate`, the
    import_framework command: actor None) and staff allowed to add frameworks in the Django
    admin import them."""
    if actor is None:
        return
    if not (actor.is_staff and actor.has_perm("curriculum.add_framework")):
        raise PermissionDenied("Only staff who may add frameworks import them.")


@transaction.atomic
def import_framework(*, actor, parsed: ParsedFramework, content_hash: str) -> ImportResult:
    """Create or update the framework version `parsed` describes so that it matches the
    file exactly: items are matched by code, changed ones updated, missing ones removed.
    Importing the same file again writes nothing, not even to the audit log."""
    _refuse_unless_may_import(actor)
    result = _apply(parsed, content_hash)
    if not result.unchanged:
        # Programmes require items and entries are mapped to them: what a framework said
        # when is part of the record.
        audit.append(
            actor=actor,
            action="import_framework",
            obj=result.framework,
            payload={
                "slug": result.framework.slug,
                "version": result.framework.version,
                "content_hash": content_hash,
                "created": result.created,
                "items_created": result.items_created,
                "items_updated": result.items_updated,
                "items_unchanged": result.items_unchanged,
                "items_removed": result.items_removed,
            },
        )
    return result


def import_framework_file(
    *,
    actor,
    filename: str,
    data: bytes,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ImportResult:
    """Parse a framework file and import it: what the command line and the admin call."""
    _refuse_unless_may_import(actor)  # before reading a file of up to 10 MB
    parsed = parse(filename, data, slug=slug, name=name, version=version)
    return import_framework(actor=actor, parsed=parsed, content_hash=hash_content(data))


def load_shipped_frameworks(*, actor) -> list[ImportResult]:
    """Bring the frameworks in curriculum/data up to date. Cheap when they already are:
    each is recognised by its file's hash.

    Not written to the audit log: the shipped files are part of the release, whose history
    records every change to them, and a new installation's log starts empty."""
    _refuse_unless_may_import(actor)
    results = []
    for filename, slug, version in SHIPPED_FRAMEWORKS:
        data = (DATA_DIR / filename).read_bytes()
        parsed = parse(filename, data, slug=slug, version=version)
        # One transaction each: the files applied before one that fails stay applied.
        with transaction.atomic():
            results.append(_apply(parsed, hash_content(data)))
    return results


def _apply(parsed: ParsedFramework, content_hash: str) -> ImportResult:
    """The import itself, inside the caller's transaction."""
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
