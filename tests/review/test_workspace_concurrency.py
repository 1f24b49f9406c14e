"""The workspace under real concurrent transactions (PostgreSQL row locks): a verdict from the page while another
editor's is in flight is a 409 naming them; two undos of one verdict at once (two tabs) take it back once."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from negotiations.models import Citation
from news.models import Article, Tombstone
from review import services
from tests import factories as f
from tests.review.test_concurrency import race, wait_for_a_lock_wait

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between real transactions: PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_verdict_from_the_page_during_another_is_a_409_naming_the_first(role_users):
    article = f.ArticleFactory()
    suggestion = f.SuggestionFactory(article=article)
    answers = []

    def reject_from_the_page() -> None:
        client = Client()
        client.force_login(role_users["administrator"])
        try:
            url = reverse("review:reject", kwargs={"pk": article.pk})
            answers.append(client.post(url, {"reason": "No."}, HTTP_HX_REQUEST="true"))
        finally:
            connections.close_all()

    race(article, suggestion, role_users["editor"], reject_from_the_page)

    (answer,) = answers
    assert answer.status_code == 409
    assert f"Article {article.pk} was already accepted by editor-user at " in answer.content.decode()
    article.refresh_from_db()
    assert (article.review_state, article.reviewer) == ("accepted", role_users["editor"])
    assert Citation.objects.count() == 1 and not Tombstone.objects.exists()


def test_two_undos_of_one_verdict_at_once_take_it_back_once(role_users):
    editor = role_users["editor"]
    article = f.ArticleFactory()
    services.article_reject(article=article, reviewer=editor, reason="Sport.")
    undone, release = threading.Event(), threading.Event()
    refused: list[str] = []

    def first_tab() -> None:
        try:
            with transaction.atomic():
                services.article_undo(article=Article.objects.get(pk=article.pk), reviewer=editor)
                undone.set()
                assert release.wait(10)
        finally:
            connections.close_all()

    def second_tab() -> None:
        try:
            loaded = Article.objects.get(pk=article.pk)  # read before the first undo commits: rejected
            assert loaded.review_state == "rejected"
            services.article_undo(article=loaded, reviewer=editor)
        except services.ReviewConflict as error:
            refused.append(str(error))
        finally:
            connections.close_all()

    first = threading.Thread(target=first_tab)
    first.start()
    assert undone.wait(10)
    second = threading.Thread(target=second_tab)
    second.start()
    wait_for_a_lock_wait()
    release.set()
    first.join(10)
    second.join(10)

    assert refused == [
        f"Article {article.pk} changed since your verdict: it is now back to pending; nothing was undone."
    ]
    article.refresh_from_db()
    assert article.review_state == "pending" and not Tombstone.objects.exists()
    assert article.history.filter(history_change_reason="Undo of the rejected verdict").count() == 1
