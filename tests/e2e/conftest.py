"""Browser tests: Playwright driving Debian's Chromium against the portal on pytest-django's live server.

They run when Chromium is installed (``apt-get install chromium``) and are
skipped, with a message saying so, when it is not. No browser is downloaded.
"""

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# The live server runs in a thread beside Playwright's event loop; Django must allow its sync ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"Chromium is not installed at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
    )
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def portal(live_server, transactional_db):
    """The live portal's base URL, with the seed data.

    A live-server test's database is emptied after it, countries and roles included,
    so each test puts back what the migrations made before loading the seed.
    """
    from partnerships.countries import create_country_rows
    from partnerships.models import Country
    from portal.roles import sync_roles

    create_country_rows(Country)
    sync_roles()
    call_command("load_seed", verbosity=0)
    return live_server.url


def screenshots_folder(environ: Mapping[str, str], temporary: Path) -> Path:
    """Where the screenshot test writes: the folder SCREENSHOTS_DIR names (`make screenshots` names
    docs/screenshots/), else a temporary one, so that running the tests leaves the work tree as it was."""
    return Path(environ["SCREENSHOTS_DIR"]) if environ.get("SCREENSHOTS_DIR") else temporary


@pytest.fixture
def screenshots(tmp_path) -> Path:
    return screenshots_folder(os.environ, tmp_path)


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page
