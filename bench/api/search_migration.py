"""How long the stored article search vector's migration takes, and how long others wait meanwhile.

    .venv/bin/python -m bench.api.search_migration

On the generated dataset (BENCH_API_DATABASE_URL): migrates `news` back to 0012 (drops the column, builds
the old expression index again), then forward to 0013 (tracker/search.py's AddSearchVector) while two
loops run on their own connections, every 50 ms: a writer updating a random article and a reader reading
one. Prints the time of each direction and the longest single write and read during the forward run.
Leaves the database migrated, as it found it; run `VACUUM (ANALYZE) news_article` afterwards.
"""

import random
import threading
import time

import psycopg2

from bench.api import env
from bench.ingest import common


def main() -> None:
    common.exit_cleanly_on_signals()
    env.setup_django()
    if env.read_marker() is None:
        raise SystemExit("no generated dataset: run python -m bench.api.generate")
    from django.core.management import call_command
    from django.db import connection

    from news.models import Article

    top = Article.objects.order_by("-id").values_list("id", flat=True).first()
    started = time.perf_counter()
    call_command("migrate", "news", "0012", verbosity=0)
    print(f"news 0013 reversed: {time.perf_counter() - started:.1f} s")
    connection.close()

    stop = threading.Event()
    longest = {"write": 0.0, "read": 0.0}

    def loop(kind: str) -> None:
        link = psycopg2.connect(env.DATABASE_URL)
        link.autocommit = True
        with link.cursor() as cursor:
            while not stop.is_set():
                pk = random.randint(1, top)  # noqa: S311 (a benchmark's sample)
                began = time.perf_counter()
                if kind == "write":
                    cursor.execute("UPDATE news_article SET review_note = review_note WHERE id = %s", [pk])
                else:
                    cursor.execute("SELECT id, title FROM news_article WHERE id = %s", [pk])
                longest[kind] = max(longest[kind], time.perf_counter() - began)
                time.sleep(0.05)
        link.close()

    loops = [threading.Thread(target=loop, args=(kind,)) for kind in longest]
    for thread in loops:
        thread.start()
    try:
        started = time.perf_counter()
        call_command("migrate", "news", "0013", verbosity=0)
        print(f"news 0013 applied: {time.perf_counter() - started:.1f} s")
    finally:
        stop.set()
        for thread in loops:
            thread.join()
    print(f"longest write meanwhile: {longest['write']:.2f} s, longest read: {longest['read']:.2f} s")


if __name__ == "__main__":
    main()
