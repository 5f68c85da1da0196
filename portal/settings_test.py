"""Test settings: the real database named by DATABASE_URL (SQLite by default), fast hashing.

Django's test runner already keeps mail in memory."""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests read each page's context, which a kept page does not have; the page cache's own tests turn it on.
PAGE_CACHE = False
# A second connection to the test database, for the read replica tests (tests/portal/test_read_replicas.py):
# a replica without lag. Reads go to it only where a test lists it in DATABASE_REPLICAS.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and "replica1" not in DATABASES:  # noqa: F405
    DATABASES["replica1"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# A test database is thrown away: commits need not wait for the disk (each transactional test and
# live-server test commits hundreds of times). synchronous_commit is a per-session setting.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
