"""Load the seed data, a YAML file, into the database: ``load_seed(path=...)``.

The file's format is explained in its own header
(data/seed/eu-cluster-internationalisation-2014.yaml). Loading is idempotent:
records are matched by their natural keys (slugs; an outcome by its source and
key), and a record is written only when a field the file names differs from what
is stored, so a second load writes nothing and leaves ``updated_at`` and
``version`` as they were. Everything happens in one transaction, so a bad record
leaves the database as it was.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import reversion
import yaml
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from core.country_codes import normalise_country_code
from outcomes.models import Outcome
from partnerships.models import (
    Country,
    MemberCountry,
    Partnership,
    Region,
    Sector,
    Source,
    TargetMarket,
    publication_time,
)

DEFAULT_SEED_PATH = (
    Path(settings.BASE_DIR) / "data" / "seed" / "eu-cluster-internationalisation-2014.yaml"
)

Status = Literal["created", "updated", "unchanged"]
SEEDED_MODELS = (Source, Sector, Region, Partnership, Outcome)


class SeedError(Exception):
    """The seed file is unreadable or names something that does not exist."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class SeedReport:
    path: Path
    dry_run: bool
    counts: dict[str, Counts] = field(
        default_factory=lambda: {_label(model): Counts() for model in SEEDED_MODELS}
    )

    @property
    def changed(self) -> bool:
        return any(counts.created or counts.updated for counts in self.counts.values())

    def add(self, model: type[models.Model], status: Status) -> None:
        counts = self.counts.setdefault(_label(model), Counts())
        setattr(counts, status, getattr(counts, status) + 1)


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


def load_seed(*, path: Path, dry_run: bool = False) -> SeedReport:
    """Create or update every record of the seed file; with ``dry_run``, roll it all back."""
    data = _read(path)
    report = SeedReport(path=path, dry_run=dry_run)
    with transaction.atomic():
        with reversion.create_revision():
            reversion.set_comment(f"Loaded from the seed file {path.name}.")
            _load(data, report)
        if dry_run:
            # Rolled back only now, so a dry run meets every check a real load meets.
            transaction.set_rollback(True)
    return report


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as file:
            return yaml.safe_load(file)
    except OSError as error:
        raise SeedError(f"Cannot read the seed file {path}: {error.strerror}.") from error
    except yaml.YAMLError as error:
        raise SeedError(f"The seed file {path} is not valid YAML: {error}") from error


def _load(data: Any, report: SeedReport) -> None:
    top = _Record(
        data,
        "the seed file",
        required=["source"],
        optional=["as_of", "sectors", "regions", "partnerships", "outcomes"],
    )
    refs = _Refs(source=_load_source(top.data["source"], "source", report), as_of=top.day("as_of"))
    for where, entry in _entries(top, "sectors", "sector", key="slug"):
        sector = _load_sector(entry, where, report)
        refs.sectors[sector.slug] = sector
    for where, entry in _entries(top, "regions", "region", key="slug"):
        region = _load_region(entry, where, refs, report)
        refs.regions[region.slug] = region
    for where, entry in _entries(top, "partnerships", "partnership", key="slug"):
        partnership = _load_partnership(entry, where, refs, report)
        refs.partnerships[partnership.slug] = partnership
    for where, entry in _entries(top, "outcomes", "outcome", key="key"):
        _load_outcome(entry, where, refs, report)


# Reading the file: every error names the record and the bad value.


class _Record:
    """One mapping of the seed file, read field by field with its place named in every error."""

    def __init__(
        self, data: Any, where: str, required: Iterable[str] = (), optional: Iterable[str] = ()
    ) -> None:
        if not isinstance(data, dict):
            raise SeedError(f"{where}: expected a mapping of fields, got {data!r}.")
        known = {*required, *optional}
        if missing := [name for name in required if data.get(name) in (None, "")]:
            raise SeedError(f"{where}: {', '.join(missing)} must be given.")
        if unknown := sorted(str(name) for name in data.keys() - known):
            raise SeedError(
                f"{where}: unknown field {', '.join(unknown)} (known: {', '.join(sorted(known))})."
            )
        self.data, self.where = data, where

    def text(self, name: str) -> str:
        return self._typed(name, str, "text", default="")

    def number(self, name: str) -> int | None:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | None):
            raise SeedError(f"{self.where}: {name} must be a whole number, not {value!r}.")
        return value

    def flag(self, name: str) -> bool:
        return self._typed(name, bool, "true or false", default=False)

    def day(self, name: str) -> datetime.date | None:
        value = self.data.get(name)
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date | None):
            raise SeedError(f"{self.where}: {name} must be a date (YYYY-MM-DD), not {value!r}.")
        return value

    def items(self, name: str) -> list:
        return self._typed(name, list, "a list", default=[])

    def _typed(self, name: str, kind: type, described: str, default: Any) -> Any:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, kind):
            raise SeedError(f"{self.where}: {name} must be {described}, not {value!r}.")
        return value


def _entries(top: _Record, section: str, what: str, *, key: str) -> Iterator[tuple[str, Any]]:
    """The section's entries, each with a name for errors; a key given twice is refused."""
    seen = set()
    for number, entry in enumerate(top.items(section), start=1):
        ident = entry.get(key) if isinstance(entry, dict) else None
        if not isinstance(ident, str):
            ident = None  # _Record reports the missing or bad key.
        where = f"{what} {ident!r}" if ident else f"{what} #{number}"
        if ident and ident in seen:
            raise SeedError(f"{where}: the {key} {ident!r} is given twice in {section}.")
        seen.add(ident)
        yield where, entry


@dataclass
class _Refs:
    """What later records may name: the records loaded so far, and the countries."""

    source: Source
    as_of: datetime.date | None = None  # the file's; a record may give its own
    sectors: dict[str, Sector] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    partnerships: dict[str, Partnership] = field(default_factory=dict)
    country_codes: frozenset[str] = field(
        default_factory=lambda: frozenset(Country.objects.values_list("code", flat=True))
    )

    def sector(self, slug: Any, where: str) -> Sector:
        return _known(self.sectors, slug, f"{where}: unknown sector {slug!r}")

    def region(self, slug: Any, where: str) -> Region:
        return _known(self.regions, slug, f"{where}: unknown region {slug!r}")

    def partnership(self, slug: Any, where: str, hint: str = "") -> Partnership:
        return _known(self.partnerships, slug, f"{where}: unknown partnership {slug!r}{hint}")

    def country(self, code: Any, where: str) -> str:
        """An ISO alpha-2 code exactly; the file is meant to hold nothing else."""
        if isinstance(code, str) and code in self.country_codes:
            return code
        iso = normalise_country_code(code) if isinstance(code, str) else None
        hint = f" (the ISO code is {iso})" if iso else _quoting_hint(code)
        raise SeedError(f"{where}: unknown country code {code!r}{hint}.")

    def member(self, token: Any, where: str) -> tuple[str, str | None]:
        """The source's own token, aliases and all: "UK" is GB, "SE-DK" a cross-border member."""
        if not isinstance(token, str):
            raise SeedError(f"{where}: unknown country code {token!r}{_quoting_hint(token)}.")
        codes = [normalise_country_code(part) for part in token.split("-")]
        known = all(code in self.country_codes for code in codes)
        if not known or len(codes) > 2 or len(set(codes)) < len(codes):
            raise SeedError(f"{where}: unknown country code {token!r} in member_countries.")
        return codes[0], codes[1] if len(codes) == 2 else None


def _known(table: dict[str, Any], key: Any, message: str) -> Any:
    if not isinstance(key, str) or key not in table:
        raise SeedError(f"{message}.")
    return table[key]


def _quoting_hint(value: Any) -> str:
    # YAML 1.1 reads an unquoted NO (Norway) as false.
    return " (quote country codes: YAML reads NO as false)" if isinstance(value, bool) else ""


def _no_repeats(values: list, where: str, what: str) -> None:
    repeated = sorted({str(value) for value in values if values.count(value) > 1})
    if repeated:
        raise SeedError(f"{where}: {what} {', '.join(repeated)} given twice.")


# Writing: only what differs.


def _upsert(
    model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any], where: str
) -> tuple[Any, Status]:
    """The record matching ``lookup``, created or changed to ``values`` where it differs."""
    obj = model._default_manager.filter(**lookup).first()
    if "is_published" in values:
        values["published_at"] = publication_time(obj and obj.published_at, values["is_published"])
    if obj is None:
        obj, status = model(**lookup, **values), "created"
    else:
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if not changed:
            return obj, "unchanged"
        for name, value in changed.items():
            setattr(obj, name, value)
        status = "updated"
    _save(obj, where)
    return obj, status


def _save(obj: models.Model, where: str) -> None:
    """Save after the model's own validation, so the seed meets the rules curators meet."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise SeedError(f"{where}: {_messages(error)}") from error
    obj.save()


def _messages(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )


def _done(obj: models.Model, status: Status, report: SeedReport) -> None:
    """Count the record, and put it in the history as finally loaded."""
    # Added again, explicitly, because the save put it in the revision before its
    # countries, members and targets were set; only models with an admin are registered.
    if status != "unchanged" and reversion.is_registered(type(obj)):
        reversion.add_to_revision(obj)
    report.add(type(obj), status)


# The records of each section.


_SOURCE_FIELDS = (["slug", "title"], ["author", "publisher", "event", "date", "url"])


def _load_source(entry: Any, where: str, report: SeedReport) -> Source:
    record = _Record(entry, where, *_SOURCE_FIELDS)
    values = {name: record.text(name) for name in ("title", "author", "publisher", "event", "url")}
    values["date"] = record.day("date")
    source, status = _upsert(
        Source, lookup={"slug": record.text("slug")}, values=values, where=where
    )
    _done(source, status, report)
    return source


def _load_sector(entry: Any, where: str, report: SeedReport) -> Sector:
    record = _Record(entry, where, ["slug", "name"], ["description"])
    values = {"name": record.text("name"), "description": record.text("description")}
    sector, status = _upsert(
        Sector, lookup={"slug": record.text("slug")}, values=values, where=where
    )
    _done(sector, status, report)
    return sector


def _load_region(entry: Any, where: str, refs: _Refs, report: SeedReport) -> Region:
    record = _Record(entry, where, ["slug", "name", "countries"], ["description"])
    codes = [refs.country(code, where) for code in record.items("countries")]
    _no_repeats(codes, where, "countries")
    values = {"name": record.text("name"), "description": record.text("description")}
    region, status = _upsert(
        Region, lookup={"slug": record.text("slug")}, values=values, where=where
    )
    if set(region.countries.values_list("code", flat=True)) != set(codes):
        region.countries.set(codes)
        status = "updated" if status == "unchanged" else status
    _done(region, status, report)
    return region


_PROVENANCE_FIELDS = ("source_page", "as_of")


def _provenance(record: _Record, refs: _Refs) -> dict[str, Any]:
    """The seed's source, the slide the record names, and the date it is as of."""
    return {
        "source_id": refs.source.pk,
        "source_page": record.text("source_page"),
        "as_of": record.day("as_of") or refs.as_of,
    }


_PARTNERSHIP_FIELDS = (
    ["slug", "name", "kind"],
    [
        "acronym",
        *("programme", "call", "funding", "partner_count", "country_count"),
        *("sectors", "member_countries", "targets", "related_partnership", "is_published"),
        *_PROVENANCE_FIELDS,
    ],
)


def _load_partnership(entry: Any, where: str, refs: _Refs, report: SeedReport) -> Partnership:
    record = _Record(entry, where, *_PARTNERSHIP_FIELDS)
    values = {name: record.text(name) for name in ("name", "acronym", "kind", "programme", "call")}
    values |= {
        "funding": record.text("funding"),
        "partner_count": record.number("partner_count"),
        "country_count": record.number("country_count"),
        "related_partnership_id": _related(record, refs),
        "is_published": record.flag("is_published"),
        **_provenance(record, refs),
    }
    sectors = [refs.sector(slug, where) for slug in record.items("sectors")]
    members = [refs.member(token, where) for token in record.items("member_countries")]
    _no_repeats([country for country, _ in members], where, "member countries")
    targets = [
        _target(item, f"{where}, target #{n}", refs)
        for n, item in enumerate(record.items("targets"), 1)
    ]
    _no_repeats([country or region.slug for country, region, _ in targets], where, "targets")

    partnership, status = _upsert(
        Partnership, lookup={"slug": record.text("slug")}, values=values, where=where
    )
    # A list, not a generator: each must run whatever the others found.
    related_changed = [
        _replace_sectors(partnership, sectors),
        _replace_members(partnership, members),
        _replace_targets(partnership, targets),
    ]
    if any(related_changed) and status == "unchanged":
        # Saved so that its version and updated_at tell curators it changed.
        _save(partnership, where)
        status = "updated"
    _done(partnership, status, report)
    return partnership


def _related(record: _Record, refs: _Refs) -> int | None:
    slug = record.text("related_partnership")
    if not slug:
        return None
    hint = " (a related partnership must come earlier in the file)"
    return refs.partnership(slug, record.where, hint).pk


def _target(item: Any, where: str, refs: _Refs) -> tuple[str | None, Region | None, bool]:
    record = _Record(item, where, optional=["country", "region", "tentative"])
    if ("country" in item) == ("region" in item):
        raise SeedError(f"{where}: give either a country or a region, not {item!r}.")
    country = refs.country(item["country"], where) if "country" in item else None
    region = refs.region(item["region"], where) if "region" in item else None
    return country, region, record.flag("tentative")


def _replace_sectors(partnership: Partnership, sectors: list[Sector]) -> bool:
    wanted = {sector.pk for sector in sectors}
    if set(partnership.sectors.values_list("pk", flat=True)) == wanted:
        return False
    partnership.sectors.set(wanted)
    return True


def _replace_members(partnership: Partnership, members: list[tuple[str, str | None]]) -> bool:
    stored = partnership.member_countries.order_by("position", "pk").values_list(
        "country_id", "cross_border_country_id"
    )
    if list(stored) == members:
        return False
    partnership.member_countries.all().delete()
    MemberCountry.objects.bulk_create(
        MemberCountry(partnership=partnership, position=n, country_id=c, cross_border_country_id=x)
        for n, (c, x) in enumerate(members, start=1)
    )
    return True


def _replace_targets(
    partnership: Partnership, targets: list[tuple[str | None, Region | None, bool]]
) -> bool:
    stored = partnership.targets.order_by("position", "pk").values_list(
        "country_id", "region_id", "tentative"
    )
    if list(stored) == [(c, r.pk if r else None, t) for c, r, t in targets]:
        return False
    partnership.targets.all().delete()
    TargetMarket.objects.bulk_create(
        TargetMarket(partnership=partnership, position=n, country_id=c, region=r, tentative=t)
        for n, (c, r, t) in enumerate(targets, start=1)
    )
    return True


_OUTCOME_FIELDS = (
    ["key", "partnership", "type", "title"],
    [
        *("subtype", "country", "city", "level", "direction", "source_text", "is_published"),
        *_PROVENANCE_FIELDS,
    ],
)


def _load_outcome(entry: Any, where: str, refs: _Refs, report: SeedReport) -> None:
    record = _Record(entry, where, *_OUTCOME_FIELDS)
    record.text("source_text")  # The source's own line: read for its type, not stored.
    values = {
        name: record.text(name)
        for name in ("type", "subtype", "title", "city", "level", "direction")
    }
    country = record.data.get("country")
    values |= {
        "partnership_id": refs.partnership(record.data["partnership"], where).pk,
        "country_id": refs.country(country, where) if country is not None else None,
        "is_published": record.flag("is_published"),
        **_provenance(record, refs),
    }
    del values["source_id"]  # the lookup's
    lookup = {"source": refs.source, "source_locator": record.text("key")}
    outcome, status = _upsert(Outcome, lookup=lookup, values=values, where=where)
    _done(outcome, status, report)
