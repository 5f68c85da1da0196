"""Reports for people at scale: seconds to make the PDFs and the XLSX an analyst asks for.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf_copy .venv/bin/python bench/reports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_seeded .venv/bin/python bench/reports.py --seed

With Django's test client in this process (no gunicorn: the figures are the server's own work,
queries, templates, WeasyPrint or openpyxl), each file is asked for ``--runs`` times after one
warm-up, and the median and slowest are printed with the file's size and rows. On the 1M data set
(``generate_demo_data --partnerships 10000 --seed 1``): the PDF of a selection of about 500 rows of
the ESCP overview and of the partnerships list (target: under 10 s), and the XLSX of the 50,000
clusters. With ``--seed`` (the source's data): the PDF of the ESCP overview, its 13 rows
(target: under 3 s), and ``--screenshot PATH`` renders its table's page with pdftoppm for the README.
"""

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

AT_SCALE = [
    ("PDF, ESCP overview of one sector", "/reports/escp-overview/", {"sector": "aerospace"}, "pdf"),
    (
        "PDF, partnerships of one sector and kind",
        "/partnerships/",
        {"sector": "aerospace", "kind": "escp"},
        "pdf",
    ),
    ("XLSX, every cluster", "/clusters/", {}, "xlsx"),
]
SEED = [("PDF, ESCP overview (the source's 13 rows)", "/reports/escp-overview/", {}, "pdf")]


def rows_of(content: bytes, fmt: str) -> int:
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return book.worksheets[0].max_row - 1
    text = subprocess.run(
        ["pdfinfo", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return int(next(line for line in text.splitlines() if line.startswith("Pages:")).split()[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="The seed's ESCP overview PDF.")
    parser.add_argument("--runs", type=int, default=3, help="Timed runs of each file (default 3).")
    parser.add_argument("--screenshot", help="With --seed: write page 2 of the PDF as this PNG.")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the 1M set, or the seed with --seed).")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.test import Client

    client = Client()
    # Wall time, and this process's CPU time: on a shared machine the first includes waiting for a core.
    print("| file | rows | size | median s | slowest s | median CPU s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, path, params, fmt in SEED if args.seed else AT_SCALE:
        query = {**params, "export": fmt}
        seconds, cpu, content = [], [], b""
        for run in range(args.runs + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, query)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            if response.status_code != 200:
                sys.exit(f"{path} {query}: {response.status_code} {content[:200]!r}")
            if run:  # the first is the warm-up: imports, fonts, the cache
                seconds.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
        listed = client.get(path, {**params, "export": "csv"})
        count = (
            sum(1 for _ in csv.reader(io.StringIO(b"".join(listed.streaming_content).decode()))) - 1
        )
        size = f"{len(content) / 1024:,.0f} kB"
        pages = f", {rows_of(content, fmt)} pages" if fmt == "pdf" else ""
        print(
            f"| {label} `{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}` "
            f"| {count:,}{pages} | {size} | {statistics.median(seconds):.2f} | {max(seconds):.2f} "
            f"| {statistics.median(cpu):.2f} |"
        )
        if args.screenshot and fmt == "pdf":
            stem = args.screenshot.removesuffix(".png")
            subprocess.run(
                ["pdftoppm", "-r", "90", "-f", "2", "-l", "2", "-png", "-singlefile", "-", stem],
                input=content,
                check=True,
            )


if __name__ == "__main__":
    main()
