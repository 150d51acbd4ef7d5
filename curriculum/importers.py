"""Reading framework files into plain data, without touching the database.

Three formats are understood:

- Waymark JSON, as in curriculum/data: {"framework": {...}, "items": [{code, title, parent,
  description, ...}]}.
- CSV with the header `code,title,parent_code,description`; the framework's slug, name and
  version come from whoever imports it.
- 1EdTech CASE 1.0 packages (CFPackage): a CFDocument, its CFItems, and CFAssociations of
  which only isChildOf builds the tree.

`parse` picks the format and returns a ParsedFramework, or raises ImportFailed listing every
problem it found, each naming the line or item, so a file can be fixed in one go.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.utils.text import slugify

from curriculum.models import Framework, Item

CSV_COLUMNS = ("code", "title", "parent_code", "description")
CASE_PARENT_ASSOCIATION = "isChildOf"
URL_PATTERN = re.compile(r"https?://[^\s<>\"'()\[\]]+")


class ImportFailed(Exception):
    """A framework file could not be imported. `errors` holds one sentence per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors)

    def __str__(self):
        if len(self.errors) == 1:
            return self.errors[0]
        return f"{len(self.errors)} problems:\n" + "\n".join(f"- {e}" for e in self.errors)


@dataclass
class ParsedItem:
    code: str
    title: str
    description: str = ""
    parent_code: str | None = None
    position: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    # Where the item is in the file, for error messages: "line 7", "item 4 (FPC3)".
    where: str = ""


@dataclass
class ParsedFramework:
    slug: str
    version: str
    name: str
    publisher: str = ""
    source_url: str = ""
    source: str = ""
    licence: str = ""
    notes: list[str] = field(default_factory=list)
    external_id: str = ""
    items: list[ParsedItem] = field(default_factory=list)

    def label(self) -> str:
        return framework_label(self.name, self.version)


def framework_label(name: str, version: str) -> str:
    """ "UK Foundation Programme Curriculum 2021", without repeating a version the name
    already ends with."""
    return name if name.endswith(version) else f"{name} {version}"


def parse(
    filename: str,
    data: bytes,
    *,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ParsedFramework:
    """Read a framework file in whichever format its content shows. `slug`, `name` and
    `version`, when given, take precedence over what the file says."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFailed(
            [f"{filename} is not UTF-8 text (byte {e.start + 1} cannot be read)."]
        ) from None
    is_csv = filename.lower().endswith(".csv")
    looks_like_json = text.lstrip().startswith(("{", "["))
    if is_csv and not looks_like_json:
        return parse_csv(text, slug=slug, name=name, version=version)
    if not looks_like_json and not filename.lower().endswith(".json"):
        raise ImportFailed(
            [
                f"Cannot tell what format {filename} is in: upload a .csv file, a Waymark "
                "JSON file or a CASE 1.0 package."
            ]
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFailed(
            [f"{filename} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}."]
        ) from None
    if isinstance(document, dict):
        if "CFPackage" in document or "CFDocument" in document:
            return parse_case(document, slug=slug, name=name, version=version)
        if "framework" in document:
            return parse_waymark(document, slug=slug, name=name, version=version)
    raise ImportFailed(
        [
            f"{filename} is JSON but neither a Waymark framework file (an object with "
            '"framework" and "items") nor a CASE package (an object with "CFDocument").'
        ]
    )


# --- Waymark JSON ------------------------------------------------------------------------

WAYMARK_FRAMEWORK_KEYS = {
    "slug",
    "name",
    "version",
    "publisher",
    "source",
    "source_url",
    "corroborating_sources",
    "notes",
    "retrieved",
    "licence",
    "license",
    "external_id",
}
WAYMARK_ITEM_KEYS = {"code", "title", "parent", "description", "external_id"}


def parse_waymark(
    document: dict,
    *,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ParsedFramework:
    errors: list[str] = []
    meta = document.get("framework")
    items = document.get("items")
    if not isinstance(meta, dict):
        errors.append('"framework" must be an object with the name, version and source.')
        meta = {}
    if not isinstance(items, list):
        errors.append('"items" must be a list of items.')
        items = []

    def text(key: str, where: str = "framework") -> str:
        value = meta.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.append(f'{where}: "{key}" must be text.')
            return ""
        return value.strip()

    def texts(key: str) -> list[str]:
        value = meta.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value if v.strip()]
        errors.append(f'framework: "{key}" must be text or a list of texts.')
        return []

    source = text("source")
    published_version = text("version")
    parsed = ParsedFramework(
        slug=slug or text("slug") or slugify(name or text("name")),
        version=version or published_version,
        name=name or text("name"),
        publisher=text("publisher"),
        source_url=text("source_url") or first_url(source),
        source=_provenance(source, texts("corroborating_sources"), text("retrieved")),
        licence=text("licence") or text("license"),
        notes=texts("notes"),
        external_id=text("external_id"),
    )
    if published_version and parsed.version != published_version:
        parsed.notes.append(f"Version as published: {published_version}")
    for key in sorted(set(meta) - WAYMARK_FRAMEWORK_KEYS):
        # The framework row has no place for other keys; keep them readable in the notes
        # rather than dropping them.
        value = meta[key]
        parsed.notes.append(f"{key}: {value if isinstance(value, str) else json.dumps(value)}")

    for index, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            errors.append(f"item {index}: must be an object with a code and a title.")
            continue
        code = raw.get("code")
        where = (
            f"item {index} ({code})" if isinstance(code, str) and code.strip() else f"item {index}"
        )
        item = ParsedItem(
            code=_required_text(raw, "code", where, errors),
            title=_required_text(raw, "title", where, errors),
            description=_optional_text(raw, "description", where, errors),
            parent_code=_optional_text(raw, "parent", where, errors) or None,
            position=index,
            extra={k: v for k, v in raw.items() if k not in WAYMARK_ITEM_KEYS},
            external_id=_optional_text(raw, "external_id", where, errors),
            where=where,
        )
        parsed.items.append(item)
    return _validated(parsed, errors)


def _provenance(source: str, corroborating: list[str], retrieved: str) -> str:
    """The source text with the corroborating sources and retrieval note after it: all of
    it says where the content came from, which is what Framework.source is for."""
    parts = [source] if source else []
    if corroborating:
        parts.append("Corroborating sources:\n" + "\n".join(f"- {s}" for s in corroborating))
    if retrieved:
        parts.append(f"Retrieved: {retrieved}")
    return "\n\n".join(parts)


def first_url(text: str) -> str:
    match = URL_PATTERN.search(text or "")
    return match.group(0).rstrip(".,;:") if match else ""


def _required_text(raw: dict, key: str, where: str, errors: list[str]) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(f"{where}: the {key} is missing.")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: the {key} must be text, not {json.dumps(value)}.")
        return ""
    return value.strip()


def _optional_text(raw: dict, key: str, where: str, errors: list[str]) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: the {key} must be text, not {json.dumps(value)}.")
        return ""
    return value.strip()


# --- CSV ---------------------------------------------------------------------------------


def parse_csv(
    text: str,
    *,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ParsedFramework:
    # A CSV file holds only items: which framework they belong to is given when importing,
    # and the shared checks report a missing name or version.
    errors: list[str] = []
    parsed = ParsedFramework(
        slug=slug or slugify(name or ""),
        version=version or "",
        name=name or "",
        source="Imported from a CSV file.",
    )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            # A row starts on the line after the previous one ended; quoted fields may span
            # several lines, so reader.line_num alone would name the last of them.
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                if "parent" in header and "parent_code" not in header:
                    header[header.index("parent")] = "parent_code"
                if problems := _csv_header_problems(header, start):
                    # Without a usable header no row can be read.
                    raise ImportFailed(errors + problems)
                continue
            if len(row) != len(header):
                errors.append(
                    f"line {start}: expected {len(header)} columns ({', '.join(header)}), "
                    f"found {len(row)}."
                )
                continue
            values = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
            where = f"line {start}"
            if not values["code"]:
                errors.append(f"{where}: the code is empty.")
            if not values["title"]:
                errors.append(f"{where}: the title is empty.")
            parsed.items.append(
                ParsedItem(
                    code=values["code"],
                    title=values["title"],
                    description=values.get("description", ""),
                    parent_code=values.get("parent_code") or None,
                    position=len(parsed.items) + 1,
                    extra={
                        k: v
                        for k, v in values.items()
                        if k not in (*CSV_COLUMNS, "external_id") and v
                    },
                    external_id=values.get("external_id", ""),
                    where=where,
                )
            )
    except csv.Error as e:
        errors.append(f"line {reader.line_num}: {e}.")
    if header is None:
        errors.append(f"The file is empty: expected a header line {','.join(CSV_COLUMNS)}.")
    return _validated(parsed, errors)


def _csv_header_problems(header: list[str], line: int) -> list[str]:
    errors = []
    missing = [c for c in ("code", "title") if c not in header]
    if missing:
        errors.append(
            f"line {line}: the header must name the columns {','.join(CSV_COLUMNS)}; "
            f"there is no {' or '.join(missing)} column."
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        errors.append(f"line {line}: the header names {', '.join(duplicated)} more than once.")
    if "" in header:
        errors.append(f"line {line}: the header has a column without a name.")
    return errors


# --- 1EdTech CASE 1.0 --------------------------------------------------------------------

# CFItem fields that become the item's own columns, and bookkeeping that would only make
# every re-export look like a change.
CASE_MAPPED_ITEM_KEYS = {
    "identifier",
    "humanCodingScheme",
    "fullStatement",
    "abbreviatedStatement",
    "lastChangeDateTime",
    "CFDocumentURI",
}


def parse_case(
    document: dict,
    *,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ParsedFramework:
    errors: list[str] = []
    package = document.get("CFPackage", document)
    if not isinstance(package, dict):
        raise ImportFailed(["CFPackage must be an object."])
    doc = package.get("CFDocument")
    cf_items = package.get("CFItems", [])
    cf_associations = package.get("CFAssociations", [])
    if not isinstance(doc, dict):
        errors.append("CFDocument must be an object.")
        doc = {}
    if not isinstance(cf_items, list):
        errors.append("CFItems must be a list.")
        cf_items = []
    if not isinstance(cf_associations, list):
        errors.append("CFAssociations must be a list.")
        cf_associations = []

    doc_id = _optional_text(doc, "identifier", "CFDocument", errors)
    title = _optional_text(doc, "title", "CFDocument", errors)
    if not doc_id:
        errors.append("CFDocument: the identifier is missing.")
    published_version = _optional_text(doc, "version", "CFDocument", errors)
    creator = _optional_text(doc, "creator", "CFDocument", errors)
    publisher = _optional_text(doc, "publisher", "CFDocument", errors) or creator
    official_url = _optional_text(doc, "officialSourceURL", "CFDocument", errors)
    uri = _optional_text(doc, "uri", "CFDocument", errors)

    notes = [
        n
        for n in (
            _optional_text(doc, "description", "CFDocument", errors),
            _optional_text(doc, "notes", "CFDocument", errors),
        )
        if n
    ]
    if creator and creator != publisher:
        notes.append(f"Creator: {creator}")
    if published_version and version and version != published_version:
        notes.append(f"Version as published: {published_version}")
    source = f"1EdTech CASE 1.0 package for CFDocument {doc_id}"
    if uri:
        source += f" ({uri})"
    if official_url:
        source += f"; official source {official_url}"

    parsed = ParsedFramework(
        slug=slug or slugify(name or title),
        version=version or published_version,
        name=name or title,
        publisher=publisher,
        source_url=official_url if official_url.startswith(("http://", "https://")) else "",
        source=source + ".",
        licence=_case_licence(doc, package),
        notes=notes,
        external_id=doc_id,
    )

    by_identifier: dict[str, ParsedItem] = {}
    for index, raw in enumerate(cf_items, start=1):
        if not isinstance(raw, dict):
            errors.append(f"CFItems[{index}]: must be an object.")
            continue
        identifier = raw.get("identifier")
        code = raw.get("humanCodingScheme")
        if not isinstance(identifier, str) or not identifier.strip():
            errors.append(f"CFItems[{index}]: the identifier is missing.")
            continue
        identifier = identifier.strip()
        code = code.strip() if isinstance(code, str) and code.strip() else identifier
        where = f"CFItem {code}" if code == identifier else f"CFItem {code} ({identifier})"
        if identifier in by_identifier:
            errors.append(f"{where}: the identifier is used by another CFItem too.")
            continue
        full = _required_text(raw, "fullStatement", where, errors)
        short = _optional_text(raw, "abbreviatedStatement", where, errors)
        title_text = short or full
        limit = Item._meta.get_field("title").max_length
        if len(title_text) > limit:
            # The full statement is kept whole in the description.
            title_text = title_text[: limit - 1].rstrip() + "…"
        by_identifier[identifier] = ParsedItem(
            code=code,
            title=title_text,
            description=full if full != title_text else "",
            position=index,
            extra={
                k: v
                for k, v in raw.items()
                if k not in CASE_MAPPED_ITEM_KEYS and v not in ("", None)
            },
            external_id=identifier,
            where=where,
        )

    # Only isChildOf shapes the tree: origin is the child, destination the parent (another
    # CFItem, or the CFDocument itself for a top-level item). The other association types
    # (isPeerOf, exactMatchOf, precedes, ...) relate items without nesting them.
    parent_of: dict[str, tuple[str | None, float]] = {}
    for index, raw in enumerate(cf_associations, start=1):
        if not isinstance(raw, dict) or raw.get("associationType") != CASE_PARENT_ASSOCIATION:
            continue
        label = f"CFAssociation {raw.get('identifier') or f'[{index}]'}"
        child = _node_identifier(raw.get("originNodeURI"))
        parent = _node_identifier(raw.get("destinationNodeURI"))
        if not child or not parent:
            errors.append(f"{label}: isChildOf needs originNodeURI and destinationNodeURI.")
            continue
        if child not in by_identifier:
            errors.append(f"{label}: the child {child} is not a CFItem in this package.")
            continue
        item = by_identifier[child]
        if parent == doc_id:
            parent_identifier = None
        elif parent in by_identifier:
            parent_identifier = parent
        else:
            errors.append(
                f"{item.where}: its parent {parent} (in {label}) is neither the CFDocument "
                "nor a CFItem in this package."
            )
            continue
        sequence = raw.get("sequenceNumber")
        order = sequence if isinstance(sequence, int | float) else float("inf")
        if child in parent_of and parent_of[child][0] != parent_identifier:
            # A CASE item may sit under several parents; a Waymark item has one. Keep the
            # first and record the others so nothing is lost.
            other = by_identifier[parent_identifier].code if parent_identifier else "(top level)"
            item.extra.setdefault("other_parents", []).append(other)
            continue
        parent_of[child] = (parent_identifier, order)

    children: dict[str | None, list[str]] = {}
    for identifier, item in by_identifier.items():
        parent_identifier, order = parent_of.get(identifier, (None, float("inf")))
        item.parent_code = by_identifier[parent_identifier].code if parent_identifier else None
        children.setdefault(parent_identifier, []).append(identifier)
    # Positions follow the tree depth-first, siblings by sequenceNumber then file order,
    # so sorting a framework's items by position reads it top to bottom.
    ordered: list[str] = []
    stack = list(reversed(_in_sequence(children.get(None, []), parent_of, by_identifier)))
    seen = set()
    while stack:
        identifier = stack.pop()
        if identifier in seen:
            continue
        seen.add(identifier)
        ordered.append(identifier)
        stack.extend(reversed(_in_sequence(children.get(identifier, []), parent_of, by_identifier)))
    # Items caught in a cycle are unreachable from the top; the tree check reports them.
    ordered += [i for i in by_identifier if i not in seen]
    for position, identifier in enumerate(ordered, start=1):
        by_identifier[identifier].position = position
    parsed.items = [by_identifier[i] for i in ordered]
    return _validated(parsed, errors)


def _node_identifier(node: Any) -> str:
    if isinstance(node, dict) and isinstance(node.get("identifier"), str):
        return node["identifier"].strip()
    return ""


def _in_sequence(
    identifiers: list[str],
    parent_of: dict[str, tuple[str | None, float]],
    by_identifier: dict[str, ParsedItem],
) -> list[str]:
    return sorted(
        identifiers,
        key=lambda i: (parent_of.get(i, (None, float("inf")))[1], by_identifier[i].position),
    )


def _case_licence(doc: dict, package: dict) -> str:
    link = doc.get("licenseURI")
    if not isinstance(link, dict):
        return ""
    parts = [link.get("title"), link.get("uri")]
    definitions = package.get("CFDefinitions")
    licences = definitions.get("CFLicenses") if isinstance(definitions, dict) else None
    for licence in licences if isinstance(licences, list) else []:
        if isinstance(licence, dict) and licence.get("identifier") == link.get("identifier"):
            parts.append(licence.get("licenseText"))
    return "\n".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


# --- Checks every format shares ----------------------------------------------------------


def _validated(parsed: ParsedFramework, errors: list[str]) -> ParsedFramework:
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
