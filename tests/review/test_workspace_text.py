"""The article's text as the workspace shows it (review.selectors.body_paragraphs): paragraphs from its lines,
actor mentions placed by their offsets, every segment escaped by the template, never stored HTML."""

import pytest
from django.urls import reverse

from review import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def mention(article, actor, text: str, occurrence: int = 0):
    """A stored mention of the `occurrence`-th `text` in the article's mention source (title, blank line, text)."""
    source = f"{article.title}\n\n{article.text}"
    start = -1
    for _ in range(occurrence + 1):
        start = source.index(text, start + 1)
    return f.MentionFactory(article=article, actor=actor, start=start, end=start + len(text), matched_text=text)


def rendered(article) -> list[list[tuple[str, str | None]]]:
    article = selectors.article_for_review(article.pk)
    return [
        [(segment.text, segment.actor.slug if segment.actor else None) for segment in paragraph]
        for paragraph in selectors.body_paragraphs(article)
    ]


def test_mentions_land_on_their_words_in_each_paragraph(role_users):
    qatar, witkoff = f.ActorFactory(slug="qatar"), f.ActorFactory(slug="witkoff")
    article = f.ArticleFactory(title="Qatar hosts talks", text="Qatar hosted Witkoff.\n\nLater, Witkoff left Doha.")
    mention(article, qatar, "Qatar")  # in the title: not in the text
    mention(article, qatar, "Qatar", 1)
    mention(article, witkoff, "Witkoff", 0)
    mention(article, witkoff, "Witkoff", 1)
    assert rendered(article) == [
        [("Qatar", "qatar"), (" hosted ", None), ("Witkoff", "witkoff"), (".", None)],
        [("Later, ", None), ("Witkoff", "witkoff"), (" left Doha.", None)],
    ]


def test_an_overlapping_mention_is_skipped_and_the_text_kept_whole(role_users):
    person, surname = f.ActorFactory(slug="person"), f.ActorFactory(slug="surname")
    article = f.ArticleFactory(title="T", text="Steve Witkoff arrived.")
    mention(article, person, "Steve Witkoff")
    mention(article, surname, "Witkoff")
    assert rendered(article) == [[("Steve Witkoff", "person"), (" arrived.", None)]]


def test_stored_html_is_never_rendered_and_text_is_escaped(client_for):
    payload = "<script>window.__pwned = 1</script><img src=x onerror=alert(1)>"
    article = f.ArticleFactory(title=payload, text=f"Line one.\n{payload}", content_html=payload, summary=payload)
    html = client_for("editor").get(reverse("review:article", kwargs={"pk": article.pk})).content.decode()
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
