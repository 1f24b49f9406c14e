"""`manage.py suggestion_quality`: precision and recall of the suggestions on the labelled set, per threshold."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from review import quality


class Command(BaseCommand):
    help = (
        "Score the labelled articles (review/data/labelled_articles.json) as processing would, against the demo "
        "record (loaded first when the database is empty), and print precision and recall at each candidate "
        "threshold, the threshold chosen (the lowest with at least 90% of pre-selected suggestions right) and "
        "the figures at settings.SUGGESTION_PRESELECT_THRESHOLD. Nothing is stored besides the demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(quality.DATA), help="The labelled set (JSON).")
        parser.add_argument("--details", action="store_true", help="List each article's wrong and missed suggestions.")

    def handle(self, *args, data: str, details: bool, **options):
        try:
            articles = quality.load_labelled(data)
            if quality.ensure_demo():
                self.stdout.write("The database was empty: demo data loaded.")
            results = quality.evaluate(articles)
        except (OSError, quality.LabelError) as error:
            raise CommandError(str(error)) from error
        labelled = sum(len(article.supports) for article in articles)
        self.stdout.write(f"{len(articles)} labelled articles, {labelled} records they support.\n")
        self.stdout.write(f"{'threshold':>9}  {'pre-selected':>12}  {'right':>5}  {'precision':>9}  {'recall':>6}")
        for threshold in quality.CANDIDATE_THRESHOLDS:
            self._row(quality.figures_at(results, threshold))
        chosen = quality.choose_threshold(results)
        configured = quality.figures_at(results, settings.SUGGESTION_PRESELECT_THRESHOLD)
        self.stdout.write("")
        if chosen is None:
            self.stdout.write(f"No candidate threshold reaches {quality.TARGET_PRECISION:.0%} precision.")
        else:
            self.stdout.write(
                f"Chosen: {chosen.threshold:.2f} (precision {chosen.precision:.1%}, recall {chosen.recall:.1%})."
            )
        self.stdout.write(
            f"Configured (SUGGESTION_PRESELECT_THRESHOLD): {configured.threshold:.2f} "
            f"(precision {configured.precision:.1%}, recall {configured.recall:.1%}, "
            f"{configured.preselected} pre-selected, {configured.right} right)."
        )
        if details:
            self._details(results, settings.SUGGESTION_PRESELECT_THRESHOLD)

    def _row(self, figures) -> None:
        self.stdout.write(
            f"{figures.threshold:>9.2f}  {figures.preselected:>12}  {figures.right:>5}  "
            f"{figures.precision:>9.1%}  {figures.recall:>6.1%}"
        )

    def _details(self, results, threshold: float) -> None:
        for result in results:
            ticked = {label for label, score in result.suggested if score >= threshold}
            wrong = sorted(ticked - result.article.supports)
            missed = sorted(result.article.supports - ticked)
            if not wrong and not missed:
                continue
            self.stdout.write(f"\n{result.article.key}:")
            scores = dict(result.suggested)
            for label in wrong:
                self.stdout.write(f"  wrong  {scores[label]:.2f} {label}")
                for reason in result.reasons[label]:
                    self.stdout.write(f"           {reason}")
            for label in missed:
                score = f"{scores[label]:.2f}" if label in scores else "  — "
                self.stdout.write(f"  missed {score} {label}")
