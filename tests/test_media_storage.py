"""Media storage in production: files under MEDIA_ROOT, or an S3-compatible bucket through
django-storages when MEDIA_S3_BUCKET is set. Static files stay with whitenoise either way.

Settings are read once per process, so each case builds the storage in a fresh interpreter;
building it makes no request (nothing here needs a network or credentials)."""

import json

from tests.test_production import PRODUCTION, production_settings, run

S3 = {
    "MEDIA_S3_BUCKET": "newsroom-media",
    "MEDIA_S3_ENDPOINT_URL": "https://s3.example.net",
    "MEDIA_S3_REGION": "eu-central-1",
    "MEDIA_S3_CUSTOM_DOMAIN": "media.example.org",
}
WHITENOISE = "whitenoise.storage.CompressedManifestStaticFilesStorage"

DESCRIBE_STORAGE = """
import json
import django
django.setup()
from django.core.files.storage import default_storage, storages
storage = storages["default"]  # what default_storage stands for
described = {"class": f"{type(storage).__module__}.{type(storage).__name__}"}
for name in ("bucket_name", "endpoint_url", "region_name", "custom_domain",
             "querystring_auth", "file_overwrite", "default_acl", "location"):
    if hasattr(storage, name):
        described[name] = getattr(storage, name)
described["url"] = default_storage.url("original_images/front.jpg")
print(json.dumps(described))
"""


def default_storage(**env):
    """What django.core.files.storage.default_storage is under the production settings."""
    env = {"SECRET_KEY": "a-test-key", "DJANGO_SETTINGS_MODULE": PRODUCTION, **env}
    result = run(["-c", DESCRIBE_STORAGE], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_media_go_to_the_bucket_when_one_is_set():
    storages = production_settings("STORAGES", **S3)["STORAGES"]
    assert storages == {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "newsroom-media",
                "endpoint_url": "https://s3.example.net",
                "region_name": "eu-central-1",
                "custom_domain": "media.example.org",
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
        "staticfiles": {"BACKEND": WHITENOISE},
    }
    storage = default_storage(**S3)
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["bucket_name"] == "newsroom-media"
    assert storage["endpoint_url"] == "https://s3.example.net"
    assert storage["region_name"] == "eu-central-1"
    assert storage["querystring_auth"] is False
    assert storage["file_overwrite"] is False
    assert storage["default_acl"] is None
    # A plain public URL on the custom domain: no signature, no expiry.
    assert storage["url"] == "https://media.example.org/original_images/front.jpg"


def test_an_unset_endpoint_means_aws_itself():
    storage = default_storage(MEDIA_S3_BUCKET="newsroom-media")
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["endpoint_url"] is None
    assert storage["custom_domain"] is None
    assert storage["url"] == "https://newsroom-media.s3.amazonaws.com/original_images/front.jpg"


def test_media_are_files_under_media_root_without_a_bucket(tmp_path):
    storages = production_settings("STORAGES", MEDIA_S3_BUCKET=" ")["STORAGES"]
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storages["staticfiles"] == {"BACKEND": WHITENOISE}
    storage = default_storage(MEDIA_ROOT=str(tmp_path))
    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["location"] == str(tmp_path)
    assert storage["url"] == "/media/original_images/front.jpg"
