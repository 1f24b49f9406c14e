from django.core.management.base import BaseCommand
from tqdm import tqdm

from news import services
from news.models import Article

# Articles fingerprinted again per transaction (their rows locked meanwhile).
FINGERPRINT_BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-run extraction (and everything after it), or only mention detection, or only the near-duplicate"
        " fingerprints (MinHash sketch and band keys, after a change to news.pipeline.dedupe), over stored articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Article ids (default: all, or --failed).")
        parser.add_argument("--only", choices=["all", "mentions", "fingerprints"], default="all")
        parser.add_argument("--failed", action="store_true", help="Only articles whose processing failed.")

    def handle(self, *args, ids, only, failed, **options):
        articles = Article.objects.order_by("pk")
        if ids:
            articles = articles.filter(pk__in=ids)
        if failed:
            articles = articles.filter(processing_state=Article.ProcessingState.FAILED)
        if only == "all":
            ids = list(articles.values_list("pk", flat=True))
            with tqdm(total=len(ids), unit="article", file=self.stderr) as bar:
                outcomes = services.articles_process_waiting(article_ids=ids, force=True, on_done=bar.update)
            done, errors = outcomes["processed"], outcomes["failed"]
        elif only == "fingerprints":
            ids = list(articles.filter(processing_state=Article.ProcessingState.PROCESSED).values_list("pk", flat=True))
            done = 0
            with tqdm(total=len(ids), unit="article", file=self.stderr) as bar:
                for start in range(0, len(ids), FINGERPRINT_BATCH):
                    chunk = ids[start : start + FINGERPRINT_BATCH]
                    done += services.articles_refingerprint(article_ids=chunk)
                    bar.update(len(chunk))
            # The others were held by a worker meanwhile: its processing writes them.
            self.stdout.write(f"Fingerprinted {done} article(s) again; {len(ids) - done} skipped (being processed).")
            return
        else:
            done = errors = 0
            for article in tqdm(
                articles.iterator(chunk_size=500), total=articles.count(), unit="article", file=self.stderr
            ):
                try:
                    services.article_redetect_mentions(article=article)
                    done += 1
                except Exception as error:
                    services.article_mark_failed(article_id=article.pk, error=f"{type(error).__name__}: {error}")
                    errors += 1
        self.stdout.write(f"Reprocessed {done} article(s) ({only}); {errors} failed.")
