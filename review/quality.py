"""How good the suggestions are, measured on a labelled set of articles written for the demo record.

review/data/labelled_articles.json holds articles (written for this purpose, in English and Arabic,
about the events of the demo dataset, negotiations/demo.py) and, for each, the records it truly
supports. `evaluate()` runs each through the path processing takes (the alias matcher finds the actors,
review.scoring scores the candidates) without storing anything, and compares the suggestions with the
labels. At a threshold, precision is the share of suggestions at or above it that are right; recall is
the share of the labelled records that get such a suggestion. `choose_threshold()` takes the lowest
candidate from which on precision reaches TARGET_PRECISION: the most right records pre-selected while
at least nine in ten pre-selected suggestions are right. settings.SUGGESTION_PRESELECT_THRESHOLD holds the value
chosen; `manage.py suggestion_quality` prints the table it comes from.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from actors.models import Actor
from negotiations import demo
from negotiations.models import Meeting, Proposal, StickingPoint, Track
from news.models import Article
from news.pipeline import mentions

from . import scoring

DATA = Path(__file__).resolve().parent / "data" / "labelled_articles.json"
TARGET_PRECISION = 0.90
CANDIDATE_THRESHOLDS = tuple(round(0.20 + 0.05 * step, 2) for step in range(15))  # 0.20 … 0.90
_KINDS = {"meeting": Meeting, "proposal": Proposal, "sticking_point": StickingPoint}


class LabelError(ValueError):
    """The labelled set is malformed or names a record the database does not hold."""


@dataclass(frozen=True)
class LabelledArticle:
    key: str
    language: str
    published_at: datetime.datetime
    title: str
    text: str
    supports: frozenset[str]  # "meeting:<title>", "proposal:<slug>", "sticking_point:<slug>"


@dataclass
class Scored:
    """One article's suggestions as labels, with their scores, and what it should have been given."""

    article: LabelledArticle
    suggested: list[tuple[str, float]]  # best first
    reasons: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Figures:
    threshold: float
    preselected: int
    right: int
    labelled: int

    @property
    def precision(self) -> float:
        return self.right / self.preselected if self.preselected else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0


def load_labelled(path: Path = DATA) -> list[LabelledArticle]:
    """The labelled articles of `path`; a LabelError names the first entry that is not well formed."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["articles"]
    articles, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        try:
            published = datetime.datetime.fromisoformat(entry["published_at"])
            article = LabelledArticle(
                key=entry["key"],
                language=entry["language"],
                published_at=published,
                title=entry["title"],
                text=entry["text"],
                supports=frozenset(entry["supports"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise LabelError(f"Labelled article {number} is not well formed: {error!r}") from error
        if published.tzinfo is None:
            raise LabelError(f"Labelled article {article.key}: published_at needs a time zone.")
        if article.key in seen:
            raise LabelError(f"Labelled article key {article.key} is used twice.")
        for label in article.supports:
            if label.partition(":")[0] not in _KINDS:
                raise LabelError(
                    f"Labelled article {article.key}: {label!r} is not meeting:, proposal: or sticking_point:."
                )
        seen.add(article.key)
        articles.append(article)
    return articles


def ensure_demo() -> bool:
    """Load the demo dataset into an empty record (as `load_demo` would); True when it was loaded now."""
    with transaction.atomic():
        if Actor.objects.exists() or Track.objects.exists():
            return False
        demo.load()
    return True


def record_labels() -> dict[tuple[type, int], str]:
    """Every meeting, proposal and sticking point of the database under the label the set uses for it."""
    labels = {}
    for kind, model in _KINDS.items():
        natural = "title" if model is Meeting else "slug"
        for pk, name in model.objects.values_list("pk", natural):
            labels[(model, pk)] = f"{kind}:{name}"
    return labels


def evaluate(articles: list[LabelledArticle]) -> list[Scored]:
    """Score each labelled article as processing would (mentions, then review.scoring), storing nothing."""
    labels = record_labels()
    missing = {label for article in articles for label in article.supports} - set(labels.values())
    if missing:
        raise LabelError(f"The database holds no record for these labels (is the demo loaded?): {sorted(missing)}")
    matcher = mentions.current_matcher()
    items = []
    for labelled in articles:
        article = Article(
            title=labelled.title,
            text=labelled.text,
            language=labelled.language,
            published_at=labelled.published_at,
            created_at=labelled.published_at,
        )
        found = mentions.find_mentions(article, matcher)
        items.append((article, {mention.actor_id for mention in found}))
    results = []
    for labelled, (suggestions, _relevance) in zip(articles, scoring.score_articles(items), strict=True):
        scored = Scored(labelled, [])
        for suggestion in suggestions:
            label = labels[(suggestion.content_type.model_class(), suggestion.object_id)]
            scored.suggested.append((label, suggestion.score))
            scored.reasons[label] = suggestion.reasons
        results.append(scored)
    return results


def figures_at(results: list[Scored], threshold: float) -> Figures:
    preselected = right = 0
    for result in results:
        for label, score in result.suggested:
            if score >= threshold:
                preselected += 1
                right += label in result.article.supports
    labelled = sum(len(result.article.supports) for result in results)
    return Figures(threshold, preselected, right, labelled)


def choose_threshold(results: list[Scored], candidates=CANDIDATE_THRESHOLDS) -> Figures | None:
    """The lowest candidate threshold at which, and at every higher candidate, precision reaches
    TARGET_PRECISION (None if even the highest falls short or pre-selects nothing)."""
    chosen = None
    for threshold in sorted(candidates, reverse=True):
        figures = figures_at(results, threshold)
        if figures.precision < TARGET_PRECISION:
            break
        if figures.preselected:
            chosen = figures
    return chosen
