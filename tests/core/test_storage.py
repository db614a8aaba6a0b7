"""core.storage: the file storage every machine reads, a directory or an S3-compatible bucket (here moto's S3
server on a local port, which boto3 talks to over HTTP as it would to any S3 endpoint)."""
import io

import boto3
import pytest
from moto.server import ThreadedMotoServer

from core.storage import LocalStorage, S3Storage, from_url
from tests.work.conftest import _free_port

KEY = "imports/" + "ab" * 16 + ".csv"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    for name, value in {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket="uploads", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    yield from_url("s3://uploads/inburgering/")
    bucket = boto3.resource("s3").Bucket("uploads")
    bucket.objects.all().delete()
    bucket.delete()


@pytest.fixture(params=["file", "s3"])
def storage(request, tmp_path):
    return from_url(tmp_path.as_uri()) if request.param == "file" else request.getfixturevalue("s3")


def test_a_file_is_put_read_back_and_deleted(storage):
    storage.put(KEY, io.BytesIO(b"event_id;trajectory\r\n" * 1000))
    with storage.open(KEY) as stream:
        assert stream.read() == b"event_id;trajectory\r\n" * 1000
        stream.seek(0)  # an import reads its file twice
        assert stream.read(8) == b"event_id"
    storage.delete(KEY)
    with pytest.raises(Exception):
        storage.open(KEY).close()


def test_the_s3_backend_keeps_files_under_its_prefix(s3):
    s3.put("pve/" + "cd" * 16, io.BytesIO(b"%PDF-1.4"))
    assert [o.key for o in boto3.resource("s3").Bucket("uploads").objects.all()] == ["inburgering/pve/" + "cd" * 16]


@pytest.mark.parametrize("url, kind", [("file:///srv/uploads", LocalStorage), ("s3://bucket/prefix", S3Storage),
                                       ("s3://bucket", S3Storage)])
def test_storage_urls(url, kind):
    assert isinstance(from_url(url), kind)


@pytest.mark.parametrize("bad", ["/srv/uploads", "s3:///prefix", "https://example.org/x"])
def test_other_urls_are_refused(bad):
    with pytest.raises(ValueError, match="STORAGE_URL"):
        from_url(bad)


@pytest.mark.parametrize("key", ["../etc/passwd", "imports/../../x", "Imports/" + "ab" * 16, "a/" + "x" * 32])
def test_keys_are_only_generated_names(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(str(tmp_path)).put(key, io.BytesIO(b""))
