"""Every public page type is valid HTML, by the Nu Html Checker (vnu.jar, run with the machine's Java).

The checker is fetched by `make vnu` (CI does it); without it or without Java the test is skipped
and says why.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.pages import public_pages

VNU = (
    next(iter(sorted((settings.BASE_DIR / ".cache").glob("vnu-*/vnu.jar"))), None)
    if (settings.BASE_DIR / ".cache").exists()
    else None
)
JAVA = shutil.which("java")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        JAVA is None, reason="Java is not installed: the HTML validity check was skipped."
    ),
    pytest.mark.skipif(
        VNU is None,
        reason="The Nu Html Checker is not fetched (run `make vnu`): the HTML validity check was skipped.",
    ),
]


def validate(paths: list[Path]) -> list[str]:
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]


@pytest.mark.long
def test_every_public_page_type_is_valid_html(client, seeded, tmp_path):
    paths = []
    pages = {
        **public_pages(),
        # One page in French and one in German: the switcher, hreflang links, longer words.
        "partnerships-fr": "/fr/partnerships/?sector=healthcare&target_country=JP",
        "country-de": "/de/countries/TN/",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 400), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        paths.append(path)
    assert validate(paths) == []


def test_the_checker_does_find_errors(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>")
    assert validate([broken]) != []
