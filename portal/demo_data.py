"""A deterministic, realistic synthetic data set for trying the portal at scale.

``generate(partnerships=N, seed=S)`` writes N published partnerships (3 to 20
named member clusters each, 1 to 3 sectors, targets skewed towards the USA,
China, Brazil, India and Japan), 5·N clusters in every EU and EEA country, and
100·N outcomes of every type and MoU level over the 15 years to 2025. The same
seed gives the same rows.

The rows are built as dicts keyed by column name, kept as tuples, and written in bulk: on PostgreSQL with
COPY (psycopg2 ``copy_expert``), elsewhere with ``executemany``, inside one
transaction. Primary keys of partnerships and clusters are given explicitly so
that members and outcomes can point at them; the identity sequences are moved
past them afterwards. Saves are never called, so no reversion history and no
signals: the freshness cache is cleared once at the end instead.

Every record points at the demo ``Source`` (slug ``demo-data``). A database
holding any partnership, cluster or outcome from another source is refused
unless ``force`` is given; an earlier demo data set is deleted first.
"""

import contextlib
import datetime
import io
import operator
import random
from dataclasses import dataclass, field

from django.db import connection, transaction

from core import data_cache
from outcomes import types as outcome_types
from outcomes.models import Outcome
from partnerships import db_triggers
from partnerships.models import Cluster, Partnership, Region, Sector, Source

DEMO_SOURCE_SLUG = "demo-data"
CLUSTERS_PER_PARTNERSHIP = 5
OUTCOMES_PER_PARTNERSHIP = 100
FIRST_YEAR, LAST_YEAR = 2011, 2025

SECTORS = [
    "Aerospace",
    "Agri-food",
    "Automotive and mobility",
    "Blue economy",
    "Construction",
    "Creative industries",
    "Digital",
    "Electronics",
    "Energy-intensive industries",
    "Health",
    "Lighting",
    "Low-carbon energy",
    "Photonics",
    "Retail",
    "Textiles",
    "Tourism",
    "Water",
    "Wood and furniture",
    "Circular economy",
    "Space",
]

# EU and EEA members, each with two cities and a weight roughly following the number of clusters.
MEMBER_COUNTRIES = {
    "AT": (("Vienna", "Graz"), 4),
    "BE": (("Brussels", "Antwerp"), 5),
    "BG": (("Sofia", "Plovdiv"), 2),
    "HR": (("Zagreb", "Split"), 2),
    "CY": (("Nicosia", "Limassol"), 1),
    "CZ": (("Prague", "Brno"), 3),
    "DK": (("Copenhagen", "Aarhus"), 3),
    "EE": (("Tallinn", "Tartu"), 1),
    "FI": (("Helsinki", "Oulu"), 2),
    "FR": (("Paris", "Lyon"), 10),
    "DE": (("Berlin", "Munich"), 12),
    "GR": (("Athens", "Thessaloniki"), 2),
    "HU": (("Budapest", "Debrecen"), 2),
    "IE": (("Dublin", "Cork"), 2),
    "IT": (("Milan", "Turin"), 9),
    "LV": (("Riga", "Daugavpils"), 1),
    "LT": (("Vilnius", "Kaunas"), 1),
    "LU": (("Luxembourg", "Esch-sur-Alzette"), 1),
    "MT": (("Valletta", "Birkirkara"), 1),
    "NL": (("Amsterdam", "Eindhoven"), 5),
    "PL": (("Warsaw", "Krakow"), 6),
    "PT": (("Lisbon", "Porto"), 3),
    "RO": (("Bucharest", "Cluj-Napoca"), 3),
    "SK": (("Bratislava", "Kosice"), 2),
    "SI": (("Ljubljana", "Maribor"), 1),
    "ES": (("Madrid", "Barcelona"), 9),
    "SE": (("Stockholm", "Gothenburg"), 4),
    "IS": (("Reykjavik", "Akureyri"), 1),
    "LI": (("Vaduz", "Schaan"), 1),
    "NO": (("Oslo", "Bergen"), 2),
}
CROSS_BORDER = {"SE": "DK", "DK": "SE", "DE": "DK", "FR": "DE", "AT": "DE", "BE": "NL", "NL": "DE"}

# Third countries targeted, with weights skewed as in the real data towards five markets.
TARGET_COUNTRIES = {
    "US": (("New York", "Chicago", "San Francisco"), 30),
    "CN": (("Shanghai", "Beijing", "Shenzhen"), 26),
    "BR": (("Sao Paulo", "Rio de Janeiro"), 18),
    "IN": (("Mumbai", "Bangalore", "New Delhi"), 17),
    "JP": (("Tokyo", "Osaka"), 15),
    "CA": (("Toronto", "Montreal"), 7),
    "MX": (("Mexico City", "Monterrey"), 6),
    "KR": (("Seoul", "Busan"), 6),
    "SG": (("Singapore",), 5),
    "ZA": (("Johannesburg", "Cape Town"), 4),
    "TN": (("Tunis", "Sfax"), 3),
    "MA": (("Casablanca", "Rabat"), 3),
    "EG": (("Cairo", "Alexandria"), 3),
    "TR": (("Istanbul", "Ankara"), 4),
    "AU": (("Sydney", "Melbourne"), 4),
    "CL": (("Santiago",), 3),
    "AR": (("Buenos Aires",), 2),
    "CO": (("Bogota", "Medellin"), 2),
    "VN": (("Ho Chi Minh City", "Hanoi"), 3),
    "TH": (("Bangkok",), 2),
    "ID": (("Jakarta",), 2),
    "AE": (("Dubai", "Abu Dhabi"), 3),
    "IL": (("Tel Aviv",), 2),
    "UA": (("Kyiv", "Kharkiv"), 2),
    "CH": (("Zurich", "Geneva"), 3),
    "GB": (("London", "Manchester"), 4),
    "NG": (("Lagos",), 1),
    "KE": (("Nairobi",), 1),
}
REGIONS = {
    "north-africa": ("North Africa", ["DZ", "EG", "LY", "MA", "TN"]),
    "asean": ("ASEAN", ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]),
    "latin-america": ("Latin America", ["AR", "BR", "CL", "CO", "MX", "PE", "UY"]),
    "gulf-states": ("Gulf States", ["AE", "BH", "KW", "OM", "QA", "SA"]),
}

LEVEL_WEIGHTS = {"c2c": 50, "b2b": 32, "a2a": 13, "": 5}
VENUES = ["trade_fair", "dedicated_office", "other", ""]
DIRECTIONS = ["incoming", "outgoing"]


class DemoDataRefused(Exception):
    """The database holds data that is not demo data; the message says what and how to proceed."""


@dataclass
class DemoReport:
    counts: dict[str, int] = field(default_factory=dict)
    replaced_previous: bool = False


def non_demo_data() -> dict[str, int]:
    """How many partnerships, clusters and outcomes come from another source than the demo."""
    counts = {
        model._meta.verbose_name_plural: model.objects.exclude(
            source__slug=DEMO_SOURCE_SLUG
        ).count()
        for model in (Partnership, Cluster, Outcome)
    }
    return {name: n for name, n in counts.items() if n}


def generate(
    *,
    partnerships: int,
    seed: int = 1,
    clusters: int | None = None,
    outcomes: int | None = None,
    force: bool = False,
) -> DemoReport:
    if partnerships < 1:
        raise ValueError("At least one partnership is needed.")
    clusters = clusters if clusters is not None else CLUSTERS_PER_PARTNERSHIP * partnerships
    outcomes = outcomes if outcomes is not None else OUTCOMES_PER_PARTNERSHIP * partnerships
    if clusters < 20:
        raise ValueError("At least 20 clusters are needed: a partnership can have 20 members.")
    existing = non_demo_data()
    if existing and not force:
        found = ", ".join(f"{n:,} {name}" for name, n in existing.items())
        raise DemoDataRefused(
            f"This database holds data that is not demo data ({found}). Demo data is meant for an "
            "empty database; run against another DATABASE_URL, or add --force to add it anyway."
        )
    report = DemoReport()
    with transaction.atomic():
        source, _ = Source.objects.get_or_create(
            slug=DEMO_SOURCE_SLUG,
            defaults={"title": "Synthetic demonstration data (generate_demo_data)"},
        )
        report.replaced_previous = _delete_demo_data(source)
        sectors = _reference_sectors()
        regions = _reference_regions()
        builder = _Builder(random.Random(seed), source.pk, sectors, regions)
        tables = builder.build(partnerships, clusters, outcomes)
        # The member-count rule holds by construction; its per-row trigger would only slow the load.
        db_triggers.uninstall(connection)
        with _indexes_built_after_load([table for table, _, _ in tables]):
            for table, columns, rows in tables:
                _insert(table, columns, rows)
                report.counts[table] = len(rows)
        db_triggers.install(connection)
        _move_sequences(["partnerships_partnership", "partnerships_cluster"])
    data_cache.forget()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report


@contextlib.contextmanager
def _indexes_built_after_load(tables):
    """On PostgreSQL, the tables' plain indexes are dropped for the load and built again after it.

    Each is then built in one pass over the rows instead of updated row by row (PostgreSQL's
    advice for bulk loads, "Populating a Database"); the trigram indexes of the outcomes' search
    cost most per row. Unique indexes stay: they check the rows as they come. All of it runs in
    the load's transaction, so a failed load leaves every index as it was.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname, pg_get_indexdef(index_class.oid)
            FROM pg_index
            JOIN pg_class AS index_class ON index_class.oid = pg_index.indexrelid
            JOIN pg_class AS table_class ON table_class.oid = pg_index.indrelid
            WHERE table_class.relname = ANY(%s) AND NOT pg_index.indisunique
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        # A table with foreign-key checks still pending cannot be indexed: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _delete_demo_data(source) -> bool:
    tables = [
        ("outcomes_outcome", "source_id = %s"),
        ("partnerships_membership", _OF_DEMO_PARTNERSHIP),
        ("partnerships_membercountry", _OF_DEMO_PARTNERSHIP),
        ("partnerships_targetmarket", _OF_DEMO_PARTNERSHIP),
        ("partnerships_partnership_sectors", _OF_DEMO_PARTNERSHIP),
        ("partnerships_partnership", "source_id = %s"),
        ("partnerships_cluster", "source_id = %s"),
    ]
    deleted = 0
    with connection.cursor() as cursor:
        for table, condition in tables:
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", [source.pk])
            deleted += cursor.rowcount
    return deleted > 0


_OF_DEMO_PARTNERSHIP = (
    "partnership_id IN (SELECT id FROM partnerships_partnership WHERE source_id = %s)"
)


def _reference_sectors() -> list[int]:
    ids = []
    for name in SECTORS:
        slug = name.lower().replace(" and ", "-").replace(" ", "-")
        sector, _ = Sector.objects.get_or_create(slug=slug, defaults={"name": name})
        ids.append(sector.pk)
    return ids


def _reference_regions() -> dict[int, list[str]]:
    regions = {}
    for slug, (name, codes) in REGIONS.items():
        region = Region.objects.filter(slug=slug).first() or Region.objects.create(
            slug=slug, name=name
        )
        if not region.countries.exists():
            region.countries.set(codes)
        regions[region.pk] = list(region.countries.values_list("code", flat=True))
    return regions


class _Builder:
    """Builds every table's rows from one random generator, in a fixed order."""

    def __init__(
        self, rng: random.Random, source_id: int, sectors: list[int], regions: dict
    ) -> None:
        self.rng = rng
        self.source_id = source_id
        self.sectors = sectors
        self.regions = regions
        self.sector_names = dict(zip(sectors, SECTORS, strict=True))

    def build(self, n_partnerships: int, n_clusters: int, n_outcomes: int):
        cluster_rows, clusters_by_country, cluster_country = self._clusters(n_clusters)
        partnership_rows, links, targets_of, sectors_of = self._partnerships(
            n_partnerships, clusters_by_country, cluster_country
        )
        outcome_rows = self._outcomes(n_outcomes, partnership_rows, targets_of, sectors_of)
        return [
            (CLUSTERS.name, CLUSTERS.columns, cluster_rows),
            (PARTNERSHIPS.name, PARTNERSHIPS.columns, partnership_rows),
            ("partnerships_partnership_sectors", SECTOR_LINK_COLUMNS, links["sectors"]),
            ("partnerships_membership", MEMBERSHIP_COLUMNS, links["memberships"]),
            ("partnerships_membercountry", MEMBER_COUNTRY_COLUMNS, links["member_countries"]),
            ("partnerships_targetmarket", TARGET_COLUMNS, links["targets"]),
            (OUTCOMES.name, OUTCOMES.columns, outcome_rows),
        ]

    def _clusters(self, n):
        rng = self.rng
        first_id = _next_id("partnerships_cluster")
        codes = list(MEMBER_COUNTRIES)
        weights = [MEMBER_COUNTRIES[c][1] for c in codes]
        labels = ["", "", "", "bronze", "bronze", "silver", "gold"]
        rows, by_country, country_of = [], {code: [] for code in codes}, {}
        for index in range(n):
            pk = first_id + index
            # Every country gets clusters: the first ones go round the list, the rest by weight.
            code = codes[index] if index < len(codes) else rng.choices(codes, weights)[0]
            cross = CROSS_BORDER.get(code) if rng.random() < 0.01 else None
            sector = rng.choice(SECTORS)
            city = rng.choice(MEMBER_COUNTRIES[code][0])
            name = f"{city} {sector} Cluster {pk}"
            moment = _moment(rng, rng.randint(FIRST_YEAR, LAST_YEAR))
            rows.append(
                CLUSTERS.row(
                    {
                        "id": pk,
                        "name": name,
                        "acronym": f"{code}{sector[:3].upper()}{pk}",
                        "slug": f"demo-cluster-{pk}",
                        "website": f"https://cluster-{pk}.example.eu",
                        "city": city,
                        "label": rng.choice(labels),
                        "description": f"A {sector.lower()} cluster organisation based in {city}.",
                        "is_published": True,
                        "updated_at": moment,
                        "country_id": code,
                        "cross_border_country_id": cross,
                        "source_id": self.source_id,
                        "created_by_id": None,
                        "published_at": moment,
                        "version": 1,
                        "review_note": "",
                    }
                )
            )
            by_country[code].append(pk)
            country_of[pk] = (code, cross)
        return rows, by_country, country_of

    def _partnerships(self, n, clusters_by_country, cluster_country):
        rng = self.rng
        first_id = _next_id("partnerships_partnership")
        member_codes = [c for c in MEMBER_COUNTRIES if clusters_by_country[c]]
        member_weights = [MEMBER_COUNTRIES[c][1] for c in member_codes]
        target_codes = list(TARGET_COUNTRIES)
        target_weights = [TARGET_COUNTRIES[c][1] for c in target_codes]
        region_ids = list(self.regions)
        rows = []
        links = {"sectors": [], "memberships": [], "member_countries": [], "targets": []}
        targets_of, sectors_of = {}, {}
        for index in range(n):
            pk = first_id + index
            sectors = rng.sample(self.sectors, rng.choice((1, 1, 2, 2, 3)))
            sectors_of[pk] = sectors
            links["sectors"].extend((pk, sector) for sector in sectors)
            size = min(20, max(3, int(rng.gauss(9, 4))))
            members, seen = [], set()
            while len(members) < size:
                code = rng.choices(member_codes, member_weights)[0]
                cluster = rng.choice(clusters_by_country[code])
                if cluster not in seen:
                    seen.add(cluster)
                    members.append(cluster)
            entries = {}
            for cluster in members:
                code, cross = cluster_country[cluster]
                entries.setdefault(code, cross)
            for position, (code, cross) in enumerate(entries.items()):
                links["member_countries"].append((pk, position, code, cross))
            for position, cluster in enumerate(members):
                links["memberships"].append(
                    (pk, cluster, "coordinator" if position == 0 else "partner")
                )
            countries, wanted = set(), rng.randint(1, 5)
            while len(countries) < wanted:
                countries.add(rng.choices(target_codes, target_weights)[0])
            position = 0
            for code in sorted(countries, key=target_codes.index):
                links["targets"].append((pk, position, code, None, rng.random() < 0.1))
                position += 1
            reached = set(countries)
            if rng.random() < 0.2:
                region = rng.choice(region_ids)
                links["targets"].append((pk, position, None, region, False))
                reached.update(self.regions[region])
            targets_of[pk] = sorted(reached)
            sector_name = self.sector_names[sectors[0]]
            escp = rng.random() < 0.7
            start_year = rng.randint(FIRST_YEAR, LAST_YEAR - 1)
            start = datetime.date(start_year, rng.randint(1, 12), 1)
            end = datetime.date(min(start_year + rng.randint(2, 4), LAST_YEAR), start.month, 28)
            created = _moment(rng, start_year)
            acronym = "".join(word[0] for word in sector_name.split()).upper() + f"-{pk}"
            programmes = ["CIP", "COSME", "Single Market Programme"]
            rows.append(
                PARTNERSHIPS.row(
                    {
                        "id": pk,
                        "name": f"European {sector_name} Cluster "
                        f"{'Partnership' if escp else 'Project'} {pk}",
                        "acronym": acronym,
                        "slug": f"demo-partnership-{pk}",
                        "kind": "escp" if escp else "project",
                        "programme": "" if escp else rng.choice(programmes),
                        "strand": rng.choice(["ESCP-4i", "ESCP-4x", ""]) if escp else "",
                        "call": f"COS-CLUSTER-{start_year}",
                        "funding": rng.choice(["co_funded", "voluntary", ""]),
                        "description": f"{len(members)} {sector_name.lower()} clusters going "
                        f"international together, towards {', '.join(sorted(countries))}.",
                        "website": f"https://partnership-{pk}.example.eu",
                        "contact_email": f"info@partnership-{pk}.example.eu",
                        "start_date": start,
                        "end_date": end,
                        "partner_count": len(members),
                        "country_count": len(entries),
                        "is_published": True,
                        "created_at": created,
                        "updated_at": created,
                        "related_partnership_id": None,
                        "source_id": self.source_id,
                        # The synthetic source has no pages; its facts are as of their entry.
                        "source_page": "",
                        "as_of": created.date(),
                        "published_at": created,
                        "version": 1,
                        "review_note": "",
                    }
                )
            )
        return rows, links, targets_of, sectors_of

    def _outcomes(self, n, partnership_rows, targets_of, sectors_of):
        rng = self.rng
        ids = [row[PARTNERSHIPS.position("id")] for row in partnership_rows]
        # Some partnerships are far more active than others.
        activity = [rng.paretovariate(2.5) for _ in ids]
        owners = sorted(rng.choices(ids, activity, k=n))
        # Each type's share, title and kinds as outcomes/types.py defines them.
        kinds = outcome_types.all_types()
        types, type_weights = [k.value for k in kinds], [k.demo_weight for k in kinds]
        titles = {k.value: k.demo_title for k in kinds}
        subtypes = {k.value: k.subtype_values for k in kinds}
        has_level = {k.value for k in outcome_types.having("level")}
        has_direction = {k.value for k in outcome_types.having("direction")}
        levels, level_weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
        all_targets = list(TARGET_COUNTRIES)
        all_target_weights = [TARGET_COUNTRIES[c][1] for c in all_targets]
        cities = {code: spec[0] for code, spec in TARGET_COUNTRIES.items()}
        rows = []
        append = rows.append
        for partnership in owners:
            kind = rng.choices(types, type_weights)[0]
            reached = targets_of[partnership]
            code = (
                rng.choice(reached)
                if rng.random() < 0.8
                else rng.choices(all_targets, all_target_weights)[0]
            )
            city = rng.choice(cities.get(code, ("",)))
            sector = self.sector_names[rng.choice(sectors_of[partnership])].lower()
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            roll = rng.random()
            date = (
                datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)) if roll < 0.85 else None
            )
            if roll > 0.99:
                year = None
            moment = _moment(rng, year or LAST_YEAR)
            mou = kind in has_level
            typed = bool(subtypes[kind]) and rng.random() < 0.9
            append(
                OUTCOMES.row(
                    {
                        "type": kind,
                        "subtype": rng.choice(subtypes[kind]) if typed else "",
                        "title": titles[kind].format(
                            country=code, sector=sector, city=city or code
                        ),
                        "description": f"Synthetic {kind} of partnership {partnership} "
                        f"with partners in {code}.",
                        "city": city,
                        "date": date,
                        "year": year,
                        "level": rng.choices(levels, level_weights)[0] if mou else "",
                        "venue": rng.choice(VENUES) if mou else "",
                        "intra_eu": False,
                        "multi_country": False,
                        "direction": rng.choice(DIRECTIONS) if kind in has_direction else "",
                        "evidence_url": "",
                        "source_locator": "",
                        "is_published": True,
                        "created_at": moment,
                        "updated_at": moment,
                        "counterpart_id": None,
                        "country_id": code,
                        "partnership_id": partnership,
                        "source_id": self.source_id,
                        "source_page": "",
                        "as_of": moment.date(),
                        "published_at": moment,
                        "version": 1,
                        "review_note": "",
                    }
                )
            )
        return rows


def _moment(rng, year):
    return datetime.datetime(
        year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 18), tzinfo=datetime.UTC
    )


class _Table:
    """A table loaded in bulk: its rows are built as dicts keyed by column name and kept as tuples
    in the order of ``columns`` (a million outcomes as dicts would take five times the memory)."""

    def __init__(self, name: str, columns: list[str]) -> None:
        self.name = name
        self.columns = columns
        self._in_order = operator.itemgetter(*columns)

    def row(self, values: dict[str, object]) -> tuple:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.name} has columns {self.columns}, not {list(values)}.")
        return self._in_order(values)

    def position(self, column: str) -> int:
        return self.columns.index(column)


CLUSTERS = _Table(
    "partnerships_cluster",
    [
        "id",
        "name",
        "acronym",
        "slug",
        "website",
        "city",
        "label",
        "description",
        "is_published",
        "updated_at",
        "country_id",
        "cross_border_country_id",
        "source_id",
        "created_by_id",
        "published_at",
        "version",
        "review_note",
    ],
)
PARTNERSHIPS = _Table(
    "partnerships_partnership",
    [
        "id",
        "name",
        "acronym",
        "slug",
        "kind",
        "programme",
        "strand",
        "call",
        "funding",
        "description",
        "website",
        "contact_email",
        "start_date",
        "end_date",
        "partner_count",
        "country_count",
        "is_published",
        "created_at",
        "updated_at",
        "related_partnership_id",
        "source_id",
        "source_page",
        "as_of",
        "published_at",
        "version",
        "review_note",
    ],
)
OUTCOMES = _Table(
    "outcomes_outcome",
    [
        "type",
        "subtype",
        "title",
        "description",
        "city",
        "date",
        "year",
        "level",
        "venue",
        "intra_eu",
        "multi_country",
        "direction",
        "evidence_url",
        "source_locator",
        "is_published",
        "created_at",
        "updated_at",
        "counterpart_id",
        "country_id",
        "partnership_id",
        "source_id",
        "source_page",
        "as_of",
        "published_at",
        "version",
        "review_note",
    ],
)
SECTOR_LINK_COLUMNS = ["partnership_id", "sector_id"]
MEMBERSHIP_COLUMNS = ["partnership_id", "cluster_id", "role"]
MEMBER_COUNTRY_COLUMNS = ["partnership_id", "position", "country_id", "cross_border_country_id"]
TARGET_COLUMNS = ["partnership_id", "position", "country_id", "region_id", "tentative"]


def _next_id(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _move_sequences(tables) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite continues from the largest id by itself.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


COPY_BATCH = 200_000


def _insert(table, columns, rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), COPY_BATCH):
                buffer = io.StringIO(_copy_text(rows[start : start + COPY_BATCH]))
                cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        # The generated text has no tabs, newlines or backslashes, but COPY's format must hold.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _copy_text(rows):
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
