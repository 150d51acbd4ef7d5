"""Uploaded files in S3-compatible object storage: stored in the bucket, processed by the
worker from there, served only through Waymark's access checks, never readable straight
from the bucket, gone when removed, and readable by any process, with nothing on local disk.

The bucket is real HTTP: moto's S3 server, on a free port of 127.0.0.1, with the storages
configured from a STORAGE_URL as a deployment would configure them.
"""

import hashlib
import io
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import storages
from django.test import TestCase
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from badges.services import badge_classes as badge_services
from config.storage import object_storages
from portfolio import tasks
from portfolio.models import Evidence
from tests.portfolio.evidence.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-2"
# moto accepts any credentials; S3 requests are signed with them all the same.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "waymark-test", "AWS_SECRET_ACCESS_KEY": "waymark-test-key"}


@pytest.fixture(scope="session")
def s3_endpoint():
    # Its request log would bury a failing test's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object
    environ: dict
    media_root: Path

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_get(self, url: str) -> int:
        """The status of a plain GET, with no credentials and no signature."""
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http://127.0.0.1
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def object_url(self, key: str) -> str:
        return f"{self.endpoint}/{self.name}/{key}"


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket, with Waymark's storages pointed at it and local media in an empty
    folder, so that anything still written to disk would show."""
    name = f"waymark-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    environ = {
        "STORAGE_URL": f"s3://{name}?endpoint_url={s3_endpoint}&region={REGION}"
        "&addressing_style=path",
        **CREDENTIALS,
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploading"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.STORAGES = {**settings.STORAGES, **object_storages(environ)}
    yield Bucket(name, s3_endpoint, client, environ, settings.MEDIA_ROOT)
    assert not any(settings.MEDIA_ROOT.iterdir()), "a file was written to local disk"


@pytest.fixture
def entry(log):
    return log(title="Skin lesion clinic")


def add_on_page(client, entry, name: str, content: bytes, *, run_worker: bool = True):
    """Upload on the entry's page; with run_worker, what the upload queued on commit runs,
    as a worker would run it."""
    client.force_login(entry.trainee)
    with TestCase.captureOnCommitCallbacks(execute=run_worker):
        response = client.post(
            reverse("portfolio:evidence_add", args=[entry.pk]),
            {"title": "From clinic", "file": upload(name, content)},
        )
    assert response.status_code == 302, response.content
    return Evidence.objects.get(entry=entry)


def download(client, evidence, *, thumbnail: bool = False):
    view = "portfolio:evidence_thumbnail" if thumbnail else "portfolio:evidence_download"
    return client.get(reverse(view, args=[evidence.pk]))


def test_evidence_uploaded_on_the_page_lands_in_the_bucket_and_comes_back_to_its_owner_unchanged(
    client, bucket, entry
):
    content = pdf_bytes()

    evidence = add_on_page(client, entry, "notes.pdf", content)

    assert bucket.keys() == [f"private/{evidence.file.name}"]
    assert bucket.read(f"private/{evidence.file.name}") == content
    response = download(client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'


def test_the_worker_processes_an_uploaded_image_from_the_bucket(client, bucket, entry):
    evidence = add_on_page(client, entry, "rash.png", image_bytes("PNG"), run_worker=False)
    assert evidence.state == Evidence.State.PROCESSING
    assert bucket.keys() == [f"private/{evidence.file.name}"]
    assert evidence.file.name.startswith("incoming/")

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.process_evidence_file(evidence.pk) is True

    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.READY
    # The upload as it came is gone; the re-encoded image and its thumbnail are in its place.
    assert bucket.keys() == sorted(
        [f"private/{evidence.file.name}", f"private/{evidence.thumbnail.name}"]
    )
    kept = bucket.read(f"private/{evidence.file.name}")
    assert hashlib.sha256(kept).hexdigest() == evidence.sha256
    assert b"".join(download(client, evidence).streaming_content) == kept
    thumbnail = download(client, evidence, thumbnail=True)
    assert thumbnail["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))).format == "WEBP"


def test_a_missing_thumbnail_is_made_from_the_image_in_the_bucket(client, bucket, entry):
    evidence = add_on_page(client, entry, "rash.jpg", image_bytes("JPEG", size=(640, 480)))
    # As for an image whose thumbnail task the broker never delivered.
    evidence.thumbnail.delete(save=True)
    assert bucket.keys() == [f"private/{evidence.file.name}"]

    assert tasks.make_evidence_thumbnail(evidence.pk) is True

    evidence.refresh_from_db()
    made = Image.open(io.BytesIO(bucket.read(f"private/{evidence.thumbnail.name}")))
    assert (made.format, made.size) == ("WEBP", (320, 240))


def test_someone_else_cannot_download_evidence_from_the_bucket(
    client, bucket, entry, other_trainee
):
    evidence = add_on_page(client, entry, "rash.png", image_bytes("PNG"))
    client.force_login(other_trainee)

    assert download(client, evidence).status_code == 404
    assert download(client, evidence, thumbnail=True).status_code == 404


def test_objects_in_the_bucket_cannot_be_read_without_signing(client, bucket, entry):
    evidence = add_on_page(client, entry, "notes.pdf", pdf_bytes())
    key = f"private/{evidence.file.name}"
    # The server does let anyone read an object that is public, so a refusal means something.
    bucket.client.put_object(Bucket=bucket.name, Key="open.txt", Body=b"hi", ACL="public-read")
    assert bucket.anonymous_get(bucket.object_url("open.txt")) == 200

    assert bucket.anonymous_get(bucket.object_url(key)) == 403
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]
    # A URL the storage signs works, and only for minutes.
    signed = storages["private"].url(evidence.file.name)
    assert "X-Amz-Expires=300" in signed
    assert bucket.anonymous_get(signed) == 200


def test_removing_evidence_deletes_its_objects_from_the_bucket(client, bucket, entry):
    evidence = add_on_page(client, entry, "rash.png", image_bytes("PNG"))
    assert len(bucket.keys()) == 2

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("portfolio:evidence_delete", args=[evidence.pk]))

    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert bucket.keys() == []


def test_a_file_one_process_stored_is_served_by_another(client, bucket, entry, tmp_path):
    """A worker on another machine stores a file; this process, with nothing on its disk,
    serves it."""
    content = pdf_bytes()
    stored_elsewhere = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os, sys;"
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
            "django.setup();"
            "from django.core.files.base import ContentFile;"
            "from django.core.files.storage import storages;"
            "print(storages['private'].save('evidence/notes.pdf',"
            " ContentFile(sys.stdin.buffer.read())))",
        ],
        cwd=ROOT,
        input=content,
        env={
            "PATH": os.environ["PATH"],
            "MEDIA_ROOT": str(tmp_path / "elsewhere"),
            **bucket.environ,
        },
        capture_output=True,
        timeout=120,
    )
    assert stored_elsewhere.returncode == 0, stored_elsewhere.stderr.decode()
    name = stored_elsewhere.stdout.decode().strip()
    assert not (tmp_path / "elsewhere").exists()
    # The row the worker would have written beside the file.
    evidence = Evidence.objects.create(
        entry=entry,
        kind=Evidence.Kind.FILE,
        file=name,
        original_name="notes.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    client.force_login(entry.trainee)

    response = download(client, evidence)

    assert b"".join(response.streaming_content) == content


def test_badge_images_are_kept_in_the_bucket_apart_from_private_files(
    client, bucket, org_a, org_admin
):
    issuer = badge_services.update_issuer(
        organisation=org_a,
        actor=org_admin,
        name="St Elsewhere",
        url="https://st-elsewhere.example.org",
        email="education@st-elsewhere.example.org",
        image=upload("logo.png", image_bytes("PNG", size=(64, 64))),
    )

    assert bucket.keys() == [f"media/{issuer.image.name}"]
    assert bucket.anonymous_get(bucket.object_url(f"media/{issuer.image.name}")) == 403
    # Anyone may see the logo, through Waymark's public badge pages.
    client.logout()
    logo = client.get(reverse("badges:issuer_image", args=[issuer.pk]))
    assert logo.status_code == 200
    assert logo.content == bucket.read(f"media/{issuer.image.name}")


def test_every_file_storage_is_the_bucket_when_configured(bucket):
    for alias in ("default", "private"):
        assert type(storages[alias]).__name__ == "S3Storage"
    assert {alias: storages[alias].location for alias in ("default", "private")} == {
        "default": "media",
        "private": "private",
    }
    # The evidence fields follow STORAGES rather than keeping what was configured at import.
    assert Evidence._meta.get_field("file").storage.bucket_name == bucket.name
