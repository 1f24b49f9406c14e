"""Shared helpers of the ingestion benchmarks: the benchmark database, actors, synthetic news, a page server.

Nothing here leaves loopback: PostgreSQL and Redis on 127.0.0.1, pages served by
bench/ingest/pageserver.py on 127.0.0.1 (its own process), and the fetcher allowed
to reach that one host:port only.

The synthetic news imitates English wire copy on a few dozen running stories:
a Zipf-distributed vocabulary whose ~350 most frequent words are real English
(function words and the vocabulary of ceasefire reporting) and whose long tail
is invented words, the names of the stories' actors (their aliases, so mention
detection has work to do), and per-story stock phrases that every article on a
story repeats. Two unrelated articles therefore share few word pairs, as real
ones do, while articles on one story share names and phrases.
"""

import datetime
import html
import itertools
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SECRET_KEY = "bench-" + secrets.token_hex(16)


# --- Django on the benchmark database ----------------------------------------------------


def environment(*, database_url: str, redis_url: str = "", allowed_hosts: tuple[str, ...] = ()) -> dict[str, str]:
    """The variables the settings read, for this process and for a worker started from it."""
    values = {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or SECRET_KEY,
        "DEBUG": "0",  # DEBUG=1 would keep every query in memory and slow the pipeline down
        "INGEST_ALLOWED_HOSTS": ",".join(allowed_hosts),
        "INGEST_HOST_MIN_GAP": "0",
        "STATIC_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    if redis_url:
        values |= {"REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url}
    return values


@contextmanager
def server_connection(database_url: str):
    """An autocommit psycopg2 connection to the server's `postgres` database (to create or drop others)."""
    import psycopg2

    parts = urlsplit(database_url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def ensure_postgres_database(database_url: str) -> None:
    """CREATE DATABASE if it does not exist yet."""
    from psycopg2 import sql

    name = urlsplit(database_url).path.lstrip("/")
    with server_connection(database_url) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def timed_calls(stages: dict[str, float], patches: list[tuple[object, str, str]]):
    """Replace each `module.name` by a wrapper adding its seconds to `stages[label]`; put them back after."""
    originals = [(module, name, getattr(module, name)) for module, name, _ in patches]

    def timed(label: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                stages[label] = stages.get(label, 0.0) + time.perf_counter() - started

        return wrapper

    try:
        for (module, name, function), (_, _, label) in zip(originals, patches, strict=True):
            setattr(module, name, timed(label, function))
        yield stages
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def setup_django(
    *, database_url: str = DATABASE_URL, redis_url: str = "", allowed_hosts: tuple[str, ...] = (), migrate: bool = True
) -> dict[str, str]:
    """Point the settings at the benchmark database (created and migrated here), set Django up; returns the env."""
    values = environment(database_url=database_url, redis_url=redis_url, allowed_hosts=allowed_hosts)
    os.environ.update(values)
    if database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return values


NEWS_TABLES = (
    "news_suggestion",
    "news_mention",
    "news_articleband",
    "news_feedpoll",
    "news_article",
    "news_historicalarticle",
    "news_feed",
    "news_historicalfeed",
    "news_tombstone",
    "news_historicaltombstone",
)


def truncate_news() -> None:
    """Empty the news tables. CASCADE also empties negotiations_citation (it references articles):
    citations play no part in ingestion, and the demo loader restores its own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(NEWS_TABLES)} RESTART IDENTITY CASCADE")


# --- Actors --------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_SYLLABLES = _words("ba ka lo mi nu ra si to ve za dor fen gal hir jun mar nes pol tur wen yas ham rek sol vin")


def _invented(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(low, high)))


@dataclass(frozen=True)
class ActorNames:
    actor_id: int
    names: tuple[str, ...]  # the Latin-script aliases an English article may use


def ensure_actors(total: int = 200, seed: int = 1) -> list[ActorNames]:
    """The demo negotiation (real actors with their aliases, tracks, meetings, proposals, sticking points),
    plus invented people and organisations (2-3 aliases each) up to `total` actors. Idempotent."""
    from django.db import transaction

    from actors.models import Actor, Alias
    from actors.text import alias_key, detect_script, nfc
    from negotiations import demo

    with transaction.atomic():
        if not Actor.objects.filter(slug="israel").exists():
            demo.load()
        existing = Actor.objects.count()
        rng = random.Random(seed)
        taken = set(Actor.objects.values_list("slug", flat=True))
        new_actors, alias_names = [], []
        while existing + len(new_actors) < total:
            given, family = _invented(rng, 2, 3).capitalize(), _invented(rng, 2, 4).capitalize()
            slug = f"bench-{given}-{family}".lower()
            if slug in taken:
                continue
            taken.add(slug)
            if rng.random() < 0.7:
                name, kind = f"{given} {family}", Actor.Kind.PERSON
                aliases = [name, family] + ([f"Minister {family}"] if rng.random() < 0.3 else [])
            else:
                name, kind = (
                    f"{family} {rng.choice(['Front', 'Council', 'Movement', 'Brigades'])}",
                    Actor.Kind.ARMED_GROUP,
                )
                aliases = [name, f"the {name.split()[-1]} of {family}"]
            new_actors.append(Actor(name=name, slug=slug, kind=kind))
            alias_names.append(aliases)
        Actor.objects.bulk_create(new_actors)
        Alias.objects.bulk_create(
            Alias(
                actor=actor,
                name=nfc(name),
                normalized=alias_key(name),
                language="en",
                script=detect_script(name),
            )
            for actor, names in zip(new_actors, alias_names, strict=True)
            for name in names
        )
    by_actor: dict[int, list[str]] = {}
    for actor_id, name in Alias.objects.order_by("id").values_list("actor_id", "name"):
        if name.isascii() and len(name) > 3:
            by_actor.setdefault(actor_id, []).append(name)
    return [ActorNames(actor_id, tuple(names)) for actor_id, names in sorted(by_actor.items())]


# --- Synthetic news ------------------------------------------------------------------------

ENGLISH = _words("""
the of and to a in that is was for on with as by he said it at from his an be have has are were they not but
their this which who had been after more would its will one about also than two other over into up new could
there when out last she her no all we can some year them first people only if time what government so three
since told against between during under while before where because week officials talks ceasefire truce
proposal deal agreement delegation mediators negotiators sides hostages prisoners release exchange withdrawal
forces troops aid crossing border phase draft terms guarantees envoy minister president prime foreign security
humanitarian convoy trucks food fuel water medical civilians statement response meeting meetings round rounds
sources source according spokesman spokeswoman reporters added told officials official senior diplomats
diplomatic diplomat sides parties agreed rejected accepted demanded insisted refused signalled offered
proposed warned called urged hoped expected planned scheduled resumed stalled collapsed continued held hosted
visited arrived left returned announced confirmed denied reported described discussed considered reviewed
capital city region north south east west coast strip corridor line zone area camp hospital school road
night morning evening day days weeks months hours later earlier early late next previous final initial
military political international regional local national public private joint direct indirect formal
informal possible likely clear unclear major minor key main full partial permanent temporary lasting
fragile ongoing latest recent further fresh renewed broader wider limited initial second third fourth
attack attacks strikes fighting violence shelling raid operation operations offensive casualties killed
wounded dead injured displaced families residents population thousands hundreds dozens million
negotiation negotiations pressure support opposition concerns conditions demands positions position
issue issues question questions plan plans framework text version counterproposal amendments changes
document letter message call phone visit trip summit conference committee council assembly office ministry
spokesperson envoys mediator guarantor guarantors monitoring mechanism implementation compliance violation
violations breach breaches sequence timeline stage stages schedule deadline framework commitments
""")
PUBLISHERS = ("The Daily Ledger", "Regional Wire", "Evening Courier", "Harbour Times", "Capital Observer")
NAV = ("World", "Middle East", "Politics", "Business", "Climate", "Opinion", "Analysis", "Video", "Podcasts", "Live")
FOOTER = ("About us", "Contact", "Careers", "Advertise", "Privacy policy", "Cookie settings", "Terms of use", "Archive")


@dataclass(frozen=True)
class Story:
    """One synthetic article: what the page shows and the feed lists."""

    slug: str
    title: str
    author: str
    published_at: datetime.datetime
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        """The feed's description: the first sentence (well under services.FULL_CONTENT_WORDS words)."""
        return self.paragraphs[0].split(". ")[0] + "."


class NewsWriter:
    """Seeded generator of paragraphs, titles and whole articles on `topics` running stories."""

    def __init__(self, actors: list[ActorNames], *, seed: int = 1, topics: int = 40, tail: int = 20000) -> None:
        self.rng = random.Random(seed)
        invented = {_invented(self.rng, 1, 4) for _ in range(tail * 2)} - set(ENGLISH)
        self.vocabulary = list(dict.fromkeys(ENGLISH)) + sorted(invented)[:tail]
        self.rng.shuffle(self.vocabulary[len(set(ENGLISH)) :])
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(self.vocabulary) + 1)))
        self.topic_names = [
            [name for actor in self.rng.sample(actors, min(6, len(actors))) for name in actor.names]
            for _ in range(topics)
        ]
        self.topic_places = [_invented(self.rng, 2, 3).capitalize() for _ in range(topics)]
        self.topic_phrases = [
            [[self.topic_places[topic], *self.common(self.rng.randint(2, 4))] for _ in range(24)]
            for topic in range(topics)
        ]
        self.topics = topics
        self.authors = [
            f"{_invented(self.rng, 2, 2).capitalize()} {_invented(self.rng, 2, 3).capitalize()}" for _ in range(60)
        ]

    def common(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def sentence(self, topic: int) -> str:
        words: list[str] = []
        target = self.rng.randint(12, 26)
        while len(words) < target:
            draw = self.rng.random()
            if draw < 0.02:
                words.append(self.rng.choice(self.topic_names[topic]))
            elif draw < 0.04:
                words.extend(self.rng.choice(self.topic_phrases[topic]))
            else:
                words.extend(self.common(1))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(3, len(words) - 1), words.pop(self.rng.randrange(len(words))) + ",")
        text = " ".join(words)
        if self.rng.random() < 0.15:
            return f'"{text[0].upper()}{text[1:]}," {self.rng.choice(self.topic_names[topic])} said.'
        return f"{text[0].upper()}{text[1:]}."

    def paragraph(self, topic: int, words: int = 60) -> str:
        sentences: list[str] = []
        while sum(len(sentence.split()) for sentence in sentences) < words:
            sentences.append(self.sentence(topic))
        return " ".join(sentences)

    def title(self, topic: int) -> str:
        words = [self.rng.choice(self.topic_names[topic]), *self.rng.sample(ENGLISH[100:], self.rng.randint(4, 8))]
        return " ".join(word[0].upper() + word[1:] for word in words)

    def story(self, index: int, *, paragraphs: int = 10, words: int = 60, topic: int | None = None) -> Story:
        topic = index % self.topics if topic is None else topic
        title = self.title(topic)
        return Story(
            slug=f"{index:06d}-" + "-".join(title.lower().split()[:6]),
            title=title,
            author=self.rng.choice(self.authors),
            published_at=self.moment(),
            paragraphs=tuple(self.paragraph(topic, words) for _ in range(paragraphs)),
        )

    def moment(self) -> datetime.datetime:
        """A time in July 2025, when the demo negotiation has its meetings (so suggestions find some)."""
        start = datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)
        return start + datetime.timedelta(seconds=self.rng.randrange(31 * 86400))

    def replace_words(self, text: str, share: float) -> str:
        """A copy with `share` of its words replaced by other common words (a lightly edited syndicated copy)."""
        paragraphs = [paragraph.split(" ") for paragraph in text.split("\n\n")]
        places = [(p, w) for p, words in enumerate(paragraphs) for w in range(len(words))]
        for p, w in self.rng.sample(places, round(share * len(places))):
            paragraphs[p][w] = self.common(1)[0]
        return "\n\n".join(" ".join(words) for words in paragraphs)


def page_html(story: Story, *, url: str, publisher: str, related: list[tuple[str, str]]) -> str:
    """A news page as sites serve them: head metadata and scripts, header and navigation, share buttons,
    the article, a related-links box in the body, a most-read sidebar, comments and a footer."""
    e = html.escape
    nav = "".join(f'<li><a href="/section/{e(name.lower())}">{e(name)}</a></li>' for name in NAV)
    links = "".join(f'<li><a href="{e(href)}">{e(title)}</a></li>' for href, title in related)
    paragraphs = [f"<p>{e(paragraph)}</p>" for paragraph in story.paragraphs]
    paragraphs.insert(len(paragraphs) // 2, f'<aside class="related"><h4>Read more</h4><ul>{links[:600]}</ul></aside>')
    footer = "".join(f'<li><a href="/{e(name.lower().replace(" ", "-"))}">{e(name)}</a></li>' for name in FOOTER)
    when = story.published_at.isoformat()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(story.title)} | {e(publisher)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{e(story.summary)}">
<meta name="author" content="{e(story.author)}">
<meta property="og:title" content="{e(story.title)}"><meta property="og:type" content="article">
<meta property="og:url" content="{e(url)}"><meta property="article:published_time" content="{when}">
<link rel="canonical" href="{e(url)}"><link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer=window.dataLayer||[];
function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());</script>
<style>.site-header{{display:flex}}.breaking{{color:#c00}}.share a{{margin:0 4px}}</style></head>
<body><header class="site-header"><a class="logo" href="/">{e(publisher)}</a><nav><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form>
<a class="subscribe" href="/subscribe">Subscribe</a><a class="login" href="/login">Sign in</a></header>
<div class="breaking"><strong>Breaking:</strong> <a href="/live">Follow our live coverage of the talks</a></div>
<main><article><h1>{e(story.title)}</h1>
<p class="byline">By <a href="/authors/{e(story.author.lower().replace(" ", "-"))}">{e(story.author)}</a>
 · <time datetime="{when}">{story.published_at:%d %B %Y, %H:%M} GMT</time></p>
<div class="share"><a href="/share/x">Share on X</a><a href="/share/fb">Facebook</a>
<a href="/share/mail">Email</a></div>
<div class="article-body">{"".join(paragraphs)}</div>
<div class="tags">Topics: <a href="/topic/ceasefire">Ceasefire</a> <a href="/topic/diplomacy">Diplomacy</a></div>
</article>
<aside class="sidebar"><h3>Most read</h3><ol>{links}</ol>
<div class="newsletter"><h3>Sign up for our morning briefing</h3><form><input name="email"><button>Sign up</button>
</form></div></aside></main>
<section class="comments"><h3>Comments (2)</h3>
<div class="comment"><b>reader_41</b><p>Let us hope this time it holds.</p></div>
<div class="comment"><b>observer</b><p>We have heard all of this before.</p></div></section>
<footer><ul>{footer}</ul><p>© 2025 {e(publisher)}. All rights reserved.</p>
<p class="cookies">We use cookies to improve your experience. <a href="/cookies">Manage preferences</a></p></footer>
</body></html>
"""


def rss_feed(*, title: str, link: str, items: list[tuple[Story, str]]) -> str:
    """RSS 2.0 with summary-only items (a sentence each), so every article's page is fetched."""
    e = html.escape
    entries = "".join(
        f'<item><guid isPermaLink="false">{e(story.slug)}</guid><title>{e(story.title)}</title>'
        f"<link>{e(url)}</link><description>{e(story.summary)}</description>"
        f"<author>{e(story.author)}</author>"
        f"<pubDate>{story.published_at:%a, %d %b %Y %H:%M:%S} GMT</pubDate></item>\n"
        for story, url in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{e(title)}</title>'
        f"<link>{e(link)}</link><language>en</language><description>{e(title)}</description>\n{entries}"
        "</channel></rss>\n"
    )


def exit_cleanly_on_signals() -> None:
    """SIGTERM and SIGINT raise in the main thread, so `finally` blocks stop workers and servers.

    Python's default SIGTERM ends the process at once, and a process started in the background by a
    non-interactive shell inherits SIGINT ignored: either way a worker would be left running.
    """
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)


# --- Processes -------------------------------------------------------------------------------


def stop_process(process: subprocess.Popen, *, grace: float = 15) -> None:
    """SIGTERM the process's group (started with start_new_session), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        process.wait(timeout=10)


@contextmanager
def page_server(directory: Path) -> Iterator[str]:
    """Serve `directory` from bench/ingest/pageserver.py in its own process; yields "127.0.0.1:<port>"."""
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.ingest.pageserver", str(directory)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the page server did not start: {line!r}")
        yield f"127.0.0.1:{int(line.split()[1])}"
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stop_process(process)
        if process.stdout:
            process.stdout.close()


@dataclass
class MachineShare:
    """What the machine's CPUs did while a `with machine_share() as share:` block ran (Linux /proc/stat):
    `busy`, `idle` and `steal` (time the hypervisor gave to other VMs), as shares of all CPU time."""

    busy: float = 0.0
    idle: float = 0.0
    steal: float = 0.0


def _cpu_jiffies() -> list[int]:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(value) for value in stat.readline().split()[1:9]]
    except OSError:  # not Linux: nothing to report
        return [0] * 8


@contextmanager
def machine_share() -> Iterator[MachineShare]:
    share, before = MachineShare(), _cpu_jiffies()
    yield share
    spent = [after - start for after, start in zip(_cpu_jiffies(), before, strict=True)]
    total = sum(spent) or 1
    share.idle, share.steal = (spent[3] + spent[4]) / total, spent[7] / total
    share.busy = 1 - share.idle - share.steal


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "a condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
