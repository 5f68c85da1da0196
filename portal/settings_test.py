"""Test settings: the real database named by DATABASE_URL (SQLite by default), fast hashing.

Django's test runner already keeps mail in memory."""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests read each page's context, which a kept page does not have; the page cache's own tests turn it on.
PAGE_CACHE = False
