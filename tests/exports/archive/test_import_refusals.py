"""Archives are untrusted input. Each way of abusing a ZIP, and each reference that does not
hold, is refused with a message naming the file (and JSON path), and nothing is written:
no rows, no stored files."""

import hashlib
import io
import json
import stat
import warnings
import zipfile

import pytest

from exports.importer import import_portfolio
from exports.reading import ArchiveRefused
from portfolio.models import LearningEntry
from tests.exports.archive.conftest import exported_from_another_instance, read_zip

pytestmark = pytest.mark.django_db


def zipped(files: dict[str, bytes], *, manifest: dict | None = None, infos=()) -> bytes:
    """An archive of `files` with a manifest of their true hashes (or the one given), and
    any extra members given as (ZipInfo, bytes)."""
    if manifest is None:
        manifest = {
            "format": "waymark-archive/1",
            "files": {n: hashlib.sha256(c).hexdigest() for n, c in files.items()},
        }
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names made on purpose
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
            for info, content in infos:
                archive.writestr(info, content)
            archive.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


@pytest.fixture
def exported(settings):
    """The files of an archive from another site (which this one does not hold), but its
    manifest, which each test writes."""
    files = read_zip(exported_from_another_instance("https://a.waymark.example", settings))
    files.pop("manifest.json")
    return files


@pytest.fixture
def newcomer(stored):
    """Someone importing into this site, and a check that nothing of theirs was written."""
    from tests.factories import UserFactory

    user = UserFactory(email="newcomer@example.org")
    files_before = stored()

    def nothing_written():
        return not LearningEntry.objects.filter(trainee=user).exists() and stored() == files_before

    user.nothing_written = nothing_written
    return user


def refusal(user, content: bytes) -> list[str]:
    with pytest.raises(ArchiveRefused) as refused:
        import_portfolio(actor=user, trainee=user, archive_file=io.BytesIO(content))
    assert user.nothing_written()
    return refused.value.problems


def edited(exported: dict, change) -> dict:
    document = json.loads(exported["portfolio.json"])
    change(document)
    return {**exported, "portfolio.json": json.dumps(document).encode()}


def test_a_zip_bomb_is_refused_by_its_expansion_ratio(exported, newcomer):
    bomb = {**exported, "evidence/bomb.bin": b"\0" * 5_000_000}

    [problem] = refusal(newcomer, zipped(bomb))

    assert problem.startswith("'evidence/bomb.bin' expands ")
    assert "times over" in problem


def test_a_file_larger_than_allowed_is_refused(exported, newcomer, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 1000
    big = {**exported, "evidence/big.bin": bytes(range(256)) * 8}

    problems = refusal(newcomer, zipped(big))

    assert "'evidence/big.bin' would expand to" in " ".join(problems)


def test_an_archive_expanding_beyond_the_total_allowed_is_refused(exported, newcomer, settings):
    settings.ARCHIVE_MAX_TOTAL_BYTES = 2000

    problems = refusal(newcomer, zipped(exported))

    assert problems[-1].startswith("The archive would expand to")


def test_an_archive_larger_than_allowed_is_refused_before_it_is_opened(
    exported, newcomer, settings
):
    settings.ARCHIVE_MAX_BYTES = 100

    [problem] = refusal(newcomer, zipped(exported))

    assert "the most this site imports is" in problem


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/cron.d/evil", "leaves the archive's folder"),
        ("evidence/../../evil", "leaves the archive's folder"),
        ("/etc/passwd", "is an absolute path"),
        ("C:/Windows/evil.dll", "is an absolute path"),
        ("evidence\\evil", "has a backslash"),
    ],
)
def test_names_that_leave_the_archive_are_refused(exported, newcomer, name, reason):
    problems = refusal(newcomer, zipped({**exported, name: b"x"}))

    assert f"{name!r} {reason}" in " ".join(problems)


def test_a_symbolic_link_is_refused(exported, newcomer):
    link = zipfile.ZipInfo("evidence/link.pdf")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    problems = refusal(newcomer, zipped(exported, infos=[(link, b"/etc/passwd")]))

    assert "'evidence/link.pdf' is a symbolic link." in problems


def test_a_name_used_twice_is_refused(exported, newcomer):
    again = zipfile.ZipInfo("portfolio.json")

    problems = refusal(newcomer, zipped(exported, infos=[(again, b"{}")]))

    assert "'portfolio.json' appears more than once." in problems


def test_a_file_that_does_not_match_its_manifest_hash_is_refused(exported, newcomer):
    honest = zipped(exported)
    manifest = json.loads(read_zip(honest)["manifest.json"])
    [pdf] = [name for name in exported if name.endswith(".pdf")]
    tampered = {**exported, pdf: exported[pdf] + b"% appended"}

    [problem] = refusal(newcomer, zipped(tampered, manifest=manifest))

    assert problem.startswith(f"{pdf}: its SHA-256 is ")
    assert "not the " + manifest["files"][pdf] in problem


def test_a_file_missing_from_the_manifest_is_refused(exported, newcomer):
    manifest = json.loads(read_zip(zipped(exported))["manifest.json"])

    problems = refusal(newcomer, zipped({**exported, "extra.txt": b"hi"}, manifest=manifest))

    assert problems == ["extra.txt: in the archive but not in manifest.json."]


def test_something_that_is_not_a_zip_is_refused(newcomer):
    [problem] = refusal(newcomer, b"%PDF-1.7 not an archive")

    assert problem.startswith("This is not a ZIP archive")


def test_an_unknown_framework_item_is_named_by_its_json_path(exported, newcomer):
    def change(document):
        document["entries"][3]["mappings"] = [
            {"framework": "uk-foundation", "version": "2021", "item": "FP-1.2"}
        ]

    problems = refusal(newcomer, zipped(edited(exported, change)))

    assert problems == [
        "portfolio.json at $.entries[3].mappings[0]: unknown framework item 'FP-1.2' in "
        "uk-foundation 2021"
    ]


def test_an_unknown_framework_is_reported_not_guessed(exported, newcomer):
    def change(document):
        document["entries"][0]["mappings"] = [
            {"framework": "uk-foundation", "version": "2016", "item": "FPC1"}
        ]

    [problem] = refusal(newcomer, zipped(edited(exported, change)))

    assert problem.startswith(
        "portfolio.json at $.entries[0].mappings[0]: unknown framework uk-foundation 2016"
    )


def test_a_document_outside_the_schema_is_refused_with_json_paths(exported, newcomer):
    def change(document):
        document["entries"][1]["title"] = ""
        document["entries"][2]["kind"] = "party"

    problems = refusal(newcomer, zipped(edited(exported, change)))

    assert [p.split(":")[0] for p in problems] == [
        "portfolio.json at $.entries[1].title",
        "portfolio.json at $.entries[2].kind",
    ]


def test_evidence_the_document_names_but_the_archive_lacks_is_refused(exported, newcomer):
    [pdf] = [name for name in exported if name.endswith(".pdf")]
    without = {name: content for name, content in exported.items() if name != pdf}

    problems = refusal(newcomer, zipped(without))

    assert any(p.endswith(f": {pdf} is not in the archive.") for p in problems)


def test_a_uid_used_twice_in_the_document_is_refused(exported, newcomer):
    def change(document):
        document["entries"][1]["uid"] = document["entries"][0]["uid"]

    problems = refusal(newcomer, zipped(edited(exported, change)))

    assert problems[0].startswith("portfolio.json at $.entries[1]: uid ")
    assert problems[0].endswith("is also used at $.entries[0].")


def test_an_entry_refused_while_writing_leaves_no_rows_and_no_files(exported, newcomer):
    # Passes the schema, but no entry may be dated in the future: found only as the last
    # entry is written, after the evidence of an earlier one was stored.
    def change(document):
        document["entries"][-1]["date"] = "2999-01-01"

    [problem] = refusal(newcomer, zipped(edited(exported, change)))

    assert problem.startswith("portfolio.json at $.entries[3]: An entry cannot be dated")


def test_evidence_must_pass_the_checks_every_upload_passes(exported, newcomer):
    """An archive is no way round the upload checks: a web page renamed .pdf, with an
    honest hash and size in the document, is still refused."""
    [pdf] = [name for name in exported if name.endswith(".pdf")]
    page = b"<html><script>alert(1)</script></html>"

    def change(document):
        for entry in document["entries"]:
            for evidence in entry["evidence"]:
                if evidence["file"] == pdf:
                    evidence["size"], evidence["sha256"] = (
                        len(page),
                        hashlib.sha256(page).hexdigest(),
                    )

    problems = refusal(newcomer, zipped({**edited(exported, change), pdf: page}))

    assert len(problems) == 1
    assert f": {pdf} is not accepted as evidence here: " in problems[0]
    assert "not a file type Waymark accepts" in problems[0]


def test_an_archive_of_more_files_than_allowed_is_refused(exported, newcomer, settings):
    settings.ARCHIVE_MAX_FILES = 3

    [problem] = refusal(newcomer, zipped(exported))

    assert problem.endswith("the most this site imports is 3.")


def test_a_damaged_file_is_refused_as_unreadable(exported, newcomer):
    content = bytearray(zipped(exported))
    # The PDF's own bytes, stored compressed: change one inside its deflate stream.
    [pdf] = [name for name in exported if name.endswith(".pdf")]
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo(pdf)
    data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    content[data_start + info.compress_size // 2] ^= 0xFF

    problems = refusal(newcomer, bytes(content))

    assert len(problems) == 1 and problems[0].startswith(f"{pdf}: cannot be read (")


def test_a_portfolio_of_another_format_version_is_refused(exported, newcomer):
    def change(document):
        document["format"] = "waymark-portfolio/2"

    assert refusal(newcomer, zipped(edited(exported, change))) == [
        "portfolio.json at $.format: 'waymark-portfolio/2' is not 'waymark-portfolio/1', the "
        "format this site reads."
    ]
