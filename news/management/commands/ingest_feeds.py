import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from news import services, tasks
from news.models import Article, Feed, FeedPoll
from news.pipeline.politeness import HostBusy


class Command(BaseCommand):
    help = "Poll all due feeds now (or the named ones) and wait until their new articles are processed."

    def add_arguments(self, parser):
        parser.add_argument("feeds", nargs="*", help="Feed ids or URLs (default: every due, active feed).")
        parser.add_argument("--workers", action="store_true", help="Send the work to Celery workers and wait.")
        parser.add_argument("--timeout", type=float, default=600, help="Seconds to wait for workers.")

    def handle(self, *args, feeds, workers, timeout, **options):
        started = timezone.now()
        feed_ids = self._feed_ids(feeds)
        if not feed_ids:
            self.stdout.write("No feed is due.")
            return
        if workers:
            self._via_workers(feed_ids, timeout)
        else:
            self._inline(feed_ids)
        self._summary(feed_ids, started)

    def _feed_ids(self, names: list[str]) -> list[int]:
        if not names:
            return services.feeds_claim_due(limit=10_000)
        query = Q()
        for name in names:
            query |= Q(pk=int(name)) if name.isascii() and name.isdigit() and len(name) < 19 else Q(url=name)
        ids = list(Feed.objects.filter(query).values_list("pk", flat=True))
        if len(ids) != len(names):
            raise CommandError("Some named feeds do not exist.")
        return ids

    def _inline(self, feed_ids: list[int]) -> None:
        to_process: list[int] = []
        for feed_id in tqdm(feed_ids, desc="Polling feeds", unit="feed", file=self.stderr):
            poll = self._retrying(lambda feed_id=feed_id: services.feed_poll(feed_id=feed_id))
            to_process += poll.to_process if poll else []
        with tqdm(total=len(to_process), desc="Processing articles", unit="article", file=self.stderr) as bar:
            services.articles_process_waiting(article_ids=to_process, on_done=bar.update)

    @staticmethod
    def _retrying(call):
        while True:
            try:
                return call()
            except HostBusy as busy:
                time.sleep(min(busy.retry_in, 30))

    def _via_workers(self, feed_ids: list[int], timeout: float) -> None:
        started = timezone.now()
        for feed_id in feed_ids:
            tasks.poll_feed.delay(feed_id)
        deadline = time.monotonic() + timeout
        with tqdm(total=len(feed_ids), desc="Polling feeds", unit="feed", file=self.stderr) as bar:
            while (done := FeedPoll.objects.filter(feed_id__in=feed_ids, started_at__gte=started).count()) < len(
                feed_ids
            ):
                bar.update(done - bar.n)
                if time.monotonic() > deadline:
                    raise CommandError("Timed out waiting for the workers to poll the feeds.")
                time.sleep(0.5)
            bar.update(done - bar.n)
        pending = Article.objects.filter(feed_id__in=feed_ids, processing_state=Article.ProcessingState.NEW)
        total = pending.count()
        with tqdm(total=total, desc="Processing articles", unit="article", file=self.stderr) as bar:
            while (left := pending.count()) > 0:
                bar.update(total - left - bar.n)
                if time.monotonic() > deadline:
                    raise CommandError(f"Timed out with {left} article(s) still being processed.")
                time.sleep(0.5)
            bar.update(total - bar.n)

    def _summary(self, feed_ids: list[int], started) -> None:
        polls = FeedPoll.objects.filter(feed_id__in=feed_ids, started_at__gte=started)
        totals = {"new": 0, "updated": 0, "duplicates": 0, "errors": 0}
        for poll in polls:
            totals["new"] += poll.new_count
            totals["updated"] += poll.updated_count
            totals["duplicates"] += poll.duplicate_count
            totals["errors"] += poll.outcome == FeedPoll.Outcome.ERROR
        failed = Article.objects.filter(feed_id__in=feed_ids, processing_state=Article.ProcessingState.FAILED).count()
        self.stdout.write(
            f"Polled {len(feed_ids)} feed(s): {totals['new']} new, {totals['updated']} updated, "
            f"{totals['duplicates']} duplicate(s), {totals['errors']} feed error(s), {failed} article(s) failed."
        )
