"""The admin's bulk import at its documented limit: preview and confirm of N MoU rows (10,000 by default).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_imports .venv/bin/python bench/imports.py

Goes through the admin as a curator does, with Django's test client in this process (no
gunicorn, so the figures are the server's own work): POST the CSV to the import page (the
preview), then POST its confirmation form. Prints the seconds of each step, their sum and the
milliseconds per row, and checks that every row was written with one version in the history.
The rows belong to a partnership the run creates, and everything it wrote is deleted at the end.
"""

import argparse
import datetime
import html
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_SLUG = "bench-imports"
# Third countries: an MoU with one of these needs no "intra-EU" tick.
COUNTRIES = ["US", "CN", "BR", "IN", "JP", "CA", "MX", "ZA", "TN", "CL", "KR", "AU"]
LEVELS = ["c2c", "b2b", "a2a"]


def mou_rows(rows: int, counterparts: int) -> str:
    """A CSV of distinct MoUs: counterpart i in one country, each signing date used once per counterpart."""
    lines = ["partnership_slug,type,level,title,country,city,date,counterpart"]
    start = datetime.date(2000, 1, 1)
    for i in range(rows):
        who = i % counterparts
        country = COUNTRIES[who % len(COUNTRIES)]
        date = start + datetime.timedelta(days=i // counterparts)
        lines.append(
            f"{BENCH_SLUG},mou,{LEVELS[i % 3]},Bench MoU {i} with counterpart {who},"
            f"{country},City {who},{date.isoformat()},Bench counterpart {who}"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="MoU rows (default 10,000).")
    parser.add_argument(
        "--counterparts",
        type=int,
        default=2_000,
        help="Distinct counterpart organisations, new to the portal (default 2,000).",
    )
    parser.add_argument(
        "--limit", type=float, default=20.0, help="Seconds allowed for both steps (default 20)."
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a migrated PostgreSQL database (the seed is not needed).")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # As in production: no query log in memory, no debug pages.
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from partnerships.models import Partnership

    _clean_up()
    editor, _ = User.objects.get_or_create(
        username="bench-imports-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    Partnership.objects.create(name="Bench imports partnership", slug=BENCH_SLUG, kind="escp")
    client = Client()
    client.force_login(editor)
    timer = QueryTimer()
    connection.execute_wrappers.append(timer)
    data = mou_rows(args.rows, args.counterparts).encode()

    try:
        started, cpu, timer.seconds = time.perf_counter(), time.process_time(), 0.0
        preview = client.post(
            reverse("admin:outcomes_outcome_import"),
            {
                "resource": "0",
                "format": "0",
                "import_file": SimpleUploadedFile("mous.csv", data),
            },
        )
        preview_seconds = time.perf_counter() - started
        preview_cpu, preview_db = time.process_time() - cpu, timer.seconds
        confirmation = _confirm_form_fields(preview.content.decode())
        if preview.status_code != 200 or not confirmation:
            sys.exit(f"The preview offered no confirmation (HTTP {preview.status_code}).")
        started, cpu, timer.seconds = time.perf_counter(), time.process_time(), 0.0
        confirmed = client.post(
            reverse("admin:outcomes_outcome_process_import"),
            confirmation,
        )
        confirm_seconds = time.perf_counter() - started
        confirm_cpu, confirm_db = time.process_time() - cpu, timer.seconds
        if confirmed.status_code != 302:
            sys.exit(f"The confirmation answered HTTP {confirmed.status_code}, not a redirect.")
        written, versions = _written()
    finally:
        with transaction.atomic():
            _clean_up()

    total = preview_seconds + confirm_seconds
    print(f"rows: {args.rows:,} MoUs, {args.counterparts:,} new counterparts")
    for step, seconds, cpu, db in [
        ("preview", preview_seconds, preview_cpu, preview_db),
        ("confirm", confirm_seconds, confirm_cpu, confirm_db),
        ("total", total, preview_cpu + confirm_cpu, preview_db + confirm_db),
    ]:
        print(
            f"{step + ':':8} {seconds:6.2f} s ({1000 * seconds / args.rows:.2f} ms/row); "
            f"waiting for the database {db:.2f} s, the portal's own CPU {cpu:.2f} s"
        )
    print(f"limit:   {args.limit:6.0f} s for both steps")
    print(
        f"load:    {' '.join(f'{n:.1f}' for n in os.getloadavg())} (1, 5, 15 min) on {os.cpu_count()} cores"
    )
    print(f"written: {written:,} outcomes, {versions:,} versions in the history")
    if written != args.rows or versions != args.rows:
        sys.exit("Not every row was written with its version.")
    if total > args.limit:
        sys.exit(f"Over the limit: {total:.2f} s > {args.limit:.0f} s.")


class QueryTimer:
    """Adds up the time spent in the database's answers (Django's execute_wrappers)."""

    seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _confirm_form_fields(page: str) -> dict:
    """The hidden fields of the preview's confirmation form (the page's context is not kept outside tests)."""
    form = re.search(r"<form[^>]*process_import.*?</form>", page, re.S)
    if form is None:
        return {}
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def _written():
    from reversion.models import Version

    from outcomes.models import Outcome

    outcomes = Outcome.objects.filter(partnership__slug=BENCH_SLUG)
    versions = Version.objects.get_for_model(Outcome).filter(
        object_id__in=[str(pk) for pk in outcomes.values_list("pk", flat=True)]
    )
    return outcomes.count(), versions.count()


def _clean_up():
    """Deletes what a run wrote (and what an interrupted one left): rows, organisations, history."""
    from django.contrib.admin.models import LogEntry
    from reversion.models import Revision, Version

    from outcomes.models import Organisation, Outcome
    from partnerships.models import Partnership

    outcomes = Outcome.objects.filter(partnership__slug=BENCH_SLUG)
    ids = [str(pk) for pk in outcomes.values_list("pk", flat=True)]
    revisions = Version.objects.get_for_model(Outcome).filter(object_id__in=ids)
    Revision.objects.filter(pk__in=revisions.values("revision_id")).delete()
    LogEntry.objects.filter(user__username="bench-imports-editor").delete()
    outcomes.delete()
    Organisation.objects.filter(name__startswith="Bench counterpart ").delete()
    Partnership.objects.filter(slug=BENCH_SLUG).delete()


if __name__ == "__main__":
    main()
