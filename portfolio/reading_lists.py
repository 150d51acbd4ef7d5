"""Reading lists as reference managers export them (Zotero, Mendeley, EndNote): BibTeX, RIS or
CSL-JSON, read into plain references a trainee can choose to log as reading entries.

Pure functions over the uploaded bytes: no database, no network. The file is untrusted, so it
is bounded in size before any parser sees it and in references after, must be UTF-8, and
nothing in it is ever fetched (a DOI or URL is only text here). A record that cannot be used
is named in a problem ("record 7 (smith2020): no title") and left out; the others stay
importable."""

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock
from django.core import signing

# A reading list of several hundred references is a few hundred kilobytes in any format.
MAX_FILE_BYTES = 1_000_000
# More than a year's reading; also bounds the signed preview a browser carries back.
MAX_REFERENCES = 500
TITLE_MAX_LENGTH = 200

# How long a preview can be imported from: long enough to choose, not to keep.
PREVIEW_MAX_AGE_SECONDS = 60 * 60
PREVIEW_SALT = "portfolio.reading-list-preview"

FORMATS = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}

# The DOI handbook's syntax: the directory indicator 10., a registrant code, a slash and a
# suffix; printable ASCII only here, which every DOI in practice is.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[!-~]+$")
DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
YEAR_PATTERN = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


class ReadingListError(ValueError):
    """The file as a whole cannot be read; the message says why, in words for the trainee."""


@dataclass(frozen=True)
class Reference:
    """One reference, as a reading entry will record it."""

    title: str
    authors: tuple[str, ...] = ()
    journal: str = ""
    year: int | None = None
    doi: str = ""
    # Where it came from in the file, for messages: "record 3 (smith2020)".
    record: str = ""

    @property
    def identity(self) -> str:
        """What makes two references the same reading: the DOI where there is one, else the
        title and year (so that a book without a DOI is not logged twice either)."""
        if self.doi:
            return f"doi:{self.doi}"
        words = " ".join(re.sub(r"\W+", " ", self.title.casefold()).split())
        digest = hashlib.sha256(f"{words}|{self.year or ''}".encode()).hexdigest()
        return f"title:{digest[:40]}"

    @property
    def doi_url(self) -> str:
        # Characters that end a URL's path (# ?), escape (%) or are unsafe in one (< > as in
        # old SICI DOIs) are percent-encoded, as the DOI handbook asks of DOIs in URLs.
        return f"https://doi.org/{quote(self.doi, safe='/:;()._-')}" if self.doi else ""

    @property
    def citation(self) -> str:
        """Authors, journal and year, Vancouver-like, as doctors cite."""
        parts = [", ".join(self.authors)] if self.authors else []
        parts += [p for p in (self.journal, str(self.year) if self.year else "") if p]
        return ". ".join(parts)

    def as_data(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "Reference":
        return cls(**{**data, "authors": tuple(data.get("authors", ()))})


@dataclass
class ReadingList:
    format: str
    references: list[Reference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class PreviewExpired(ValueError):
    """A preview that cannot be imported from: too old, altered, or another trainee's."""


def sign_preview(reading_list: ReadingList, *, trainee_id: int) -> str:
    """The parsed list as a token the browser or an app hands back to import from: signed,
    so that what is imported is exactly what Waymark read from the file, and bound to the
    trainee it was read for. Nothing is kept on the server between the two requests."""
    return signing.dumps(
        {
            "trainee": trainee_id,
            "format": reading_list.format,
            "references": [r.as_data() for r in reading_list.references],
            "problems": reading_list.problems,
        },
        salt=PREVIEW_SALT,
        compress=True,
    )


def open_preview(token: str, *, trainee_id: int) -> ReadingList:
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise PreviewExpired("This preview is over an hour old. Upload the file again.") from None
    except signing.BadSignature:
        raise PreviewExpired("This preview is not one Waymark made. Upload the file.") from None
    if data.get("trainee") != trainee_id:
        raise PreviewExpired("This preview was made for someone else. Upload your own file.")
    return ReadingList(
        format=data["format"],
        references=[Reference.from_data(r) for r in data["references"]],
        problems=data["problems"],
    )


def normal_doi(value: str) -> str:
    """A DOI as one string however it was written: without its https://doi.org/ or doi:
    prefix, lower case (DOIs are case-insensitive). Empty if there is none; ValueError if
    what is there is not a DOI."""
    doi = DOI_PREFIXES.sub("", (value or "").strip()).strip()
    if not doi:
        return ""
    doi = doi.lower()
    if not DOI_PATTERN.match(doi) or len(doi) > 180:
        raise ValueError(f"“{value.strip()[:80]}” is not a DOI")
    return doi


def read_reading_list(content: bytes, filename: str = "") -> ReadingList:
    """The references in an exported reading list, and the problems with records left out."""
    if len(content) > MAX_FILE_BYTES:
        raise ReadingListError(
            f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB. Export fewer references "
            "at a time."
        )
    try:
        # utf-8-sig: EndNote and Excel put a byte-order mark in front.
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadingListError(
            "The file is not UTF-8 text. Export it again choosing the UTF-8 (Unicode) encoding."
        ) from None
    if "\x00" in text:
        raise ReadingListError("The file is not a text file.")
    kind = _format_of(text, filename)
    reader = {"bibtex": _read_bibtex, "ris": _read_ris, "csl-json": _read_csl_json}[kind]
    reading_list = ReadingList(format=kind)
    raw_records = reader(text)
    if len(raw_records) > MAX_REFERENCES:
        raise ReadingListError(
            f"The file has {len(raw_records)} references; import at most {MAX_REFERENCES} "
            "at a time."
        )
    seen: dict[str, str] = {}
    for number, (name, fields_or_problem) in enumerate(raw_records, start=1):
        record = f"record {number}" + (f" ({name})" if name else "")
        if isinstance(fields_or_problem, str):
            reading_list.problems.append(f"{record}: {fields_or_problem}")
            continue
        try:
            reference = _reference(record, **fields_or_problem)
        except ValueError as problem:
            reading_list.problems.append(f"{record}: {problem}")
            continue
        if reference.identity in seen:
            same = "DOI" if reference.doi else "title and year"
            reading_list.problems.append(
                f"{record}: the same {same} as {seen[reference.identity]}; listed once"
            )
            continue
        seen[reference.identity] = record
        reading_list.references.append(reference)
    if not reading_list.references and not reading_list.problems:
        raise ReadingListError(f"No references found in this {FORMATS[kind]} file.")
    return reading_list


def _format_of(text: str, filename: str) -> str:
    start = text.lstrip()[:1]
    name = filename.lower()
    if name.endswith(".json") or start in ("[", "{"):
        return "csl-json"
    if name.endswith((".ris", ".txt")) or re.match(r"\s*TY  -", text):
        return "ris"
    if name.endswith(".bib") or "@" in text[:10_000]:
        return "bibtex"
    raise ReadingListError(
        "This is not a reading list Waymark can read. Export it from your reference manager "
        "as BibTeX (.bib), RIS (.ris) or CSL JSON (.json)."
    )


def _reference(record: str, *, title, authors, journal, year, doi) -> Reference:
    title = _clean(title)
    if not title:
        raise ValueError("no title")
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return Reference(
        title=title,
        authors=tuple(a for a in (_author(name) for name in authors) if a),
        journal=_clean(journal)[:200],
        year=_year(year),
        doi=normal_doi(_clean(doi)),
        record=record,
    )


def _clean(value) -> str:
    """One line of printable text: braces BibTeX keeps for capitals gone, spaces squeezed."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("{", "").replace("}", "")
    return " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    found = YEAR_PATTERN.search(str(value))
    if not found:
        raise ValueError(f"the year “{str(value)[:20]}” is not a year")
    return int(found.group(1))


def _author(name) -> str:
    """ "Smith, John Andrew", "John Andrew Smith" or CSL's {"family", "given"} as "Smith JA";
    an organisation (no given name) as it is."""
    if isinstance(name, dict):
        family, given = _clean(name.get("family")), _clean(name.get("given"))
        if not family:
            return _clean(name.get("literal"))
        if not given:
            return family
    else:
        name = _clean(name)
        if "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
        elif " " in name:
            given, family = name.rsplit(" ", 1)
        else:
            return name
    initials = "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)
    return f"{family} {initials}".strip()


# --- Formats: each reader gives (record name, fields) or (record name, problem) per record ---


def _parse_bibtex(text: str):
    return bibtexparser.parse_string(
        text,
        append_middleware=[
            # Zotero writes accents as LaTeX (Sch{\"o}n). Braces are kept while names are
            # split, so that "and" inside them ({Health and Care}) stays part of an
            # organisation's name; _clean drops them after.
            middlewares.LatexDecodingMiddleware(keep_braced_groups=True),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )


def _read_bibtex(text: str) -> list[tuple[str, dict | str]]:
    try:
        library = _parse_bibtex(text)
    except Exception:  # bibtexparser keeps most errors to their block; others are the file's
        raise ReadingListError(
            "The BibTeX file could not be read. Export it again from your reference manager."
        ) from None
    records = []
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            records.append((block.key, "the key is used by an earlier record; listed once"))
        elif hasattr(block, "error"):
            records.append((_bibtex_key(block.raw), _bibtex_error(block)))
        elif hasattr(block, "entry_type"):
            values = {f.key.lower(): f.value for f in block.fields}
            names = values.get("author") or values.get("editor") or []
            authors = [
                {"family": " ".join(n.von + n.last), "given": " ".join(n.first)}
                if isinstance(n, middlewares.NameParts)
                else str(n)
                for n in (names if isinstance(names, list) else [names])
            ]
            records.append(
                (
                    block.key,
                    {
                        "title": values.get("title", ""),
                        "authors": authors,
                        "journal": values.get("journal")
                        or values.get("journaltitle")
                        or values.get("booktitle")
                        or values.get("publisher", ""),
                        "year": values.get("year") or values.get("date", ""),
                        "doi": values.get("doi", ""),
                    },
                )
            )
    return records


def _bibtex_key(raw: str | None) -> str:
    found = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", raw or "")
    return found.group(1) if found else ""


def _bibtex_error(block) -> str:
    line = f" at line {block.start_line + 1}" if block.start_line is not None else ""
    return f"could not be read{line}; check its braces and commas"


def _read_ris(text: str) -> list[tuple[str, dict | str]]:
    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises plain exceptions for malformed lines
        raise ReadingListError(f"The RIS file could not be read: {error}") from None
    starts = len(re.findall(r"^TY  -", text, re.MULTILINE))
    read = []
    for record in records:
        read.append(
            (
                str(record.get("id", ""))[:40],
                {
                    "title": record.get("title") or record.get("primary_title", ""),
                    "authors": record.get("authors") or record.get("first_authors") or [],
                    "journal": record.get("secondary_title")
                    or record.get("journal_name")
                    or record.get("alternate_title3")
                    or record.get("alternate_title2")
                    or record.get("publisher", ""),
                    "year": record.get("year") or record.get("publication_year", ""),
                    "doi": record.get("doi", ""),
                },
            )
        )
    if starts > len(records):
        # rispy drops a record whose ER line is missing rather than failing.
        read.append(("", f"{starts - len(records)} record(s) with no ER (end) line were not read"))
    return read


def _read_csl_json(text: str) -> list[tuple[str, dict | str]]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ReadingListError(f"The CSL JSON file is not valid JSON: {error}") from None
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list):
        raise ReadingListError("A CSL JSON reading list is a list of references.")
    read = []
    for item in data:
        if not isinstance(item, dict):
            read.append(("", "is not a reference (a JSON object)"))
            continue
        # Zotero's ids are item URLs: the item's own key is the part to name.
        name = str(item.get("id", "")).rstrip("/").rsplit("/", 1)[-1][:40]
        authors = item.get("author", [])
        if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
            read.append((name, "its authors are not a list of names"))
            continue
        title = item.get("title", "")
        if not isinstance(title, str):
            read.append((name, "its title is not text"))
            continue
        read.append(
            (
                name,
                {
                    "title": title,
                    "authors": authors,
                    "journal": _text(item.get("container-title")),
                    "year": _csl_year(item.get("issued")),
                    "doi": _text(item.get("DOI")),
                },
            )
        )
    return read


def _text(value) -> str:
    if isinstance(value, list):  # some exporters give container-title as a list
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _csl_year(issued) -> str:
    if not isinstance(issued, dict):
        return ""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return str(parts[0][0])
    return _text(issued.get("raw")) or _text(issued.get("literal"))
