"""Configuring object storage: STORAGE_URL or the AWS_* variables become the "default" and
"private" storages, every object private; local disk when neither is set; and a
configuration that does not parse stops Waymark at startup, saying what is wrong."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storage import object_storages
from tests.config.test_settings import PRODUCTION_ENV, manage, production_setting

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret/with+signs"}

PRIVATE_OBJECTS = {
    "default_acl": "private",
    "querystring_auth": True,
    "querystring_expire": 300,
    "file_overwrite": False,
    "max_memory_size": 5 * 1024 * 1024,
}


def test_without_a_bucket_files_stay_on_local_disk():
    assert object_storages({}) == {}
    assert object_storages({"STORAGE_URL": "", "AWS_STORAGE_BUCKET_NAME": " "}) == {}


def test_a_storage_url_names_the_bucket_endpoint_region_and_addressing():
    storages = object_storages(
        {
            "STORAGE_URL": "s3://waymark-files?endpoint_url=https://objects.example.org"
            "&region=eu-west-2&addressing_style=path",
            **CREDENTIALS,
        }
    )

    common = {
        "bucket_name": "waymark-files",
        "endpoint_url": "https://objects.example.org",
        "region_name": "eu-west-2",
        "addressing_style": "path",
        "access_key": "AKIAEXAMPLE",
        "secret_key": "secret/with+signs",
        **PRIVATE_OBJECTS,
    }
    assert storages == {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "media"},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "private"},
        },
    }


def test_a_storage_url_may_put_waymark_under_a_prefix_of_a_shared_bucket():
    storages = object_storages({"STORAGE_URL": "s3://shared-bucket/apps/waymark/"})

    assert storages["default"]["OPTIONS"]["location"] == "apps/waymark/media"
    assert storages["private"]["OPTIONS"]["location"] == "apps/waymark/private"


def test_without_credentials_boto3_finds_its_own():
    # An instance or task role, say: no keys are passed, so boto3's own chain is used.
    options = object_storages({"STORAGE_URL": "s3://waymark-files"})["private"]["OPTIONS"]

    assert options == {"bucket_name": "waymark-files", "location": "private", **PRIVATE_OBJECTS}


def test_the_usual_aws_variables_configure_the_same_storage():
    from_variables = object_storages(
        {
            "AWS_STORAGE_BUCKET_NAME": "waymark-files",
            "AWS_S3_ENDPOINT_URL": "https://objects.example.org",
            "AWS_S3_REGION_NAME": "eu-west-2",
            **CREDENTIALS,
        }
    )
    from_url = object_storages(
        {
            "STORAGE_URL": "s3://waymark-files?endpoint_url=https://objects.example.org"
            "&region=eu-west-2",
            **CREDENTIALS,
        }
    )

    assert from_variables == from_url


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"STORAGE_URL": "https://waymark-files"}, "must start with s3://, not https"),
        ({"STORAGE_URL": "waymark-files"}, "must start with s3://, not nothing"),
        ({"STORAGE_URL": "s3://"}, "names the bucket '', which is not a valid bucket name"),
        ({"STORAGE_URL": "s3://Waymark_Files"}, "'Waymark_Files', which is not a valid bucket"),
        ({"STORAGE_URL": "s3://AKIA:secret@waymark-files"}, "must not carry credentials"),
        ({"STORAGE_URL": "s3://waymark-files:9000"}, "must not carry credentials or a port"),
        ({"STORAGE_URL": "s3://waymark-files:port"}, "is not a URL"),
        ({"STORAGE_URL": "s3://waymark-files/a b"}, "has a prefix, 'a b', with characters"),
        ({"STORAGE_URL": "s3://waymark-files#x"}, "must not have a #fragment"),
        (
            {"STORAGE_URL": "s3://waymark-files?endpoint=https://x.example"},
            "has options Waymark does not know: endpoint",
        ),
        (
            {"STORAGE_URL": "s3://waymark-files?region=eu-west-1&region=eu-west-2"},
            "gives region more than once",
        ),
        (
            {"STORAGE_URL": "s3://waymark-files?endpoint_url=objects.example.org"},
            "gives the endpoint 'objects.example.org'; it must be an http:// or https://",
        ),
        (
            {"STORAGE_URL": "s3://waymark-files?addressing_style=sideways"},
            "addressing_style=sideways; it must be one of auto, path, virtual",
        ),
        (
            {"STORAGE_URL": "s3://waymark-files", "AWS_S3_REGION_NAME": "eu-west-2"},
            "STORAGE_URL is set, and so is AWS_S3_REGION_NAME: set one or the other",
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "waymark_files"},
            "AWS_STORAGE_BUCKET_NAME names the bucket 'waymark_files', which is not a valid",
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "waymark-files", "AWS_S3_ENDPOINT_URL": "ftp://x.org"},
            "AWS_S3_ENDPOINT_URL gives the endpoint 'ftp://x.org'",
        ),
        (
            {"STORAGE_URL": "s3://waymark-files", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"},
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither",
        ),
    ],
)
def test_a_malformed_configuration_is_refused_saying_what_is_wrong(environ, says):
    with pytest.raises(ImproperlyConfigured) as refused:
        object_storages(environ)

    assert says in str(refused.value)


def test_production_without_a_bucket_keeps_files_on_local_disk():
    backends = production_setting("[s.STORAGES[a]['BACKEND'] for a in ('default', 'private')]")

    assert backends == str(["django.core.files.storage.FileSystemStorage"] * 2)


def test_production_with_a_bucket_stores_every_upload_in_it():
    backends = production_setting(
        "[s.STORAGES[a]['BACKEND'] for a in ('default', 'private')]",
        STORAGE_URL="s3://waymark-files?region=eu-west-2",
    )

    assert backends == str(["storages.backends.s3.S3Storage"] * 2)


def test_production_refuses_to_start_with_a_malformed_storage_url():
    result = manage("check", **PRODUCTION_ENV, STORAGE_URL="s3://Waymark Files")

    assert result.returncode != 0
    assert "ImproperlyConfigured: STORAGE_URL" in result.stderr
    assert "which is not a valid bucket name" in result.stderr.splitlines()[-1]
