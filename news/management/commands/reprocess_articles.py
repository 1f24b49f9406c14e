from django.core.management.base import BaseCommand
from tqdm import tqdm

from news import services
from news.models import Article


class Command(BaseCommand):
    help = "Re-run extraction (and everything after it), or only mention detection, over stored articles."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Article ids (default: all, or --failed).")
        parser.add_argument("--only", choices=["all", "mentions"], default="all")
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
