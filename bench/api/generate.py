"""Generate the API benchmark's dataset in PostgreSQL: a negotiation record and a news corpus at scale.

    .venv/bin/python -m bench.api.generate [--meetings 100000] [--scale 1.0] [--seed 1] [--force]

Creates and migrates `tracker_bench_api` (BENCH_API_DATABASE_URL), then fills it. At `--scale 1`:

- the demo negotiation (negotiations/demo.py: real actors with Arabic and Hebrew aliases, 5 tracks);
- ~300 actors in all: states, armed groups, bodies, media and ~200 people, with English and Arabic
  aliases, identifiers, a country, and dated affiliations (offices in states and groups);
- 15 tracks, each with parties, mediators, guarantors and 3-6 phases;
- 100,000 meetings (`--meetings`) over Oct 2023 - Feb 2027, each with 2-6 participants (a role, the
  delegation represented), 1-2 tracks, the proposals and sticking points on the table;
- 20,000 proposals in version families (supersedes / amends / counters), each with 3-10 terms
  (quantities and units where the kind has one), deliveries against in-force terms, a dated event log
  (drafted, tabled, responses, amendments, acceptance or rejection, entry into force, violations) and
  1-4 responses (some naming the counter-proposal);
- 600 sticking points with status histories and 100,000 dated positions;
- 10,000 figures (conflicting claims side by side), ~100,000 citations (an article or a URL);
- 60 feeds (8 Arabic) and 200,000 articles (~7% Arabic): multi-sentence text of 3-8 paragraphs, titles,
  publishers, authors, review states (about 5% pending, the rest accepted, rejected or duplicate),
  near-duplicate stories, ~9 mentions each (offsets into the text) and scored suggestions of meetings,
  proposals and sticking points.

English text comes from bench/ingest/common.py's NewsWriter (real common words on a Zipf curve, invented
rare words, the actors' names). Arabic text is drawn the same way from an Arabic vocabulary. Articles are
composed of paragraphs from a per-topic pool, so 200k distinct articles take seconds to write.

Every record's updated_at is at least that of the rows its API representation shows (terms, events,
participants, citations…), as tracker/api/freshness.py keeps it when rows are written one by one.

Loading: the small reference data (actors, tracks, feeds, users) goes through the ORM; everything large
goes through COPY (psycopg2 `copy_expert`). Each COPY names the model fields the generator fills, and
every other concrete column gets the model's default, so a field added later (with a default) is filled
too, and a required one without a default stops the run with its name. Generated columns are left to
the database. Foreign-key triggers are skipped during the COPY (`session_replication_role = replica`)
except on tables with triggers of their own (a search trigger, say), whose COPY runs with triggers on.
Before a table's first COPY its secondary indexes and unique constraints are dropped, and they are
built again from their own definitions once everything is loaded (any index: the full-text GIN indexes
of the search migrations too), which is several times faster than maintaining them row by row. The
generator writes only columns, never search internals.

Idempotent: a marker table (`bench_api_marker`) records the sizes, seed and generator version when the
run finishes. A second run with the same ones only applies new migrations; a different size, a missing marker (an
interrupted run) or `--force` drops the database and generates again. The run ends with
VACUUM ANALYZE (visibility map and statistics, as autovacuum would leave a live database).
"""

import argparse
import datetime
import hashlib
import html
import io
import itertools
import json
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from bench.api import env
from bench.ingest import common

GENERATOR_VERSION = 4
UTC = datetime.UTC

# The record spans these days; meetings after PAST_END are scheduled ones.
PERIOD_START = datetime.date(2023, 10, 9)
PAST_END = datetime.date(2026, 11, 20)
FUTURE_END = datetime.date(2027, 2, 28)
NOW = datetime.datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

BASE_SIZES = {
    "proposals": 20_000,
    "sticking_points": 600,
    "positions": 100_000,
    "articles": 200_000,
    "figures": 10_000,
}
ACTORS_TOTAL = 300
FEEDS = 60
ARABIC_FEEDS = 8
TOPICS = 40
ARTICLE_BATCH = 10_000


# --- Vocabulary -----------------------------------------------------------------------------------

VENUES = [
    ("Sheraton Grand, Doha", "Asia/Qatar", "qatar"),
    ("Amiri Diwan, Doha", "Asia/Qatar", "qatar"),
    ("General Intelligence headquarters, Cairo", "Africa/Cairo", "egypt"),
    ("Congress centre, Sharm el-Sheikh", "Africa/Cairo", "egypt"),
    ("White House, Washington", "America/New_York", "united-states"),
    ("State Department, Washington", "America/New_York", "united-states"),
    ("UN headquarters, New York", "America/New_York", "united-states"),
    ("Mar-a-Lago, Palm Beach", "America/New_York", "united-states"),
    ("Prime Minister's Office, Jerusalem", "Asia/Jerusalem", "israel"),
    ("Kirya, Tel Aviv", "Asia/Jerusalem", "israel"),
    ("Al-Yamamah Palace, Riyadh", "Asia/Riyadh", "saudi-arabia"),
    ("Dolmabahce office, Istanbul", "Europe/Istanbul", "turkey"),
    ("Royal Court, Amman", "Asia/Amman", "jordan"),
    ("Baabda Palace, Beirut", "Asia/Beirut", "lebanon"),
    ("People's Palace, Damascus", "Asia/Damascus", "syria"),
    ("Quai d'Orsay, Paris", "Europe/Paris", "france"),
    ("Palais des Nations, Geneva", "Europe/Zurich", "switzerland"),
    ("Al Alam Palace, Muscat", "Asia/Muscat", "oman"),
    ("Qasr Al Watan, Abu Dhabi", "Asia/Dubai", "united-arab-emirates"),
    ("Farnesina, Rome", "Europe/Rome", "italy"),
    ("Foreign ministry, Oslo", "Europe/Oslo", "norway"),
    ("Conference palace, Jeddah", "Asia/Riyadh", "saudi-arabia"),
    ("Lancaster House, London", "Europe/London", "united-kingdom"),
]
NEW_STATES = [
    ("france", "France", "فرنسا"),
    ("switzerland", "Switzerland", "سويسرا"),
    ("oman", "Oman", "عمان"),
    ("united-arab-emirates", "United Arab Emirates", "الإمارات العربية المتحدة"),
    ("italy", "Italy", "إيطاليا"),
    ("norway", "Norway", "النرويج"),
    ("united-kingdom", "United Kingdom", "المملكة المتحدة"),
    ("sudan", "Sudan", "السودان"),
    ("yemen", "Yemen", "اليمن"),
    ("libya", "Libya", "ليبيا"),
    ("iraq", "Iraq", "العراق"),
    ("germany", "Germany", "ألمانيا"),
]
NEW_BODIES = [
    (
        "international-committee-of-the-red-cross",
        "International Committee of the Red Cross",
        "ICRC",
        "international_body",
    ),
    ("european-union", "European Union", "EU", "international_body"),
    ("arab-league", "Arab League", "LAS", "international_body"),
    ("african-union", "African Union", "AU", "international_body"),
    ("unrwa", "UN Relief and Works Agency", "UNRWA", "international_body"),
    ("world-food-programme", "World Food Programme", "WFP", "international_body"),
    ("un-ocha", "UN Office for the Coordination of Humanitarian Affairs", "OCHA", "international_body"),
    ("civil-military-coordination-center", "Civil-Military Coordination Center", "CMCC", "organisation"),
    ("rapid-support-forces", "Rapid Support Forces", "RSF", "armed_group"),
    ("sudanese-armed-forces", "Sudanese Armed Forces", "SAF", "armed_group"),
    ("ansar-allah", "Ansar Allah", "Houthis", "armed_group"),
    ("palestinian-islamic-jihad", "Palestinian Islamic Jihad", "PIJ", "armed_group"),
]
GROUP_WORDS = ("Front", "Council", "Movement", "Brigades", "Alliance", "Committee")
MEDIA_WORDS = ("Courier", "Ledger", "Wire", "Observer", "Herald", "Monitor", "Gazette", "Dispatch", "Post", "Review")
TITLES = (
    "Foreign Minister",
    "Special Envoy",
    "Chief Negotiator",
    "Head of Intelligence",
    "Spokesperson",
    "Defence Minister",
    "Political Bureau Member",
    "Ambassador",
    "National Security Adviser",
    "Deputy Foreign Minister",
    "Military Commander",
    "Head of Delegation",
)
NEW_TRACKS = [
    ("jeddah-sudan-ceasefire-talks", "Jeddah Sudan ceasefire talks", ["sudan", "rapid-support-forces"]),
    ("yemen-truce-muscat-channel", "Yemen truce (Muscat channel)", ["yemen", "ansar-allah"]),
    ("red-sea-shipping-de-escalation", "Red Sea shipping de-escalation", ["ansar-allah", "united-states"]),
    ("rafah-crossing-operations", "Rafah crossing operations", ["israel", "palestinian-authority"]),
    ("gaza-reconstruction-conference", "Gaza reconstruction conference", ["palestinian-authority", "israel"]),
    ("hostage-release-working-group", "Hostage release working group", ["israel", "hamas"]),
    ("west-bank-de-escalation", "West Bank de-escalation talks", ["israel", "palestinian-authority"]),
    ("lebanon-border-demarcation", "Israel-Lebanon border demarcation", ["israel", "lebanon"]),
    ("libya-joint-military-commission", "Libya joint military commission", ["libya", "bench-group-0"]),
    ("iraq-syria-border-security", "Iraq-Syria border security", ["iraq", "syria"]),
]
MEDIATORS = ["qatar", "egypt", "united-states", "oman", "turkey", "norway", "switzerland", "united-nations"]
GUARANTORS = ["united-states", "egypt", "qatar", "turkey", "european-union", "arab-league"]
PHASE_NAMES = ("Preparatory talks", "First phase", "Second phase", "Third phase", "Implementation", "Final status")
TOPIC_WORDS = (
    "the truce",
    "the exchange of captives",
    "aid deliveries",
    "the withdrawal map",
    "guarantees",
    "the crossings",
    "the second phase",
    "post-war governance",
    "the stabilisation force",
    "disarmament",
    "prisoner lists",
    "the buffer zone",
)
TERM_SPECS = [
    # kind, key stem, unit, low, high, clause
    (
        "truce_length",
        "truce-length",
        "days",
        7,
        90,
        "A pause in fighting of {q} days, extendable while talks continue.",
    ),
    ("living_hostages", "living-hostages", "people", 2, 50, "Release of {q} living hostages in staggered groups."),
    ("bodies_returned", "bodies-returned", "bodies", 1, 30, "Return of the bodies of {q} deceased hostages."),
    ("prisoners_released", "prisoners-released", "people", 50, 2000, "Release of {q} prisoners and detainees."),
    (
        "withdrawal_line",
        "withdrawal-line",
        "km",
        1,
        5,
        "Forces pull back {q} km from populated areas to the agreed line.",
    ),
    ("aid_channel", "aid-channel", "trucks_per_day", 100, 800, "Entry of {q} aid trucks a day through the crossings."),
    ("guarantee", "guarantee", "", 0, 0, "The mediators guarantee that talks on the next phase continue."),
    ("follow_on_talks", "follow-on-talks", "", 0, 0, "Negotiations on a permanent ceasefire open within 16 days."),
    ("governance", "governance", "", 0, 0, "A technocratic committee administers civil affairs."),
    ("security_force", "security-force", "percent", 10, 100, "An international force deploys to {q}% of the area."),
    ("disarmament", "disarmament", "", 0, 0, "Heavy weapons are placed under supervision of a joint mechanism."),
    ("other", "other", "", 0, 0, "Displaced residents may return to their neighbourhoods."),
]
SP_TEMPLATES = [
    ("withdrawal", "Sequencing of the withdrawal from {place}"),
    ("withdrawal", "Depth of the buffer zone near {place}"),
    ("humanitarian", "Aid volume through the {place} crossing"),
    ("humanitarian", "Who distributes aid in {place}"),
    ("guarantees", "Guarantees against a resumption of fighting"),
    ("guarantees", "Written guarantees from {actor}"),
    ("captives", "Ratio of prisoners per hostage"),
    ("captives", "Names on the prisoner lists"),
    ("governance", "Role of {actor} in post-war administration"),
    ("disarmament", "Fate of heavy weapons in {place}"),
    ("security", "Mandate of the monitoring force"),
    ("displacement", "Return of displaced residents to {place}"),
    ("other", "Reconstruction funding and its channel"),
]
FIGURES = [
    ("hostages-remaining", "Hostages still held", "people", 0, 250),
    ("aid-trucks-entered", "Aid trucks entering per day", "trucks", 20, 900),
    ("killed-since-truce", "People killed since the truce began", "people", 0, 600),
    ("displaced", "People displaced", "people", 10_000, 1_900_000),
    ("prisoners-released", "Prisoners released so far", "people", 0, 2_000),
    ("bodies-returned", "Bodies of hostages returned", "bodies", 0, 28),
    ("violations-reported", "Truce violations reported", "incidents", 0, 400),
]
CLAIMANTS = (
    "Gaza Civil Defence",
    "An unnamed Israeli official",
    "Local health authorities",
    "A mediator's spokesperson",
)
ARABIC_WORDS = common._words("""
في من إلى على أن عن مع هذا هذه التي الذي قال وقال وأضاف كما بعد قبل خلال بين حول لم لن قد كان كانت يوم أمس
اليوم الأسبوع الشهر المقبل الماضي مصادر مصدر مسؤول مسؤولون رسمي الوفد الوفود المفاوضات المحادثات الاتفاق اتفاق
الهدنة وقف إطلاق النار الرهائن المحتجزين الأسرى الإفراج تبادل الانسحاب القوات الجيش المساعدات الإنسانية
الشاحنات المعبر معبر الحدود المرحلة الأولى الثانية الثالثة الوسطاء الوسيط المصري القطري الأمريكي الإسرائيلي
الفلسطيني الحكومة الرئيس رئيس الوزراء وزير الخارجية المبعوث الخاص البيت الأبيض القاهرة الدوحة غزة القطاع شمال
جنوب مدينة مخيم المستشفى المدنيين الضحايا القصف الغارات العمليات العسكرية الضمانات المقترح الرد موافقة رفض
شروط مطالب تعديلات المسودة النص الجدول الزمني التنفيذ الالتزام الخروقات انتهاك مراقبة آلية ضغوط دولية الأمم
المتحدة مجلس الأمن بيان مؤتمر صحفي اجتماع لقاء جولة جديدة استئناف تعثر انهيار تقدم ملموس إيجابي سلبي مطلعة
وفقا بحسب أكد نفى أعلن أوضح أشار حذر دعا طالب رحب أفادت وكالة الأنباء صحيفة تقرير
""")
# Invented names are built from syllables, so each has an Arabic spelling too.
SYLLABLES = {
    "ba": "با", "ka": "كا", "lo": "لو", "mi": "مي", "nu": "نو", "ra": "را", "si": "سي", "to": "تو", "ve": "في",
    "za": "زا", "dor": "دور", "fen": "فين", "gal": "غال", "hir": "هير", "jun": "جون", "mar": "مار", "nes": "نس",
    "pol": "بول", "tur": "تور", "wen": "وين", "yas": "ياس", "ham": "هام", "rek": "ريك", "sol": "سول", "din": "دين",
}  # fmt: skip


# --- COPY, driven by the models -------------------------------------------------------------------


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _text(value) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is float or kind is Decimal:
        return str(value)
    if kind is datetime.datetime or kind is datetime.date:
        return value.isoformat()
    if kind is datetime.timedelta:
        return f"{value.total_seconds()} seconds"
    if kind is list or kind is dict:
        return _escape(json.dumps(value, ensure_ascii=False))
    raise TypeError(f"cannot COPY a {kind.__name__}: {value!r}")


@dataclass
class _Plan:
    table: str
    columns: list[str]
    suffix: str  # the constant columns' values, appended to every line
    triggers: bool  # the table has triggers of its own: COPY with triggers on


class Copier:
    """COPY rows into a model's table. The caller names the model fields (attnames) it fills; every other
    concrete column gets the model's default (or NULL, or "" for a blank-able text field), so the rows are
    what the ORM would write. A column that has none of these stops the run, naming the field."""

    FLUSH_CHARS = 48 * 1024 * 1024

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.rows: Counter[str] = Counter()
        self.tables: set[str] = set()
        self._plans: dict[tuple, _Plan] = {}
        self._deferred: list[str] = []  # statements that put back the indexes dropped for the load

    def defer_indexes(self, table: str) -> None:
        """Drop the table's secondary indexes and unique constraints (not its primary key), keeping their
        definitions: building an index once at the end is far faster than maintaining it row by row."""
        self.cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
            "pg_get_constraintdef(c.oid) FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x') WHERE i.indrelid = %s::regclass "
            "AND NOT i.indisprimary",
            [table],
        )
        for index, definition, constraint, constraint_definition in self.cursor.fetchall():
            if constraint:
                self.cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
                self._deferred.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {constraint_definition}')
            else:
                self.cursor.execute(f"DROP INDEX {index}")
                self._deferred.append(definition)

    def restore_indexes(self) -> None:
        """Build every deferred index and unique constraint again (uniqueness is checked here)."""
        self.cursor.execute("SET maintenance_work_mem TO '512MB'")
        while self._deferred:
            self.cursor.execute(self._deferred.pop(0))

    def plan(self, model, fields: tuple[str, ...]) -> _Plan:
        key = (model, fields)
        if key in self._plans:
            return self._plans[key]
        from django.db.models import NOT_PROVIDED, CharField, TextField

        concrete = {f.attname: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)}
        unknown = [name for name in fields if name not in concrete]
        if unknown:
            raise RuntimeError(f"{model.__name__} has no field {', '.join(unknown)}")
        columns = [concrete[name].column for name in fields]
        constants = []
        for name, model_field in concrete.items():
            if name in fields or model_field.primary_key:
                continue
            if getattr(model_field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue  # the database fills it
            if model_field.has_default():
                value = model_field.get_default()
            elif model_field.null:
                value = None
            elif isinstance(model_field, CharField | TextField) and model_field.blank:
                value = ""
            else:
                raise RuntimeError(
                    f"{model.__name__}.{name} is required and has no default: bench/api/generate.py must fill it"
                )
            columns.append(model_field.column)
            constants.append(_text(value))
        table = model._meta.db_table
        if table not in self.tables:
            self.defer_indexes(table)
            self.tables.add(table)
        self.cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
        )
        plan = _Plan(
            table=table,
            columns=columns,
            suffix="".join(f"\t{value}" for value in constants) + "\n",
            triggers=self.cursor.fetchone()[0] > 0,
        )
        self._plans[key] = plan
        return plan

    def copy(self, model, fields: tuple[str, ...], rows) -> int:
        plan = self.plan(model, fields)
        buffer, size, count = [], 0, 0
        for row in rows:
            line = "\t".join([_text(value) for value in row]) + plan.suffix
            buffer.append(line)
            size += len(line)
            count += 1
            if size >= self.FLUSH_CHARS:
                self._flush(plan, buffer)
                buffer, size = [], 0
        if buffer:
            self._flush(plan, buffer)
        self.rows[plan.table] += count
        return count

    def _flush(self, plan: _Plan, lines: list[str]) -> None:
        data = io.StringIO("".join(lines))
        columns = ", ".join(f'"{column}"' for column in plan.columns)
        role = "DEFAULT" if plan.triggers else "replica"
        self.cursor.execute(f"SET session_replication_role TO {role}")
        try:
            self.cursor.copy_expert(f'COPY "{plan.table}" ({columns}) FROM STDIN', data)
        finally:
            self.cursor.execute("SET session_replication_role TO DEFAULT")


class Ids:
    """Ids for new rows, from the largest in each table (the generator is the only writer); the identity
    sequences are moved past them at the end."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.next: dict[str, int] = {}

    def take(self, model, count: int) -> range:
        table = model._meta.db_table
        if table not in self.next:
            self.cursor.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"')  # noqa: S608 - a model's table
            self.next[table] = self.cursor.fetchone()[0]
        start = self.next[table]
        self.next[table] = start + count
        return range(start, start + count)

    def sync_sequences(self) -> None:
        for table in self.next:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM \"{table}\"))",  # noqa: S608
                [table],
            )


# --- Small helpers ---------------------------------------------------------------------------------


def _slugify(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _moment(day: datetime.date, rng: random.Random, zone: str = "UTC", hours=(8, 21)) -> datetime.datetime:
    local = datetime.datetime.combine(
        day, datetime.time(rng.randint(*hours), rng.choice((0, 0, 15, 30, 45))), tzinfo=ZoneInfo(zone)
    )
    return local.astimezone(UTC)


def _stamps(rng: random.Random, when: datetime.datetime, edited: float = 0.3) -> tuple[datetime.datetime, ...]:
    """created_at (shortly after the fact) and updated_at (later, when edited), never after NOW."""
    created = min(when + datetime.timedelta(minutes=rng.randint(5, 3 * 24 * 60)), NOW)
    updated = created
    if rng.random() < edited:
        updated = min(created + datetime.timedelta(minutes=rng.randint(10, 60 * 24 * 60)), NOW)
    created = created.replace(microsecond=rng.randrange(1_000_000))
    return created, max(updated.replace(microsecond=rng.randrange(1_000_000)), created)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)


@dataclass
class TrackInfo:
    id: int
    slug: str
    name: str
    parties: list[int]
    mediators: list[int]
    people: list[int]  # people and groups who sit in its meetings
    weight: float
    proposals: list[int] = field(default_factory=list)
    sticking_points: list[int] = field(default_factory=list)


@dataclass
class Paragraph:
    text: str
    escaped: str  # html-escaped, for content_html
    mentions: list[tuple[int, int, int, int, str]]  # start, end, actor, alias, matched text


# --- The generator ---------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, meetings: int, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.meetings = meetings
        self.sizes = {name: max(1, round(value * scale)) for name, value in BASE_SIZES.items()}
        self.sizes["sticking_points"] = max(30, self.sizes["sticking_points"])
        self.timings: dict[str, float] = {}

    @contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        print(f"  {name}…", end="", flush=True)
        yield
        self.timings[name] = time.perf_counter() - started
        print(f" {self.timings[name]:.1f} s", flush=True)

    def run(self) -> dict:
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
            self.copier = Copier(cursor.cursor)
            self.ids = Ids(cursor.cursor)
            with self.step("demo negotiation, actors, tracks, feeds, users (ORM)"):
                self.reference_data()
            with self.step(f"{self.sizes['proposals']:,} proposals with terms, events, responses"):
                self.proposals()
            with self.step(f"{self.sizes['sticking_points']:,} sticking points, {self.sizes['positions']:,} positions"):
                self.sticking_points()
            with self.step(f"{self.meetings:,} meetings with participants"):
                self.meeting_rows()
            with self.step(f"{self.sizes['articles']:,} articles with mentions and suggestions"):
                self.articles()
            with self.step(f"{self.sizes['figures']:,} figures and the citations"):
                self.figures()
                self.citations()
            with self.step("updated_at of each record at least that of the rows it shows"):
                self.freshness(cursor.cursor)
            with self.step("indexes and unique constraints built again"):
                self.copier.restore_indexes()
            with self.step("sequences, VACUUM ANALYZE"):
                self.ids.sync_sequences()
                cursor.execute("SET synchronous_commit TO DEFAULT")
                for table in sorted(self.copier.tables | {"actors_actor", "actors_alias", "negotiations_track"}):
                    cursor.execute(f'VACUUM (ANALYZE) "{table}"')
        return {
            "seconds": round(time.perf_counter() - started, 1),
            "rows": dict(sorted(self.copier.rows.items())),
            "steps": {name: round(seconds, 1) for name, seconds in self.timings.items()},
        }

    def freshness(self, cursor) -> None:
        """A record's updated_at is at least that of every row its API representation shows (as
        tracker/api/freshness.py keeps it when rows are written one by one): terms, deliveries,
        responses, events and citations of a proposal; statuses, positions and citations of a sticking
        point; participants and citations of a meeting, and the events and status changes of the
        proposals and sticking points on its table; citations of a position, response, term or figure."""
        from negotiations.models import Figure, Meeting, Position, Proposal, Response, StickingPoint, Term

        def cited(model) -> str:
            return (
                "SELECT object_id AS id, max(updated_at) AS at FROM negotiations_citation "  # noqa: S608 - constants
                f"WHERE content_type_id = {self.content_types[model]} GROUP BY 1"
            )

        shown = {
            "negotiations_proposal": [
                "SELECT proposal_id, max(updated_at) FROM negotiations_term GROUP BY 1",
                "SELECT t.proposal_id, max(d.updated_at) FROM negotiations_delivery d "
                "JOIN negotiations_term t ON t.id = d.term_id GROUP BY 1",
                "SELECT proposal_id, max(updated_at) FROM negotiations_response GROUP BY 1",
                "SELECT proposal_id, max(updated_at) FROM negotiations_proposalevent GROUP BY 1",
                cited(Proposal),
            ],
            "negotiations_stickingpoint": [
                "SELECT sticking_point_id, max(updated_at) FROM negotiations_stickingpointstatus GROUP BY 1",
                "SELECT sticking_point_id, max(updated_at) FROM negotiations_position GROUP BY 1",
                cited(StickingPoint),
            ],
            "negotiations_meeting": [
                "SELECT meeting_id, max(updated_at) FROM negotiations_participant GROUP BY 1",
                "SELECT mp.meeting_id, max(e.updated_at) FROM negotiations_meeting_proposals mp "
                "JOIN negotiations_proposalevent e ON e.proposal_id = mp.proposal_id GROUP BY 1",
                "SELECT ms.meeting_id, max(s.updated_at) FROM negotiations_meeting_sticking_points ms "
                "JOIN negotiations_stickingpointstatus s ON s.sticking_point_id = ms.stickingpoint_id GROUP BY 1",
                cited(Meeting),
            ],
            "negotiations_position": [cited(Position)],
            "negotiations_response": [cited(Response)],
            "negotiations_term": [cited(Term)],
            "negotiations_figure": [cited(Figure)],
        }
        for table, sources in shown.items():
            union = " UNION ALL ".join(sources)
            cursor.execute(
                f'UPDATE "{table}" r SET updated_at = s.at FROM (SELECT id, max(at) AS at FROM ({union}) '  # noqa: S608
                "AS u(id, at) GROUP BY id) s WHERE s.id = r.id AND s.at > r.updated_at"
            )

    # Reference data (ORM) -------------------------------------------------------------------------

    def reference_data(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        from negotiations import demo
        from negotiations.models import Figure, Meeting, Position, Proposal, Response, StickingPoint, Term
        from tracker.services import user_set_role

        with transaction.atomic():
            demo.load()
            self.editor = user_set_role(username="bench-editor", role="editor")
            self.create_actors()
            self.create_tracks()
            self.create_feeds()
        self.content_types = {
            model: ContentType.objects.get_for_model(model).id
            for model in (Meeting, Proposal, StickingPoint, Response, Position, Term, Figure)
        }

    def _name(self, low: int, high: int) -> tuple[str, str]:
        parts = [self.rng.choice(list(SYLLABLES)) for _ in range(self.rng.randint(low, high))]
        return "".join(parts).capitalize(), "".join(SYLLABLES[part] for part in parts)

    def create_actors(self) -> None:
        from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
        from actors.text import alias_key, detect_script, nfc

        rng = self.rng
        existing = {actor.slug: actor for actor in Actor.objects.all()}
        names = {actor.name for actor in existing.values()}
        aliases: list[tuple[Actor, str, str, str]] = []
        created: list[Actor] = []

        def add(slug: str, name: str, kind: str, **extra) -> Actor:
            actor = Actor(slug=slug, name=name, kind=kind, **extra)
            created.append(actor)
            existing[slug] = actor
            names.add(name)
            aliases.append((actor, name, "en", Alias.Kind.NAME))
            return actor

        for slug, name, arabic in NEW_STATES:
            if slug not in existing:
                add(slug, name, Actor.Kind.STATE, description=f"{name}, as a party, host or mediator.")
                aliases.append((existing[slug], arabic, "ar", Alias.Kind.NAME))
        for slug, name, short, kind in NEW_BODIES:
            if slug not in existing:
                add(slug, name, kind)
                aliases.append((existing[slug], short, "en", Alias.Kind.ABBREVIATION))
        Actor.objects.bulk_create(created)  # first, so that the others can name them as their country
        saved = len(created)
        states = [actor for actor in existing.values() if actor.kind == Actor.Kind.STATE]
        numbers: Counter[str] = Counter()
        while len(existing) < ACTORS_TOTAL * 0.35:  # invented groups and outlets
            family, arabic = self._name(2, 3)
            if rng.random() < 0.75:
                name, kind, prefix = f"{family} {rng.choice(GROUP_WORDS)}", Actor.Kind.ARMED_GROUP, "group"
            else:
                name, kind, prefix = f"The {family} {rng.choice(MEDIA_WORDS)}", Actor.Kind.MEDIA, "media"
            if name in names:
                continue
            actor = add(f"bench-{prefix}-{numbers[prefix]}", name, kind, description="Invented for the API benchmark.")
            actor.country = rng.choice(states)
            aliases.append((actor, arabic, "ar", Alias.Kind.NAME))
            numbers[prefix] += 1
        people = []
        while len(existing) < ACTORS_TOTAL:
            given, given_ar = self._name(2, 2)
            family, family_ar = self._name(2, 3)
            name = f"{given} {family}"
            if name in names:
                continue
            actor = add(f"bench-{_slugify(name)}", name, Actor.Kind.PERSON, description="Invented for the benchmark.")
            actor.country = rng.choice(states)
            aliases.append((actor, family, "en", Alias.Kind.NAME))
            if rng.random() < 0.6:
                aliases.append((actor, f"{given_ar} {family_ar}", "ar", Alias.Kind.NAME))
            people.append(actor)
        Actor.objects.bulk_create(created[saved:])
        seen = set()
        rows = []
        for actor, name, language, kind in aliases:
            key = (actor.slug, alias_key(name))
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                Alias(
                    actor=actor,
                    name=nfc(name),
                    normalized=alias_key(name),
                    language=language,
                    script=detect_script(name),
                    kind=kind,
                )
            )
        Alias.objects.bulk_create(rows)
        organisations = [a for a in existing.values() if a.kind != Actor.Kind.PERSON and a.kind != Actor.Kind.MEDIA]
        affiliations = []
        for person in people:
            start = _day(rng, datetime.date(2015, 1, 1), datetime.date(2025, 6, 1))
            for _ in range(rng.choice((1, 1, 2))):
                end = None if rng.random() < 0.6 else start + datetime.timedelta(days=rng.randint(90, 2000))
                affiliations.append(
                    Affiliation(
                        actor=person,
                        organisation=rng.choice(organisations),
                        title=rng.choice(TITLES),
                        start_date=start,
                        end_date=end,
                        sole_holder=False,
                    )
                )
                start = (end or start) + datetime.timedelta(days=1)
        Affiliation.objects.bulk_create(affiliations)
        ExternalIdentifier.objects.bulk_create(
            ExternalIdentifier(actor=actor, scheme=ExternalIdentifier.Scheme.WIKIDATA, value=f"Q9{index:06d}")
            for index, actor in enumerate(created)
            if rng.random() < 0.5
        )
        self.actors = {actor.slug: actor for actor in Actor.objects.all()}
        self.actor_ids = [actor.id for actor in self.actors.values()]
        self.actor_names = {actor.id: actor.name for actor in self.actors.values()}
        self.states = [a.id for a in self.actors.values() if a.kind == Actor.Kind.STATE]
        self.people = [a.id for a in self.actors.values() if a.kind == Actor.Kind.PERSON]
        member_of: dict[int, int] = {}
        for affiliation in Affiliation.objects.filter(organisation__isnull=False).order_by("id"):
            member_of.setdefault(affiliation.actor_id, affiliation.organisation_id)
        self.member_of = member_of

    def create_tracks(self) -> None:
        from negotiations.models import Phase, Track, TrackActor

        rng = self.rng
        for slug, name, parties in NEW_TRACKS:
            if Track.objects.filter(slug=slug).exists():
                continue
            started = _day(rng, PERIOD_START, datetime.date(2025, 6, 1))
            track = Track.objects.create(
                slug=slug,
                name=name,
                status=rng.choice(list(Track.Status.values)),
                started_on=started,
                description=f"{name}: invented for the API benchmark, with the parties and mediators below.",
            )
            roles = [(self.actors[party].id, TrackActor.Role.PARTY) for party in parties if party in self.actors]
            for slug_ in rng.sample(MEDIATORS, rng.randint(1, 3)):
                roles.append((self.actors[slug_].id, TrackActor.Role.MEDIATOR))
            for slug_ in rng.sample(GUARANTORS, rng.randint(0, 2)):
                roles.append((self.actors[slug_].id, TrackActor.Role.GUARANTOR))
            TrackActor.objects.bulk_create(
                [TrackActor(track=track, actor_id=actor, role=role) for actor, role in dict.fromkeys(roles)]
            )
            day = started
            phases = []
            for sequence in range(1, rng.randint(3, 6) + 1):
                ends = day + datetime.timedelta(days=rng.randint(30, 200))
                phases.append(
                    Phase(
                        track=track,
                        sequence=sequence,
                        name=PHASE_NAMES[sequence - 1],
                        status=Phase.Status.COMPLETED if ends < PAST_END else Phase.Status.PLANNED,
                        starts_on=day,
                        ends_on=ends,
                        deadline=ends if rng.random() < 0.5 else None,
                        opening_conditions="The previous phase's releases are complete and the crossings are open.",
                    )
                )
                day = ends + datetime.timedelta(days=1)
            Phase.objects.bulk_create(phases)
        self.tracks: list[TrackInfo] = []
        for number, track in enumerate(Track.objects.order_by("id").prefetch_related("track_actors")):
            rows = list(track.track_actors.all())
            parties = list(dict.fromkeys(row.actor_id for row in rows if row.role == TrackActor.Role.PARTY))
            mediators = [row.actor_id for row in rows if row.role != TrackActor.Role.PARTY]
            mediators = [actor for actor in dict.fromkeys(mediators) if actor not in parties]
            sides = set(parties) | set(mediators)
            people = [person for person in self.people if self.member_of.get(person) in sides]
            people += rng.sample(self.people, 12)
            people += parties + mediators
            self.tracks.append(
                TrackInfo(
                    id=track.id,
                    slug=track.slug,
                    name=track.name,
                    parties=parties or rng.sample(self.states, 2),
                    mediators=mediators or rng.sample(self.states, 1),
                    people=list(dict.fromkeys(people)),
                    weight=3.0 if number == 0 else 1.0,
                )
            )
        self.track_weights = list(itertools.accumulate(track.weight for track in self.tracks))

    def pick_track(self) -> TrackInfo:
        return self.rng.choices(self.tracks, cum_weights=self.track_weights)[0]

    def create_feeds(self) -> None:
        from news.models import Feed

        rng = self.rng
        feeds = []
        for number in range(FEEDS):
            arabic = number < ARABIC_FEEDS
            word = rng.choice(MEDIA_WORDS)
            publisher = f"{self._name(2, 3)[0]} {word}" if not arabic else f"{self._name(2, 3)[0]} Arabic {word}"
            domain = f"{_slugify(publisher)}-{number}.example"
            polled = NOW - datetime.timedelta(minutes=rng.randint(1, 120))
            feeds.append(
                Feed(
                    url=f"https://{domain}/rss/{rng.choice(['world', 'middle-east', 'politics', 'news'])}.xml",
                    title=f"{publisher}: {'الشرق الأوسط' if arabic else 'Middle East'}",
                    site_url=f"https://{domain}/",
                    publisher=publisher,
                    language="ar" if arabic else "en",
                    poll_interval=datetime.timedelta(minutes=rng.choice((15, 30, 60))),
                    current_interval=datetime.timedelta(minutes=rng.choice((20, 45, 90))),
                    last_polled_at=polled,
                    last_status=200,
                    last_success_at=polled,
                    last_new_item_at=polled - datetime.timedelta(minutes=rng.randint(0, 300)),
                    next_poll_at=polled + datetime.timedelta(minutes=30),
                    consecutive_errors=0 if rng.random() < 0.93 else rng.randint(1, 5),
                )
            )
        self.feeds = Feed.objects.bulk_create(feeds)

    # Proposals --------------------------------------------------------------------------------------

    def proposals(self) -> None:
        from negotiations.models import Delivery, Proposal, ProposalEvent, Response, Term

        rng = self.rng
        target = self.sizes["proposals"]
        ids = iter(self.ids.take(Proposal, target))
        proposals, channels, events, terms, deliveries, responses = [], [], [], [], [], []
        answers: dict[int, list[int]] = {}  # proposal -> indexes of its responses
        self.proposal_days: dict[int, datetime.date] = {}
        self.proposal_labels: dict[int, str] = {}
        family = 0
        made = 0
        while made < target:
            track = self.pick_track()
            versions = min(target - made, rng.choice((1, 1, 2, 2, 3, 4)))
            day = _day(rng, PERIOD_START, PAST_END - datetime.timedelta(days=60))
            kinds = rng.sample(TERM_SPECS, rng.randint(3, min(10, len(TERM_SPECS))))
            quantities = {spec[1]: rng.randint(spec[3], spec[4]) for spec in kinds}
            subject = rng.choice(TOPIC_WORDS)
            previous = None
            for version in range(1, versions + 1):
                pk = next(ids)
                made += 1
                proposer = rng.choice(track.parties + track.mediators)
                relation = "" if previous is None else rng.choice(["supersedes", "supersedes", "amends", "counters"])
                label = "" if versions == 1 else (f"v{version}" if relation != "counters" else "counter")
                title = (
                    f"{self.actor_names[proposer]} proposal on {subject}"
                    if rng.random() < 0.5
                    else f"{track.name}: framework on {subject}"
                )
                when = _at(day)
                created, updated = _stamps(rng, when)
                proposals.append(
                    (
                        pk,
                        track.id,
                        title,
                        f"{track.slug[:60]}-f{family:05d}-v{version}",
                        label,
                        proposer,
                        previous,
                        relation,
                        f"Put forward by {self.actor_names[proposer]} on {subject}; "
                        f"{'revises the previous version' if previous else 'the first draft of the family'}.",
                        created,
                        updated,
                    )
                )
                self.proposal_days[pk] = day
                self.proposal_labels[pk] = f"{title} {label}".strip()
                track.proposals.append(pk)
                for mediator in rng.sample(track.mediators, min(len(track.mediators), rng.randint(0, 2))):
                    channels.append((pk, mediator))
                # Terms: the family's clauses, quantities moving between versions.
                in_force_day = None
                event_day = day
                log = []
                if rng.random() < 0.5:
                    log.append(("drafted", event_day, proposer))
                event_day += datetime.timedelta(days=rng.randint(0, 5))
                log.append(("tabled", event_day, proposer))
                for _ in range(rng.randint(0, 2)):
                    event_day += datetime.timedelta(days=rng.randint(1, 10))
                    log.append(("responded", event_day, rng.choice(track.parties)))
                ending = rng.random()
                if ending < 0.2:
                    event_day += datetime.timedelta(days=rng.randint(1, 10))
                    log.append(("amended", event_day, proposer))
                elif ending < 0.45:
                    event_day += datetime.timedelta(days=rng.randint(1, 10))
                    log.append(("rejected", event_day, rng.choice(track.parties)))
                elif ending < 0.65:
                    event_day += datetime.timedelta(days=rng.randint(1, 10))
                    log.append(("accepted_in_principle", event_day, rng.choice(track.parties)))
                elif ending < 0.8:
                    event_day += datetime.timedelta(days=rng.randint(1, 10))
                    log.append(("signed", event_day, None))
                    in_force_day = event_day + datetime.timedelta(days=rng.randint(0, 3))
                    log.append(("in_force", in_force_day, None))
                    for _ in range(rng.choice((0, 0, 1, 2, 3))):
                        log.append(("violated", in_force_day + datetime.timedelta(days=rng.randint(1, 40)), None))
                    if rng.random() < 0.1:
                        log.append(("suspended", in_force_day + datetime.timedelta(days=rng.randint(41, 60)), None))
                for kind, on, actor in log:
                    events.append(
                        (pk, kind, on, actor, f"{kind.replace('_', ' ').capitalize()}.", *_stamps(rng, _at(on)))
                    )
                for position, (kind, stem, unit, low, high, clause) in enumerate(kinds):
                    quantity = None
                    if unit:
                        quantities[stem] = max(low, min(high, round(quantities[stem] * rng.uniform(0.8, 1.25))))
                        quantity = Decimal(quantities[stem])
                    is_open = unit != "" and rng.random() < 0.1
                    term_pk = len(terms)
                    terms.append(
                        [
                            pk,
                            kind,
                            stem,
                            position,
                            clause.format(q=quantities.get(stem, "")),
                            None if is_open else quantity,
                            unit,
                            is_open,
                            *_stamps(rng, when, 0.1),
                        ]
                    )
                    if in_force_day is not None and quantity is not None and rng.random() < 0.6:
                        on = in_force_day
                        for _ in range(rng.randint(1, 4)):
                            on += datetime.timedelta(days=rng.randint(1, 15))
                            delivered = round(quantity * Decimal(rng.uniform(0.1, 1.0)), 2)
                            assessment = rng.choice(["", "minimal", "intermediate", "full"])
                            deliveries.append([term_pk, on, delivered, assessment, "", *_stamps(rng, _at(on), 0.1)])
                answers[pk] = []
                for _ in range(rng.randint(1, 4)):
                    on = day + datetime.timedelta(days=rng.randint(1, 30))
                    kind = rng.choice(["accept", "reject", "conditional", "counter"])
                    answers[pk].append(len(responses))
                    responses.append(
                        [
                            pk,
                            rng.choice(track.parties),
                            kind,
                            on,
                            f"{kind.capitalize()}: {rng.choice(TOPIC_WORDS)} remains the main issue.",
                            # counter_proposal: filled below with the next version (when it counters)
                            None,
                            *_stamps(rng, _at(on)),
                        ]
                    )
                if previous is not None and relation == "counters":
                    for index in answers[previous]:
                        if responses[index][2] == "counter" and responses[index][5] is None:
                            responses[index][5] = pk
                previous = pk
                day = event_day + datetime.timedelta(days=rng.randint(3, 30))
            family += 1
        copier = self.copier
        copier.copy(
            Proposal,
            (
                "id",
                "track_id",
                "title",
                "slug",
                "version_label",
                "proposer_id",
                "previous_version_id",
                "relation",
                "summary",
                "created_at",
                "updated_at",
            ),
            proposals,
        )
        copier.copy(
            Proposal.channel.through,
            ("id", "proposal_id", "actor_id"),
            (
                (pk, *row)
                for pk, row in zip(self.ids.take(Proposal.channel.through, len(channels)), channels, strict=True)
            ),
        )
        copier.copy(
            ProposalEvent,
            ("id", "proposal_id", "kind", "occurred_on", "actor_id", "note", "created_at", "updated_at"),
            ((pk, *row) for pk, row in zip(self.ids.take(ProposalEvent, len(events)), events, strict=True)),
        )
        term_ids = self.ids.take(Term, len(terms))
        copier.copy(
            Term,
            (
                "id",
                "proposal_id",
                "kind",
                "key",
                "position",
                "text",
                "quantity",
                "unit",
                "quantity_is_open",
                "created_at",
                "updated_at",
            ),
            ((pk, *row) for pk, row in zip(term_ids, terms, strict=True)),
        )
        copier.copy(
            Delivery,
            ("id", "term_id", "delivered_on", "quantity", "assessment", "note", "created_at", "updated_at"),
            (
                (pk, term_ids[row[0]], *row[1:])
                for pk, row in zip(self.ids.take(Delivery, len(deliveries)), deliveries, strict=True)
            ),
        )
        response_ids = self.ids.take(Response, len(responses))
        copier.copy(
            Response,
            (
                "id",
                "proposal_id",
                "actor_id",
                "kind",
                "responded_on",
                "summary",
                "counter_proposal_id",
                "created_at",
                "updated_at",
            ),
            ((pk, *row) for pk, row in zip(response_ids, responses, strict=True)),
        )
        self.response_ids = list(response_ids)
        self.term_ids = list(term_ids)
        self.proposal_ids = [row[0] for row in proposals]

    # Sticking points --------------------------------------------------------------------------------

    def sticking_points(self) -> None:
        from negotiations.models import Position, StickingPoint, StickingPointStatus

        rng = self.rng
        count = self.sizes["sticking_points"]
        points, statuses, positions = [], [], []
        self.point_labels: dict[int, str] = {}
        per_point = self.sizes["positions"] / count
        quotas = [max(1, round(rng.uniform(0.5, 1.5) * per_point)) for _ in range(count)]
        for _ in range(max(0, self.sizes["positions"] - sum(quotas))):  # exactly the size asked for (at least)
            quotas[rng.randrange(count)] += 1
        point_ids = self.ids.take(StickingPoint, count)
        for number, pk in enumerate(point_ids):
            track = self.pick_track()
            category, template = rng.choice(SP_TEMPLATES)
            place = rng.choice(VENUES)[0].split(", ")[-1]
            title = template.format(place=place, actor=self.actor_names[rng.choice(track.parties)])
            opened = _day(rng, PERIOD_START, datetime.date(2025, 12, 31))
            created, updated = _stamps(rng, _at(opened))
            points.append(
                (
                    pk,
                    track.id,
                    title,
                    f"{track.slug[:60]}-sp{number:05d}",
                    category,
                    f"{title}: where the sides stand and what the mediators have floated.",
                    created,
                    updated,
                )
            )
            self.point_labels[pk] = title
            track.sticking_points.append(pk)
            day = opened
            status = "open"
            for _ in range(rng.randint(2, 6)):
                statuses.append((pk, status, day, f"Now {status}.", *_stamps(rng, _at(day), 0.05)))
                day += datetime.timedelta(days=rng.randint(5, 120))
                status = rng.choice(["open", "narrowing", "narrowing", "deadlocked", "resolved"])
            holders = list(dict.fromkeys(track.parties + track.mediators + rng.sample(track.people, 10)))
            for _ in range(quotas[number]):
                on = _day(rng, opened, PAST_END)
                actor = rng.choice(holders)
                stance = rng.choice(["insists", "rejects", "open_to_compromise", "accepts", "proposes"])
                positions.append(
                    (
                        pk,
                        actor,
                        on,
                        stance,
                        f"{self.actor_names[actor]} {stance.replace('_', ' ')} on {title.lower()}.",
                        rng.choice(["on_record", "on_record", "via_mediator", "leaked", "anonymous_official"]),
                        rng.choice(["high", "medium", "medium", "low"]),
                        *_stamps(rng, _at(on), 0.1),
                    )
                )
        copier = self.copier
        copier.copy(
            StickingPoint,
            ("id", "track_id", "title", "slug", "category", "description", "created_at", "updated_at"),
            points,
        )
        copier.copy(
            StickingPointStatus,
            ("id", "sticking_point_id", "status", "changed_on", "note", "created_at", "updated_at"),
            ((pk, *row) for pk, row in zip(self.ids.take(StickingPointStatus, len(statuses)), statuses, strict=True)),
        )
        position_ids = self.ids.take(Position, len(positions))
        copier.copy(
            Position,
            (
                "id",
                "sticking_point_id",
                "actor_id",
                "stated_on",
                "stance",
                "summary",
                "channel",
                "confidence",
                "created_at",
                "updated_at",
            ),
            ((pk, *row) for pk, row in zip(position_ids, positions, strict=True)),
        )
        self.point_ids = list(point_ids)
        self.position_ids = list(position_ids)

    # Meetings ---------------------------------------------------------------------------------------

    def meeting_rows(self) -> None:
        from negotiations.models import Meeting, Participant

        rng = self.rng
        count = self.meetings
        meeting_ids = self.ids.take(Meeting, count)
        meetings, participants, tracks, proposals, points = [], [], [], [], []
        self.meeting_labels: dict[int, str] = {}
        roles = ["host", "guest", "delegation_head", "delegate", "mediator", "observer"]
        days = (FUTURE_END - PERIOD_START).days
        formats = ["bilateral", "bilateral", "multilateral", "indirect", "phone_call", "video_call", "summit"]
        formats.append("working_dinner")
        for pk in meeting_ids:
            track = self.pick_track()
            day = PERIOD_START + datetime.timedelta(days=int(days * rng.random() ** 0.8))
            venue, zone, country = rng.choice(VENUES)
            starts = _moment(day, rng, zone)
            if day > PAST_END:
                status = "scheduled"
            else:
                status = rng.choices(["held", "postponed", "cancelled"], weights=[90, 6, 4])[0]
            kind = rng.choice(formats)
            ends = (
                None if rng.random() < 0.1 else starts + datetime.timedelta(minutes=rng.choice((30, 60, 90, 180, 300)))
            )
            seats = rng.sample(track.people, rng.randint(2, 6))
            first, second = self.actor_names[seats[0]], self.actor_names[seats[1]]
            city = venue.split(", ")[-1]
            title = {
                "bilateral": f"{first} meets {second} in {city}",
                "multilateral": f"{track.name} talks in {city}",
                "indirect": f"Indirect talks in {city} on {rng.choice(TOPIC_WORDS)}",
                "phone_call": f"Phone call: {first} and {second}",
                "video_call": f"Video call of the {track.name} mediators",
                "summit": f"{first}-{second} summit in {city}",
                "working_dinner": f"Working dinner: {first} hosts {second}",
            }[kind]
            subject = rng.choice(TOPIC_WORDS)
            mediator = self.actor_names[rng.choice(track.mediators)]
            summary = f"{first} and {second} discussed {subject}. "
            summary += f"{mediator} conveyed the latest ideas on {rng.choice(TOPIC_WORDS)}."
            outcome = ""
            if status == "held" and rng.random() < 0.7:
                outcome = rng.choice(
                    (
                        f"Agreed to meet again in {city} within a week.",
                        f"No agreement on {subject}; the mediators will table a bridging text.",
                        "Both sides accepted the sequence of the first releases.",
                        "The delegations left without a joint statement.",
                    )
                )
            meetings.append(
                (
                    pk,
                    title,
                    status,
                    kind,
                    starts,
                    ends,
                    zone,
                    rng.random() < 0.9,
                    venue if kind not in ("phone_call", "video_call") else "",
                    self.actors[country].id if kind not in ("phone_call", "video_call") else None,
                    rng.random() < 0.3,
                    rng.random() < 0.1,
                    summary,
                    outcome,
                    *_stamps(rng, starts if status != "scheduled" else NOW - datetime.timedelta(days=20)),
                )
            )
            self.meeting_labels[pk] = f"{title} ({starts:%Y-%m-%d})"
            for actor in seats:
                representing = self.member_of.get(actor)
                participants.append(
                    (
                        pk,
                        actor,
                        rng.choice(roles),
                        representing if representing != actor else None,
                        *_stamps(rng, starts, 0.05),
                    )
                )
            tracks.append((pk, track.id))
            if rng.random() < 0.15:
                other = self.pick_track()
                if other.id != track.id:
                    tracks.append((pk, other.id))
            if track.proposals:
                for proposal in set(
                    rng.sample(track.proposals, min(len(track.proposals), rng.choice((0, 0, 1, 1, 2, 3))))
                ):
                    proposals.append((pk, proposal))
            if track.sticking_points:
                for point in set(
                    rng.sample(track.sticking_points, min(len(track.sticking_points), rng.choice((0, 1, 2))))
                ):
                    points.append((pk, point))
        copier = self.copier
        copier.copy(
            Meeting,
            (
                "id",
                "title",
                "status",
                "format",
                "starts_at",
                "ends_at",
                "time_zone",
                "time_known",
                "location",
                "country_id",
                "closed_door",
                "unannounced",
                "summary",
                "outcome",
                "created_at",
                "updated_at",
            ),
            meetings,
        )
        copier.copy(
            Participant,
            ("id", "meeting_id", "actor_id", "role", "representing_id", "created_at", "updated_at"),
            ((pk, *row) for pk, row in zip(self.ids.take(Participant, len(participants)), participants, strict=True)),
        )
        for manager, rows, column in (
            (Meeting.tracks, tracks, "track_id"),
            (Meeting.proposals, proposals, "proposal_id"),
            (Meeting.sticking_points, points, "stickingpoint_id"),
        ):
            through = manager.through
            copier.copy(
                through,
                ("id", "meeting_id", column),
                ((pk, *row) for pk, row in zip(self.ids.take(through, len(rows)), rows, strict=True)),
            )
        self.meeting_ids = list(meeting_ids)

    # Articles ---------------------------------------------------------------------------------------

    def paragraph_pools(self):
        """Per topic, English and Arabic paragraphs with their mentions (offsets of the actors' aliases)."""
        from actors.models import Alias

        by_name: dict[str, tuple[int, int]] = {}
        for alias_id, actor_id, name in Alias.objects.order_by("id").values_list("id", "actor_id", "name"):
            by_name.setdefault(name, (actor_id, alias_id))
        english_names: dict[int, list[str]] = {}
        arabic_names: dict[int, list[str]] = {}
        for name, (actor, _) in by_name.items():
            if name.isascii() and len(name) > 3:
                english_names.setdefault(actor, []).append(name)
            elif any("\u0600" <= char <= "\u06ff" for char in name):
                arabic_names.setdefault(actor, []).append(name)
        english = [common.ActorNames(actor, tuple(names)) for actor, names in sorted(english_names.items())]
        writer = common.NewsWriter(english, seed=self.seed, topics=TOPICS)
        rng = random.Random(self.seed + 7)
        arabic_actors = sorted(arabic_names)
        arabic_topics = [
            [name for actor in rng.sample(arabic_actors, min(6, len(arabic_actors))) for name in arabic_names[actor]]
            for _ in range(TOPICS)
        ]
        arabic_cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(ARABIC_WORDS) + 1)))

        def arabic_sentence(topic: int) -> str:
            words: list[str] = []
            while len(words) < rng.randint(10, 22):
                if rng.random() < 0.04:
                    words.append(rng.choice(arabic_topics[topic]))
                else:
                    words.extend(rng.choices(ARABIC_WORDS, cum_weights=arabic_cumulative, k=1))
            return " ".join(words) + "."

        def arabic_paragraph(topic: int) -> str:
            sentences = []
            while sum(len(s.split()) for s in sentences) < 50:
                sentences.append(arabic_sentence(topic))
            return " ".join(sentences)

        def found(text: str, names: list[str]) -> list[tuple[int, int, int, int, str]]:
            taken: list[tuple[int, int]] = []
            spans = []
            for name in sorted(set(names), key=len, reverse=True):
                start = text.find(name)
                while start != -1:
                    end = start + len(name)
                    before = text[start - 1] if start else " "
                    after = text[end] if end < len(text) else " "
                    if not before.isalnum() and not after.isalnum() and all(end <= a or start >= b for a, b in taken):
                        taken.append((start, end))
                        actor, alias = by_name[name]
                        spans.append((start, end, actor, alias, name))
                    start = text.find(name, end)
            return sorted(spans)

        def pool(make, names_of, size: int) -> list[list[Paragraph]]:
            pools = []
            for topic in range(TOPICS):
                paragraphs = []
                for _ in range(size):
                    text = make(topic)
                    paragraphs.append(Paragraph(text, html.escape(text), found(text, names_of(topic))))
                pools.append(paragraphs)
            return pools

        english_pool = pool(lambda t: writer.paragraph(t, 55), lambda t: writer.topic_names[t], 100)
        arabic_pool = pool(arabic_paragraph, lambda t: arabic_topics[t], 40)

        def arabic_title(topic: int) -> str:
            return " ".join([rng.choice(arabic_topics[topic]), *rng.sample(ARABIC_WORDS[40:], rng.randint(4, 7))])

        return writer, english_pool, arabic_pool, arabic_title

    def articles(self) -> None:
        from negotiations.models import Meeting, Proposal, StickingPoint
        from news.models import Article, Mention
        from review.models import Suggestion

        rng = self.rng
        writer, english_pool, arabic_pool, arabic_title = self.paragraph_pools()
        total = self.sizes["articles"]
        article_ids = self.ids.take(Article, total)
        self.article_ids = article_ids
        english_feeds = [feed for feed in self.feeds if feed.language == "en"]
        arabic_feeds = [feed for feed in self.feeds if feed.language == "ar"]
        guid_counter: Counter[int] = Counter()
        stories: dict[int, list[int]] = {}  # topic -> recent story heads
        records = [
            (self.content_types[Meeting], self.meeting_ids),
            (self.content_types[Proposal], self.proposal_ids),
            (self.content_types[StickingPoint], self.point_ids),
        ]
        span = (PAST_END - PERIOD_START).days * 86400
        article_fields = (
            "id",
            "feed_id",
            "guid",
            "url",
            "canonical_url",
            "title",
            "publisher",
            "author",
            "published_at",
            "summary",
            "feed_content",
            "raw_html",
            "text",
            "language",
            "content_html",
            "entry_hash",
            "content_hash",
            "simhash",
            "revision",
            "story_id",
            "processing_state",
            "processing_error",
            "processed_at",
            "relevance",
            "duplicate_of_id",
            "review_state",
            "reviewer_id",
            "reviewed_at",
            "review_note",
            "created_at",
            "updated_at",
        )
        # Published times in id order (ingestion order), so the newest articles have the largest ids.
        moments = sorted(rng.randrange(span) for _ in range(total))
        for batch_start in range(0, total, ARTICLE_BATCH):
            rows, mentions, suggestions = [], [], []
            for offset in range(batch_start, min(total, batch_start + ARTICLE_BATCH)):
                pk = article_ids[offset]
                arabic = rng.random() < 0.07
                topic = rng.randrange(TOPICS)
                feed = rng.choice(arabic_feeds if arabic else english_feeds)
                pool = (arabic_pool if arabic else english_pool)[topic]
                paragraphs = rng.sample(pool, rng.randint(3, 8))
                title = arabic_title(topic) if arabic else writer.title(topic)
                published = datetime.datetime.combine(PERIOD_START, datetime.time(), tzinfo=UTC) + datetime.timedelta(
                    seconds=moments[offset]
                )
                guid_counter[feed.id] += 1
                slug = _slugify(title)[:60] or "article"
                url = f"{feed.site_url}{published:%Y/%m/%d}/{slug}-{pk}"
                state = rng.choices(["processed", "new", "failed"], weights=[97, 2, 1])[0]
                text = "\n\n".join(p.text for p in paragraphs) if state == "processed" else ""
                heads = stories.setdefault(topic, [])
                story = pk
                duplicate_of = None
                if heads and rng.random() < 0.25:
                    story = rng.choice(heads)
                else:
                    heads.append(pk)
                    del heads[:-20]
                # About 10k pending of 200k, the backlog issue 13's page targets are set for; the rest decided.
                review = rng.choices(["pending", "accepted", "rejected", "duplicate"], weights=[5, 57, 28, 10])[0]
                if review == "duplicate":
                    if story == pk:
                        review = "accepted"
                    else:
                        duplicate_of = story
                reviewed_at = None if review == "pending" else published + datetime.timedelta(hours=rng.randint(1, 72))
                created = published + datetime.timedelta(minutes=rng.randint(1, 90))
                updated = max(created, reviewed_at or created)
                summary = (paragraphs[0].text.split(". ")[0] + ".") if not arabic else paragraphs[0].text.split(".")[0]
                rows.append(
                    (
                        pk,
                        feed.id,
                        f"{feed.id}-{guid_counter[feed.id]}",
                        url + "?utm_source=rss" if rng.random() < 0.3 else url,
                        url,
                        title,
                        feed.publisher,
                        "" if rng.random() < 0.2 else " ".join(self._name(2, 2)[0] for _ in range(2)),
                        published,
                        html.escape(summary),
                        "",
                        "",
                        text,
                        ("ar" if arabic else "en") if state == "processed" else "",
                        "".join(f"<p>{p.escaped}</p>" for p in paragraphs) if state == "processed" else "",
                        hashlib.sha256(title.encode()).hexdigest(),
                        hashlib.sha256(text.encode()).hexdigest() if text else "",
                        rng.getrandbits(63) - 2**62 if text else None,
                        rng.choice((1, 1, 1, 1, 1, 1, 1, 1, 2, 3)),
                        story,
                        state,
                        "Timed out fetching the page (read timeout 15 s)." if state == "failed" else "",
                        created + datetime.timedelta(seconds=rng.randint(5, 600)) if state != "new" else None,
                        round(rng.random() ** 2, 4),
                        duplicate_of,
                        review,
                        self.editor.id if review != "pending" else None,
                        reviewed_at,
                        "Not about the negotiations." if review == "rejected" else "",
                        created,
                        updated,
                    )
                )
                if state != "processed":
                    continue
                shift = 0
                for paragraph in paragraphs:
                    for start, end, actor, alias, matched in paragraph.mentions:
                        mentions.append((pk, actor, alias, start + shift, end + shift, matched))
                    shift += len(paragraph.text) + 2
                if rng.random() < 0.35:
                    chosen = set()
                    for content_type, ids in rng.sample(records, rng.randint(1, 2)):
                        for record in rng.sample(ids, min(len(ids), rng.randint(1, 2))):
                            chosen.add((content_type, record))
                    for content_type, record in sorted(chosen):
                        reasons = rng.sample(
                            ["2 of 3 participants named", "1 day apart", "same place", "track named", "title words"],
                            rng.randint(1, 3),
                        )
                        suggestions.append((pk, content_type, record, round(rng.uniform(0.15, 1), 4), reasons))
            self.copier.copy(Article, article_fields, rows)
            self.copier.copy(
                Mention,
                ("id", "article_id", "actor_id", "alias_id", "start", "end", "matched_text"),
                ((pk, *row) for pk, row in zip(self.ids.take(Mention, len(mentions)), mentions, strict=True)),
            )
            self.copier.copy(
                Suggestion,
                ("id", "article_id", "content_type_id", "object_id", "score", "reasons"),
                ((pk, *row) for pk, row in zip(self.ids.take(Suggestion, len(suggestions)), suggestions, strict=True)),
            )
            print(".", end="", flush=True)

    # Figures and citations --------------------------------------------------------------------------

    def figures(self) -> None:
        from negotiations.models import Figure

        rng = self.rng
        rows = []
        for _ in range(self.sizes["figures"]):
            metric, label, unit, low, high = rng.choice(FIGURES)
            track = self.pick_track()
            claimed = rng.random() < 0.8
            on = _day(rng, PERIOD_START, PAST_END)
            rows.append(
                (
                    metric,
                    label,
                    Decimal(rng.randint(low, high)),
                    unit,
                    on,
                    rng.choice(track.parties + track.mediators) if claimed else None,
                    "" if claimed else rng.choice(CLAIMANTS),
                    track.id if rng.random() < 0.8 else None,
                    "Figure as stated; not independently verified." if rng.random() < 0.3 else "",
                    *_stamps(rng, _at(on), 0.1),
                )
            )
        ids = self.ids.take(Figure, len(rows))
        self.copier.copy(
            Figure,
            (
                "id",
                "metric",
                "label",
                "value",
                "unit",
                "as_of",
                "claimed_by_id",
                "claimant_name",
                "track_id",
                "note",
                "created_at",
                "updated_at",
            ),
            ((pk, *row) for pk, row in zip(ids, rows, strict=True)),
        )
        self.figure_ids = list(ids)

    def citations(self) -> None:
        from negotiations.models import Citation, Figure, Meeting, Position, Proposal, Response, StickingPoint, Term

        rng = self.rng
        article_ids = self.article_ids
        publishers = [feed.publisher for feed in self.feeds]
        rows = []
        for model, ids, share, most in (
            (Meeting, self.meeting_ids, 0.3, 2),
            (Proposal, self.proposal_ids, 0.5, 3),
            (StickingPoint, self.point_ids, 0.5, 3),
            (Position, self.position_ids, 0.15, 1),
            (Response, self.response_ids, 0.2, 1),
            (Term, self.term_ids, 0.05, 1),
            (Figure, self.figure_ids, 0.4, 1),
        ):
            content_type = self.content_types[model]
            for record in ids:
                if rng.random() >= share:
                    continue
                for _ in range(rng.randint(1, most)):
                    on = _day(rng, PERIOD_START, PAST_END)
                    publisher = rng.choice(publishers)
                    if rng.random() < 0.6:
                        article, url = rng.choice(article_ids), ""
                    else:
                        article = None
                        url = f"https://{_slugify(publisher)}.example/{on:%Y/%m}/report-{rng.randrange(10**6)}"
                    rows.append(
                        (
                            content_type,
                            record,
                            article,
                            url,
                            publisher,
                            f"{publisher} report of {on:%d %B %Y}",
                            on,
                            "“The sides are closer than at any point,” a person briefed on the talks said.",
                            "" if rng.random() < 0.8 else "Quoted from the second paragraph.",
                            *_stamps(rng, _at(on), 0.05),
                        )
                    )
        self.copier.copy(
            Citation,
            (
                "id",
                "content_type_id",
                "object_id",
                "article_id",
                "url",
                "publisher",
                "title",
                "published_on",
                "quote",
                "note",
                "created_at",
                "updated_at",
            ),
            ((pk, *row) for pk, row in zip(self.ids.take(Citation, len(rows)), rows, strict=True)),
        )


# --- The database ------------------------------------------------------------------------------------


def drop_database() -> None:
    """DROP the benchmark database (a name holding "bench" only), disconnecting whoever is on it."""
    from psycopg2 import sql

    name = env.database_name()
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    with common.server_connection(env.DATABASE_URL) as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def wanted(arguments: argparse.Namespace, meetings: int) -> dict:
    return {"version": GENERATOR_VERSION, "meetings": meetings, "scale": arguments.scale, "seed": arguments.seed}


def sizes_now() -> dict[str, int]:
    from django.db import connection

    tables = (
        "actors_actor",
        "actors_alias",
        "actors_affiliation",
        "negotiations_track",
        "negotiations_phase",
        "negotiations_meeting",
        "negotiations_participant",
        "negotiations_proposal",
        "negotiations_term",
        "negotiations_proposalevent",
        "negotiations_response",
        "negotiations_delivery",
        "negotiations_stickingpoint",
        "negotiations_stickingpointstatus",
        "negotiations_position",
        "negotiations_figure",
        "negotiations_citation",
        "news_feed",
        "news_article",
        "news_mention",
        "news_suggestion",
    )
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - a constant
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        counts["database size"] = cursor.fetchone()[0]
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, help="meetings to generate (default: 100,000 x scale)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every other size (default 1.0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="drop the database and generate again")
    arguments = parser.parse_args()
    common.exit_cleanly_on_signals()
    meetings = arguments.meetings if arguments.meetings is not None else round(100_000 * arguments.scale)
    if env.DATABASE_URL.startswith("postgres"):
        common.ensure_postgres_database(env.DATABASE_URL)
    env.setup_django()
    marker = env.read_marker()
    want = wanted(arguments, meetings)
    if marker is not None and not arguments.force and all(marker.get(key) == value for key, value in want.items()):
        env.migrate()
        print(
            f"{env.database_name()} already holds this dataset (generated {marker['finished_at']}); --force redoes it."
        )
        for table, count in sizes_now().items():
            print(f"  {table}: {count:,}" if isinstance(count, int) else f"  {table}: {count}")
        return
    from django.db import connection

    connection.close()
    if marker is not None or arguments.force or _has_rows():
        print(f"Dropping {env.database_name()} to generate again…", flush=True)
        connection.close()
        drop_database()
        common.ensure_postgres_database(env.DATABASE_URL)
    started = time.perf_counter()
    print(f"Migrating {env.database_name()}…", flush=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print("Generating:", flush=True)
    result = Generator(meetings=meetings, scale=arguments.scale, seed=arguments.seed).run()
    record = {
        **want,
        "finished_at": datetime.datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        **result,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {env.MARKER_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")
        cursor.execute(
            f"INSERT INTO {env.MARKER_TABLE} (key, value) VALUES ('generation', %s) "  # noqa: S608 - a constant
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(record)],
        )
    print(f"\nDone in {record['seconds']:.0f} s (migrations included). Rows:")
    for table, count in sizes_now().items():
        print(f"  {table}: {count:,}" if isinstance(count, int) else f"  {table}: {count}")


def _has_rows() -> bool:
    """Whether an earlier run left rows behind without finishing (no marker)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('negotiations_meeting') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT EXISTS (SELECT 1 FROM negotiations_meeting)")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("\nInterrupted (whatever this run started is stopped).")
