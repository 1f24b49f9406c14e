"""The review workspace in a real browser: an editor clears a queue of five articles from the keyboard alone,
two editors act on one article at once, hostile article HTML never runs, a viewer gets no editing action."""

import datetime

import pytest

from negotiations.models import Citation
from news.models import Article, Tombstone
from tests import factories as f
from tests.browser import pages
from tracker.services import user_set_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECOND_PARAGRAPH = "Both delegations accepted a sixty-day truce, two officials said."


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 7, day, 12, tzinfo=datetime.UTC)


def five_articles():
    """Five pending articles, most relevant first; the third shares its story with an accepted article."""
    qatar = f.ActorFactory(name="Qatar", slug="qatar", kind="state")
    meeting = f.MeetingFactory(title="Doha proximity talks")
    earlier = f.ArticleFactory(
        title="Doha round opens", publisher="Earlier Wire", review_state="accepted", reviewed_at=at(6)
    )
    titles = ["Envoys meet in Doha", "Derby day results", "Doha round, second report", "Markets close", "Aid convoy"]
    articles = []
    for index, title in enumerate(titles):
        text = f"Mediators from Qatar hosted the talks in Doha.\n{SECOND_PARAGRAPH}" if index == 0 else f"{title}."
        articles.append(
            f.ArticleFactory(
                title=title,
                text=text,
                relevance=0.9 - index / 10,
                published_at=at(7),
                publisher=f"Outlet {index}",
                language="en",
                story=earlier if index == 2 else None,
            )
        )
    offset = len(articles[0].title) + 2 + len("Mediators from ")
    f.MentionFactory(article=articles[0], actor=qatar, start=offset, end=offset + 5, matched_text="Qatar")
    f.SuggestionFactory(article=articles[0], record=meeting, score=0.9, reasons=["1 of 1 participants named"])
    f.SuggestionFactory(article=articles[0], score=0.2, reasons=["date within 3 days"])
    return articles, meeting, earlier


def wait_for_article(page, article) -> None:
    """Until the article's panel is in, and settled (workspace.js marks the body busy until then)."""
    page.wait_for_selector(f'#panel[data-article="{article.pk}"]')
    page.wait_for_selector("body:not([data-busy])", state="attached")


def select_in_body(page, passage: str) -> None:
    """Select `passage` in the article's text, as a mouse drag would."""
    page.evaluate(
        """(passage) => {
          const walker = document.createTreeWalker(document.querySelector('#article-body'), NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const start = node.textContent.indexOf(passage);
            if (start >= 0) {
              const range = document.createRange();
              range.setStart(node, start);
              range.setEnd(node, start + passage.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              return;
            }
          }
          throw new Error('passage not in the article body');
        }""",
        passage,
    )


def test_an_editor_clears_a_queue_of_five_from_the_keyboard(live_server, page):
    console = pages.watch(page)
    user_set_role(username="eve", role="editor", password=pages.PASSWORD)
    articles, meeting, earlier = five_articles()
    first, second, third, fourth, fifth = articles
    pages.log_in(page, live_server, "eve", then="/review/")

    page.wait_for_selector("#queue")
    assert page.locator("#queue tbody tr").count() == 5
    assert "5 articles pending" in page.locator(".queue-count").inner_text()
    assert pages.axe_violations(page) == []
    pages.screenshot(page, "review-queue")

    page.keyboard.press("?")
    assert page.locator("#keyboard-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#keyboard-help").is_visible()

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.press("j")  # typed into the search box, not a shortcut
    assert page.input_value("#search") == "j"
    page.fill("#search", "")
    page.keyboard.press("Escape")
    page.keyboard.press("j")  # the first row
    page.keyboard.press("Enter")
    wait_for_article(page, first)
    assert page.locator("#article-body a.mention").inner_text() == "Qatar"
    assert page.locator("#suggestion-" + str(first.suggestions.get(score=0.9).pk)).is_checked()
    assert not page.locator("#suggestion-" + str(first.suggestions.get(score=0.2).pk)).is_visible()  # on request
    assert pages.axe_violations(page) == []
    pages.screenshot(page, "review-article")

    # 1. Accept with a quote picked by selecting text.
    select_in_body(page, "accepted a sixty-day truce")
    page.wait_for_function("document.querySelector('#quote-preview').textContent === 'accepted a sixty-day truce'")
    page.keyboard.press("a")
    wait_for_article(page, second)
    assert page.url.endswith(f"/review/articles/{second.pk}/")  # pushed without a full load
    assert "1 citation(s) made with the quote" in page.locator("#panel-notice").inner_text()
    citation = Citation.objects.get()
    assert (citation.record, citation.article_id, citation.quote) == (meeting, first.pk, "accepted a sixty-day truce")

    # 2. Reject with a reason.
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "id_reason"
    page.keyboard.type("Sport results.")
    page.keyboard.press("Enter")
    wait_for_article(page, third)

    # 3. Duplicate of the story's earlier article, chosen from the same-story list.
    page.keyboard.press("d")
    page.keyboard.press("Enter")
    wait_for_article(page, fourth)
    assert Article.objects.get(pk=third.pk).duplicate_of_id == earlier.pk

    # 4. Undo the duplicate: the third article is back, pending.
    page.keyboard.press("u")
    wait_for_article(page, third)
    assert "is pending again" in page.locator("#panel-notice").inner_text()
    assert Article.objects.get(pk=third.pk).review_state == "pending"
    page.keyboard.press("d")
    page.keyboard.press("Enter")
    wait_for_article(page, fourth)

    page.keyboard.press("r")
    page.keyboard.type("Not about the talks.")
    page.keyboard.press("Enter")
    wait_for_article(page, fifth)
    page.keyboard.press("k")  # previous pending: none left before it
    page.keyboard.press("a")
    page.wait_for_selector('#panel[data-article=""]')
    page.wait_for_selector("body:not([data-busy])", state="attached")
    assert page.locator("#article-title").inner_text() == "The queue is clear"
    assert page.url.endswith("/review/")

    assert not Article.objects.filter(review_state="pending").exists()
    assert dict(Article.objects.filter(pk__in=[a.pk for a in articles]).values_list("id", "review_state")) == {
        first.pk: "accepted",
        second.pk: "rejected",
        third.pk: "duplicate",
        fourth.pk: "rejected",
        fifth.pk: "accepted",
    }
    assert Tombstone.objects.count() == 2
    assert pages.violations(page, console) == []


def test_two_editors_on_one_article_the_second_is_told_who_decided(live_server, browser):
    user_set_role(username="eve", role="editor", password=pages.PASSWORD)
    user_set_role(username="ed", role="editor", password=pages.PASSWORD)
    articles, meeting, _ = five_articles()
    first = articles[0]
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(2)]
    try:
        eve, ed = (context.new_page() for context in contexts)
        for page, name in ((eve, "eve"), (ed, "ed")):
            pages.log_in(page, live_server, name, then=f"/review/articles/{first.pk}/")
            wait_for_article(page, first)
        eve.keyboard.press("a")
        wait_for_article(eve, articles[1])
        ed.keyboard.press("r")
        ed.keyboard.type("Duplicate wire copy.")
        ed.keyboard.press("Enter")
        ed.wait_for_selector("#panel-error")
        message = ed.locator("#panel-error").inner_text()
        assert message.startswith(f"Article {first.pk} was already accepted by eve at ")
        assert message.endswith("nothing was changed.")
        assert ed.locator("#accept-form").count() == 0
    finally:
        for context in contexts:
            context.close()
    first.refresh_from_db()
    assert (first.review_state, first.reviewer.username) == ("accepted", "eve")
    assert not Tombstone.objects.exists() and Citation.objects.count() == 1


HOSTILE = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'onerror'\">",
    "<a href=\"javascript:window.__pwned='javascript'\">click</a>",
    "<a href=\"data:text/html,<script>parent.__pwned='data'</script>\">data</a>",
    "<svg onload=\"window.__pwned='svg'\"><script>window.__pwned='svg-script'</script></svg>",
    "<style>body{background:url(\"javascript:window.__pwned='css'\")}</style>",
    "<div style=\"background-image:url(javascript:window.__pwned='style')\">styled</div>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='mxss'\">"
    "</style></mglyph></table></mtext></math>",
]


def test_hostile_article_html_never_runs_nor_trips_the_policy(live_server, page):
    console = pages.watch(page)
    user_set_role(username="eve", role="editor", password=pages.PASSWORD)
    payload = "".join(HOSTILE)
    actor = f.ActorFactory(name="<img src=x onerror=\"window.__pwned='actor'\">", slug="hostile-actor")
    article = f.ArticleFactory(
        title=HOSTILE[1],
        publisher=HOSTILE[0],
        text=f"Opening line.\n{payload}\nClosing line.",
        content_html=payload,
        summary=payload,
        feed_content=payload,
        relevance=0.9,
    )
    offset = len(article.title) + 2
    f.MentionFactory(article=article, actor=actor, start=offset, end=offset + 7, matched_text="Opening")
    f.SuggestionFactory(article=article, score=0.9, reasons=HOSTILE[2:5])
    pages.log_in(page, live_server, "eve", then="/review/")
    page.wait_for_selector("#queue")
    page.goto(f"{live_server.url}/review/articles/{article.pk}/")
    wait_for_article(page, article)
    # Shown as text, never as markup.
    assert HOSTILE[0] in page.locator("#article-body").inner_text()
    assert page.locator("#article-title").inner_text() == HOSTILE[1]
    assert page.locator("#panel script, #panel img, #panel svg, #panel iframe, #panel style").count() == 0
    for link in page.locator("#panel a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:"))
    page.locator("#article-body a.mention").first.hover()
    select_in_body(page, "Closing line")
    page.keyboard.press("?")
    page.keyboard.press("Escape")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert pages.violations(page, console) == []


def test_a_viewer_reaches_no_editing_action(live_server, page):
    console = pages.watch(page)
    user_set_role(username="vic", role="viewer", password=pages.PASSWORD)
    articles, _, _ = five_articles()
    pages.log_in(page, live_server, "vic", then="/review/")
    page.wait_for_selector("#queue")
    assert page.locator("#queue input[type=checkbox], #bulk-form").count() == 0
    assert pages.axe_violations(page) == []
    page.goto(f"{live_server.url}/review/articles/{articles[0].pk}/")
    wait_for_article(page, articles[0])
    assert page.locator("#panel form, #panel input, #panel button").count() == 0
    assert "1 of 1 participants named" in page.locator("#panel").inner_text()  # suggestions, read-only
    page.keyboard.press("a")
    page.keyboard.press("r")
    page.keyboard.press("u")
    page.keyboard.press("j")
    wait_for_article(page, articles[1])  # reading on is allowed
    assert not Article.objects.exclude(review_state="pending").exclude(title="Doha round opens").exists()
    assert pages.axe_violations(page) == []
    pages.screenshot(page, "review-article-viewer", phone=True)
    assert pages.violations(page, console) == []


def test_the_workspace_at_phone_width(live_server, page):
    user_set_role(username="eve", role="editor", password=pages.PASSWORD)
    articles, _, _ = five_articles()
    pages.log_in(page, live_server, "eve", then="/review/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_selector("#queue")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    pages.screenshot(page, "review-queue", phone=True)
    page.goto(f"{live_server.url}/review/articles/{articles[0].pk}/")
    wait_for_article(page, articles[0])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert pages.axe_violations(page) == []
    pages.screenshot(page, "review-article", phone=True)


def test_the_selected_quote_goes_with_the_links_to_the_record_forms(live_server, page):
    user_set_role(username="ada", role="administrator", password=pages.PASSWORD)
    articles, _, earlier = five_articles()
    pages.log_in(page, live_server, "ada", then=f"/review/articles/{articles[0].pk}/")
    wait_for_article(page, articles[0])
    select_in_body(page, "a sixty-day truce")
    page.wait_for_function("document.querySelector('#quote-preview').textContent === 'a sixty-day truce'")
    href = page.locator("a[data-quote-link]", has_text="meeting").get_attribute("href")
    assert href == f"/review/articles/{articles[0].pk}/record/meeting/?quote=a+sixty-day+truce"
    page.click("#quote-clear")
    assert page.input_value("#id_quote") == ""
    assert page.locator("a[data-quote-link]", has_text="meeting").get_attribute("href").endswith("/record/meeting/")

    # No other article of its story: d goes to the id field.
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    assert page.evaluate("document.activeElement.id") == "id_original_id"
    page.keyboard.type(str(earlier.pk))
    page.keyboard.press("Enter")
    wait_for_article(page, articles[1])
    assert Article.objects.get(pk=articles[0].pk).duplicate_of_id == earlier.pk
