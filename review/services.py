"""Writes of review: the suggestions a processed batch gets, and an editor's verdict on an article.

An article's verdict is a transition out of the pending state: accept (the chosen suggestions become
citations of their records), reject with a reason (a tombstone keeps ingestion from bringing the article
back) or mark as a duplicate. Two editors may act on one article at once: each transition claims the
article with a conditional UPDATE (`WHERE review_state = 'pending'`), so exactly one wins and the other
gets a `ReviewConflict` naming who decided what, and when. Admin actions and API views call these.

From an article's page, an analyst also creates a record (a meeting, a position, a figure, a proposal event
or a response) with its citation of the article: `record_from_article`.
"""

import html
import re
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone

from negotiations import services as record_services
from negotiations.api import services as api_services
from negotiations.models import Citation, Figure, Meeting, Position, ProposalEvent, Response
from news.models import Article, Tombstone
from tracker.api.services import record_save

from . import scoring, selectors
from .models import Suggestion


class ReviewError(Exception):
    """The editor's input does not allow the transition; the message says why."""


class ReviewConflict(ReviewError):
    """The article is no longer pending: another editor (or processing) decided it first."""


# Processing -----------------------------------------------------------------


def suggestions_for_batch(items: list[tuple[Article, set[int]]]) -> None:
    """The processing batch hook (settings.INGEST_BATCH_HOOKS, called by news.services inside the batch's
    transaction, its rows locked): score each article against the record given the actors it mentions, set
    its relevance (the batch's UPDATE stores it) and replace its suggestions. A fixed number of queries
    for the whole batch: the candidate records (review/scoring.py), a delete and an insert."""
    scores = scoring.score_articles(items)
    for (article, _), (_, relevance) in zip(items, scores, strict=True):
        article.relevance = relevance
    scoring.replace_suggestions(
        [article.pk for article, _ in items], [suggestion for suggestions, _ in scores for suggestion in suggestions]
    )


# Review ---------------------------------------------------------------------


MAX_QUOTE_LENGTH = 2000


def quote_in_article(article: Article, quote: str) -> str:
    """The quote with its whitespace made single spaces, if it occurs in the article's title or text (compared
    the same way: a selection across paragraphs reads them joined by line breaks); ReviewError if not. The
    same rule as a record form's quote (`quote_problem`)."""
    quote = _plain(quote)
    if not quote:
        return ""
    if len(quote) > MAX_QUOTE_LENGTH:
        raise ReviewError(f"The quote is longer than {MAX_QUOTE_LENGTH} characters; select a shorter passage.")
    if problem := quote_problem(article, quote):
        raise ReviewError(problem)
    return quote


@transaction.atomic
def article_accept(
    *, article: Article, reviewer, suggestion_ids: list[int] = (), note: str = "", quote: str = ""
) -> list[Citation]:
    """Accept an article: each chosen suggestion becomes a citation of its record, carrying the quoted passage
    (which must occur in the article)."""
    quote = quote_in_article(article, quote)
    chosen = list(Suggestion.objects.filter(article=article, pk__in=suggestion_ids).select_related("content_type"))
    if len(chosen) != len(set(suggestion_ids)):
        raise ReviewError("Some chosen suggestions do not belong to this article.")
    _claim(article, reviewer, Article.ReviewState.ACCEPTED, note=note)
    citations = []
    for suggestion in chosen:
        citation, _ = Citation.objects.get_or_create(
            content_type=suggestion.content_type,
            object_id=suggestion.object_id,
            article=article,
            defaults={
                "publisher": article.publisher,
                "title": article.title[:500],
                "url": article.canonical_url[:2000],
                "published_on": article.published_at.date() if article.published_at else None,
                "quote": quote,
            },
        )
        citations.append(citation)
    return citations


@transaction.atomic
def article_reject(*, article: Article, reviewer, reason: str) -> Tombstone:
    """Reject an article with a reason; its tombstone keeps ingestion from bringing it back."""
    if not reason.strip():
        raise ReviewError("Say why the article is rejected.")
    _claim(article, reviewer, Article.ReviewState.REJECTED, note=reason)
    tombstone, _ = Tombstone.objects.update_or_create(
        canonical_url=article.canonical_url, defaults={"title": article.title, "reason": reason}
    )
    return tombstone


@transaction.atomic
def article_mark_duplicate(*, article: Article, reviewer, original: Article, note: str = "") -> Article:
    """Mark an article as a duplicate of `original` (or of the article that one already duplicates)."""
    if original.pk == article.pk:
        raise ReviewError("An article cannot duplicate itself.")
    target = original.duplicate_of_id or original.pk
    if target == article.pk:
        raise ReviewError("The original is itself marked as a duplicate of this article.")
    _claim(article, reviewer, Article.ReviewState.DUPLICATE, note=note, duplicate_of_id=target)
    return article


@transaction.atomic
def article_undo(*, article: Article, reviewer) -> Article:
    """Take back the reviewer's own verdict on an article, back to pending: an accept loses the citations it made
    (those of its suggestions' records, made since the verdict), a reject its tombstone, a duplicate its link.

    One conditional UPDATE, as for a verdict: only while the article is still as the reviewer left it (their
    verdict, at that time); otherwise ReviewConflict says what happened since. The history keeps both."""
    state, reviewed_at = article.review_state, article.reviewed_at
    if state == Article.ReviewState.PENDING:
        raise ReviewConflict(f"Article {article.pk} is pending: there is no verdict to undo.")
    if article.reviewer_id != reviewer.pk:
        raise ReviewConflict(
            f"Article {article.pk} was {_current_verdict(article.pk)}: only that verdict's editor can undo it."
        )
    now = timezone.now()
    changes = {
        "review_state": Article.ReviewState.PENDING,
        "reviewer": None,
        "reviewed_at": None,
        "review_note": "",
        "duplicate_of": None,
        "updated_at": now,
    }
    undone = Article.objects.filter(
        pk=article.pk, review_state=state, reviewer=reviewer, reviewed_at=reviewed_at
    ).update(**changes)
    if not undone:
        raise ReviewConflict(
            f"Article {article.pk} changed since your verdict: it is now {_current_verdict(article.pk) or 'deleted'};"
            " nothing was undone."
        )
    if state == Article.ReviewState.ACCEPTED:
        suggested = Suggestion.objects.filter(
            article=article, content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
        )
        for citation in Citation.objects.filter(article=article, created_at__gte=reviewed_at).filter(Exists(suggested)):
            citation.delete()  # one by one: each deletion gets its history row
    elif state == Article.ReviewState.REJECTED and article.canonical_url:
        for tombstone in Tombstone.objects.filter(canonical_url=article.canonical_url):
            tombstone.delete()
    for name, value in changes.items():
        setattr(article, name, value)
    Article.history.bulk_history_create(
        [article], update=True, default_user=reviewer, default_change_reason=f"Undo of the {state} verdict"
    )
    return article


def articles_review_bulk(*, article_ids: list[int], reviewer, verdict: str, reason: str = "") -> tuple[int, list[str]]:
    """Accept (each with its pre-selected suggestions: those scoring at least the threshold) or reject (with one
    reason) several articles, each in its own transaction: one another editor decided first is reported and the
    others go on. Returns how many were decided and the refusals."""
    if verdict not in {"accept", "reject"}:
        raise ReviewError("Choose accept or reject.")
    if verdict == "reject" and not reason.strip():
        raise ReviewError("Say why the articles are rejected.")
    if not article_ids:
        raise ReviewError("Select at least one article.")
    threshold = selectors.preselect_threshold()
    articles = Article.objects.defer("raw_html", "content_html", "feed_content").in_bulk(article_ids)
    preselected: dict[int, list[int]] = {}
    for article_id, suggestion_id in Suggestion.objects.filter(
        article_id__in=list(articles), score__gte=threshold
    ).values_list("article_id", "id"):
        preselected.setdefault(article_id, []).append(suggestion_id)
    decided, refusals = 0, []
    for article_id in sorted(set(article_ids), key=article_ids.index):
        article = articles.get(article_id)
        if article is None:
            refusals.append(f"Article {article_id} was deleted meanwhile.")
            continue
        try:
            if verdict == "accept":
                article_accept(article=article, reviewer=reviewer, suggestion_ids=preselected.get(article_id, []))
            else:
                article_reject(article=article, reviewer=reviewer, reason=reason)
        except ReviewError as error:
            refusals.append(str(error))
        else:
            decided += 1
    return decided, refusals


def _claim(article: Article, reviewer, state: str, *, note: str, **extra) -> None:
    """Move the article out of pending in one conditional UPDATE: if another transaction did first (or
    does while this one waits on the row), nothing changes and ReviewConflict says what happened. The
    history row django-simple-history would write on save() is written beside it."""
    now = timezone.now()
    changes = {
        "review_state": state,
        "reviewer": reviewer,
        "reviewed_at": now,
        "review_note": note,
        "updated_at": now,
        **extra,
    }
    claimed = Article.objects.filter(pk=article.pk, review_state=Article.ReviewState.PENDING).update(**changes)
    if not claimed:
        raise ReviewConflict(conflict_message(article.pk))
    for name, value in changes.items():
        setattr(article, name, value)
    Article.history.bulk_history_create([article], update=True, default_user=reviewer)


def conflict_message(article_id: int) -> str:
    """What happened to an article an editor wanted to review: who decided it, how, and when."""
    verdict = _current_verdict(article_id)
    if verdict is None:
        return "The article was deleted meanwhile."
    return f"Article {article_id} was already {verdict}; nothing was changed."


def _current_verdict(article_id: int) -> str | None:
    """The article's verdict as a phrase ("accepted by eve at 2025-07-08 10:00:00 UTC"); None if it is gone."""
    current = (
        Article.objects.select_related("reviewer")
        .only("review_state", "reviewed_at", "duplicate_of_id", "reviewer__username")
        .filter(pk=article_id)
        .first()
    )
    if current is None:
        return None
    if current.review_state == Article.ReviewState.PENDING:
        return "back to pending"
    who = f"by {current.reviewer.username}" if current.reviewer else "automatically (processing)"
    when = f" at {timezone.localtime(current.reviewed_at):%Y-%m-%d %H:%M:%S %Z}" if current.reviewed_at else ""
    verdict = {
        Article.ReviewState.ACCEPTED: "accepted",
        Article.ReviewState.REJECTED: "rejected",
        Article.ReviewState.DUPLICATE: f"marked a duplicate of article {current.duplicate_of_id}",
    }.get(current.review_state, current.review_state)
    return f"{verdict} {who}{when}"


# From an article to the record -----------------------------------------------


def quote_problem(article: Article, quote: str) -> str | None:
    """Why `quote` cannot be cited from the article (None when it can): it must be a passage of the article as
    stored, in its title, its extracted text or its sanitised HTML or summary (whichever the reader selected
    it from). Runs of white space count as one space, as a selection across paragraphs gives them."""
    passage = _plain(quote)
    if not passage:
        return "Give the passage of the article that supports the record."
    # The HTML is read only when the title and text do not hold the passage (the page loads neither).
    sources = (
        lambda: f"{article.title}\n{article.text}",
        lambda: _html_text(article.content_html),
        lambda: _html_text(article.summary),
    )
    if not any(passage in _plain(source()) for source in sources):
        return "This passage does not occur in the article: select it in the article's text, or paste it as written."
    return None


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_BLOCK_TAG = re.compile(
    r"</?(?:address|article|blockquote|br|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li|ol|p|pre|section|table|"
    r"td|th|tr|ul)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")


def _html_text(fragment: str) -> str:
    """The text a browser shows of sanitised HTML: a block tag breaks the line, an inline one (a link,
    emphasis) leaves its words as they run, entities are characters."""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", fragment)))


@transaction.atomic
def record_from_article(*, kind: str, article: Article, values: dict, quote: str, user) -> Model:
    """Create a record of `kind` (review.selectors.RECORD_KINDS) from `values` through the record's own
    services, and its citation of the article with the quoted passage, in one transaction: if either is
    invalid (a ValidationError says why), neither is kept."""
    if kind not in selectors.record_kinds_for(user):
        raise PermissionDenied(f"{user} may not create a {kind} from an article.")
    if problem := quote_problem(article, quote):
        raise ValidationError({"quote": [problem]})
    record = _RECORD_WRITERS[kind](dict(values))
    record_services.citation_add(
        record=record,
        article=article,
        publisher=article.publisher,
        title=article.title[:500],
        url=article.canonical_url or article.url,
        published_on=article.published_at.date() if article.published_at else None,
        quote=quote.strip(),
    )
    return record


def _meeting(values: dict) -> Meeting:
    return api_services.meeting_save(instance=None, **values)


def _proposal_event(values: dict) -> ProposalEvent:
    return api_services.proposal_event_save(instance=None, **values)


_RECORD_WRITERS = {
    "meeting": _meeting,
    "position": lambda values: record_save(instance=Position(), fields=values),
    "figure": lambda values: record_save(instance=Figure(), fields=values),
    "proposal-event": _proposal_event,
    "response": lambda values: record_save(instance=Response(), fields=values),
}
