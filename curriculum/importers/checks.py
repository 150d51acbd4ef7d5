"""Checks every format shares, run on the parsed framework before anything is written: the
framework's own fields, codes and parents, and cycles in the tree."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug

from curriculum.importers.parsed import ImportFailed, ParsedFramework, ParsedItem
from curriculum.models import Framework, Item


def validated(parsed: ParsedFramework, errors: list[str]) -> ParsedFramework:
    if not parsed.items and not errors:
        # Importing it would remove every item of the framework: far more likely a wrong
        # file than an intention.
        errors.append("The file has no items.")
    errors.extend(_framework_problems(parsed))
    errors.extend(_item_problems(parsed.items))
    errors.extend(_tree_problems(parsed.items))
    if errors:
        raise ImportFailed(errors)
    return parsed


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _framework_problems(parsed: ParsedFramework) -> list[str]:
    problems = []
    if not parsed.name:
        problems.append("framework: the name is missing; give one when importing.")
    if not parsed.version:
        problems.append("framework: the version is missing; give one when importing.")
    if parsed.slug:
        try:
            validate_slug(parsed.slug)
        except ValidationError:
            problems.append(
                f"framework: the slug '{parsed.slug}' may contain only letters, numbers, "
                "hyphens and underscores."
            )
    elif parsed.name:
        problems.append("framework: no slug can be made from the name; give one when importing.")
    for name in ("slug", "version", "name", "publisher", "source_url", "external_id"):
        value, limit = getattr(parsed, name), _max_length(Framework, name)
        if len(value) > limit:
            hint = " Give a shorter version when importing." if name == "version" else ""
            problems.append(
                f"framework: the {name.replace('_', ' ')} '{value}' is {len(value)} "
                f"characters long; at most {limit} fit.{hint}"
            )
    if parsed.source_url:
        try:
            URLValidator()(parsed.source_url)
        except ValidationError:
            problems.append(f"framework: the source URL '{parsed.source_url}' is not a URL.")
    return problems


def _item_problems(items: list[ParsedItem]) -> list[str]:
    problems = []
    limits = {name: _max_length(Item, name) for name in ("code", "title", "external_id")}
    first_with_code: dict[str, ParsedItem] = {}
    for item in items:
        for name, limit in limits.items():
            value = getattr(item, name)
            if len(value) > limit:
                problems.append(
                    f"{item.where}: the {name.replace('_', ' ')} is {len(value)} characters "
                    f"long; at most {limit} fit."
                )
        if not item.code:
            continue
        if "/" in item.code or item.code != item.code.strip():
            # Codes are the last part of an item's permanent URL.
            problems.append(
                f"{item.where}: the code {item.code!r} has a slash or surrounding spaces; "
                "codes become part of the item's web address."
            )
        if item.code in first_with_code:
            problems.append(
                f"{item.where}: the code {item.code} is already used by "
                f"{first_with_code[item.code].where}."
            )
        else:
            first_with_code[item.code] = item
        if item.parent_code is not None and item.parent_code == item.code:
            problems.append(f"{item.where}: item {item.code} is its own parent.")
    codes = set(first_with_code)
    for item in items:
        if item.parent_code and item.parent_code not in codes:
            problems.append(
                f"{item.where}: the parent {item.parent_code} is not an item in this file."
            )
    return problems


def _tree_problems(items: list[ParsedItem]) -> list[str]:
    """Report each cycle of parents once, naming its codes in order."""
    parent = {item.code: item.parent_code for item in items if item.code and item.parent_code}
    problems = []
    finished: set[str] = set()
    for start in parent:
        path: list[str] = []
        on_path: set[str] = set()
        code = start
        while code in parent and code not in finished and code not in on_path:
            path.append(code)
            on_path.add(code)
            code = parent[code]
        if code in on_path and parent.get(code) != code:
            cycle = path[path.index(code) :]
            problems.append(
                f"items {' → '.join([*cycle, cycle[0]])} form a cycle of parents "
                "(each arrow points to the parent)."
            )
        finished.update(path)
    return problems
