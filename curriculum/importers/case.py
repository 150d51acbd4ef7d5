"""1EdTech CASE 1.0 packages (CFPackage): a CFDocument, its CFItems, and CFAssociations of
which only isChildOf builds the tree."""

from typing import Any

from django.utils.text import slugify

from curriculum.importers.checks import validated
from curriculum.importers.parsed import (
    GivenNames,
    ImportFailed,
    ParsedFramework,
    ParsedItem,
    optional_text,
    required_text,
)
from curriculum.models import Item

CASE_PARENT_ASSOCIATION = "isChildOf"

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


def parse_case(document: dict, given: GivenNames) -> ParsedFramework:
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

    doc_id = optional_text(doc, "identifier", "CFDocument", errors)
    title = optional_text(doc, "title", "CFDocument", errors)
    if not doc_id:
        errors.append("CFDocument: the identifier is missing.")
    published_version = optional_text(doc, "version", "CFDocument", errors)
    creator = optional_text(doc, "creator", "CFDocument", errors)
    publisher = optional_text(doc, "publisher", "CFDocument", errors) or creator
    official_url = optional_text(doc, "officialSourceURL", "CFDocument", errors)
    uri = optional_text(doc, "uri", "CFDocument", errors)

    notes = [
        n
        for n in (
            optional_text(doc, "description", "CFDocument", errors),
            optional_text(doc, "notes", "CFDocument", errors),
        )
        if n
    ]
    if creator and creator != publisher:
        notes.append(f"Creator: {creator}")
    if published_version and given.version and given.version != published_version:
        notes.append(f"Version as published: {published_version}")
    source = f"1EdTech CASE 1.0 package for CFDocument {doc_id}"
    if uri:
        source += f" ({uri})"
    if official_url:
        source += f"; official source {official_url}"

    parsed = ParsedFramework(
        slug=given.slug or slugify(given.name or title),
        version=given.version or published_version,
        name=given.name or title,
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
        full = required_text(raw, "fullStatement", where, errors)
        short = optional_text(raw, "abbreviatedStatement", where, errors)
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
    return validated(parsed, errors)


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
