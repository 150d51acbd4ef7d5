"""Waymark JSON, as in curriculum/data: {"framework": {...}, "items": [{code, title, parent,
description, ...}]}."""

import json
import re

from django.utils.text import slugify

from curriculum.importers.checks import validated
from curriculum.importers.parsed import (
    GivenNames,
    ParsedFramework,
    ParsedItem,
    optional_text,
    required_text,
)

URL_PATTERN = re.compile(r"https?://[^\s<>\"'()\[\]]+")

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


def parse_waymark(document: dict, given: GivenNames) -> ParsedFramework:
    errors: list[str] = []
    meta = document.get("framework")
    items = document.get("items")
    if not isinstance(meta, dict):
        errors.append('"framework" must be an object with the name, version and source.')
        meta = {}
    if not isinstance(items, list):
        errors.append('"items" must be a list of items.')
        items = []

    def text(key: str) -> str:
        return optional_text(meta, key, "framework", errors)

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
        slug=given.slug or text("slug") or slugify(given.name or text("name")),
        version=given.version or published_version,
        name=given.name or text("name"),
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
            code=required_text(raw, "code", where, errors),
            title=required_text(raw, "title", where, errors),
            description=optional_text(raw, "description", where, errors),
            parent_code=optional_text(raw, "parent", where, errors) or None,
            position=index,
            extra={k: v for k, v in raw.items() if k not in WAYMARK_ITEM_KEYS},
            external_id=optional_text(raw, "external_id", where, errors),
            where=where,
        )
        parsed.items.append(item)
    return validated(parsed, errors)


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
