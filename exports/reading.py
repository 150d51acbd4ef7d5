"""Opening a portable archive someone uploaded: untrusted input. Before anything is read
into the portfolio, the ZIP must be no larger than the settings allow, hold only plain files
with plain relative names (no traversal, absolute paths, links or duplicates), expand no
further than the settings allow in all and file by file, and hold exactly the files its
manifest lists, each with the SHA-256 the manifest gives."""

import hashlib
import json
import stat
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import BinaryIO

from django.conf import settings

from exports.archive import MANIFEST

CHUNK = 1024 * 1024


class ArchiveRefused(Exception):
    """The archive cannot be imported; `problems` says why, each naming the file and, for
    portfolio.json, the JSON path."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class Archive:
    """An archive that passed every check: its files' bytes, read through `read`."""

    def __init__(self, zip_file: zipfile.ZipFile, names: set[str]):
        self.zip = zip_file
        self.names = names

    def read(self, name: str) -> bytes:
        return _read_capped(self.zip, self.zip.getinfo(name))


def open_archive(upload: BinaryIO) -> Archive:
    size = _size_of(upload)
    if size > settings.ARCHIVE_MAX_BYTES:
        raise ArchiveRefused(
            [f"The archive is {megabytes(size)}; the most this site imports is "
             f"{megabytes(settings.ARCHIVE_MAX_BYTES)}."]
        )  # fmt: skip
    try:
        zip_file = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRefused([f"This is not a ZIP archive: {error}"]) from None
    names = _check_entries(zip_file.infolist())
    _check_manifest(zip_file, names)
    return Archive(zip_file, names)


def _size_of(upload: BinaryIO) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def unsafe_name(name: str) -> str | None:
    """Why a member's name cannot be extracted safely, or None."""
    if "\\" in name or "\x00" in name:
        return "has a backslash or NUL in its name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if any(part in ("..", ".", "") for part in PurePosixPath(name).parts) or name.endswith("/"):
        return "leaves the archive's folder (.. in its path)" if ".." in name else "is not a file"
    return None


def _check_entries(infos: list[zipfile.ZipInfo]) -> set[str]:
    problems, names, total = [], set(), 0
    if len(infos) > settings.ARCHIVE_MAX_FILES:
        raise ArchiveRefused(
            [f"The archive holds {len(infos)} files; the most this site imports is "
             f"{settings.ARCHIVE_MAX_FILES}."]
        )  # fmt: skip
    for info in infos:
        name = info.filename
        reason = unsafe_name(name)
        mode = info.external_attr >> 16
        if reason is None and stat.S_ISLNK(mode):
            reason = "is a symbolic link"
        if reason is None and name in names:
            reason = "appears more than once"
        if reason is None and info.file_size > settings.ARCHIVE_MAX_FILE_BYTES:
            reason = (
                f"would expand to {megabytes(info.file_size)}, over the "
                f"{megabytes(settings.ARCHIVE_MAX_FILE_BYTES)} a file may be"
            )
        if reason is None and info.file_size > settings.ARCHIVE_MAX_RATIO * max(
            info.compress_size, 1
        ):
            reason = (
                f"expands {info.file_size // max(info.compress_size, 1)} times over, more than "
                f"the {settings.ARCHIVE_MAX_RATIO} times this site allows (a zip bomb?)"
            )
        if reason:
            problems.append(f"{name!r} {reason}.")
        names.add(name)
        total += info.file_size
    if total > settings.ARCHIVE_MAX_TOTAL_BYTES:
        problems.append(
            f"The archive would expand to {megabytes(total)} in all, over the "
            f"{megabytes(settings.ARCHIVE_MAX_TOTAL_BYTES)} this site imports."
        )
    if problems:
        raise ArchiveRefused(problems)
    return names


def _read_capped(zip_file: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its header declared (which was checked against
    the limits): zipfile itself stops at the declared size and checks the CRC."""
    chunks, read = [], 0
    try:
        with zip_file.open(info) as member:
            while chunk := member.read(CHUNK):
                read += len(chunk)
                if read > info.file_size:
                    raise ArchiveRefused([f"{info.filename}: larger than its header says."])
                chunks.append(chunk)
    # Damaged data, an unknown compression method, or an encrypted member.
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise ArchiveRefused([f"{info.filename}: cannot be read ({error})."]) from error
    return b"".join(chunks)


def _check_manifest(zip_file: zipfile.ZipFile, names: set[str]) -> None:
    if MANIFEST not in names:
        raise ArchiveRefused([f"{MANIFEST} is missing: this is not a Waymark archive."])
    try:
        manifest = json.loads(_read_capped(zip_file, zip_file.getinfo(MANIFEST)))
        listed = manifest["files"]
        assert isinstance(listed, dict)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ArchiveRefused([f"{MANIFEST}: not a manifest (no “files” object)."]) from None
    problems = []
    for name in sorted(names - {MANIFEST} - set(listed)):
        problems.append(f"{name}: in the archive but not in {MANIFEST}.")
    for name in sorted(set(listed) - names):
        problems.append(f"{MANIFEST} at $.files[{name!r}]: {name} is not in the archive.")
    for name in sorted(set(listed) & names):
        digest = hashlib.sha256(_read_capped(zip_file, zip_file.getinfo(name))).hexdigest()
        if digest != listed[name]:
            problems.append(
                f"{name}: its SHA-256 is {digest}, not the {listed[name]} {MANIFEST} gives "
                "(the file was changed or damaged)."
            )
    if problems:
        raise ArchiveRefused(problems)
