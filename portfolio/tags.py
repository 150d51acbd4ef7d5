"""Tag names in one form, so that "#journal club", "Journal-Club" and "journal  club" are one
tag, and a badge rule's tags match however the trainee typed them."""

import re

MAX_LENGTH = 50  # Tag.name's max_length
_SEPARATORS = re.compile(r"[\s_-]+")


def normal_tag(name: str) -> str:
    """Lower case, without a leading '#', words joined by single hyphens: 'journal-club'.
    Empty when nothing is left."""
    name = _SEPARATORS.sub("-", name.strip().lstrip("#").lower()).strip("-")
    return name[:MAX_LENGTH].rstrip("-")
