#!/usr/bin/env python
"""Django's command-line utility for the EU Cluster Internationalisation Portal.

Two mistakes a newcomer makes first get one line saying what to do instead of a traceback: a
Python without Django, and a PostgreSQL database that does not exist yet.
"""

# Annotations stay unevaluated, so that an older Python still reaches the message about Django.
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    try:
        from django.core.management import execute_from_command_line
    except ModuleNotFoundError as error:
        if error.name != "django":
            raise
        sys.exit(
            f"Django is not installed for {sys.executable}: run `make run` once, which sets up "
            ".venv, then use .venv/bin/python manage.py"
        )
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        advice = missing_database(error)
        if advice is None:
            raise
        sys.exit(advice)


def missing_database(error: Exception) -> str | None:
    """What to do when ``error`` says a configured PostgreSQL database does not exist, else None."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        name = database.get("NAME")
        if "postgresql" in database["ENGINE"] and f'database "{name}" does not exist' in str(error):
            host, port, user = database.get("HOST"), database.get("PORT"), database.get("USER")
            options = " ".join(
                f"{flag} {value}"
                for flag, value in (("-h", host), ("-p", port), ("-U", user))
                if value
            )
            return (
                f"The PostgreSQL database “{name}” does not exist: create it with "
                f"`createdb {options} {name}`, or set DATABASE_URL to one that does."
            )
    return None


if __name__ == "__main__":
    main()
