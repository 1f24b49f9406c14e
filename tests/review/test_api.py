"""The review transitions over the API (review/api/views.py): a verdict on an article already decided is a 409
naming who decided what and when (tests/review/test_concurrency.py: two requests at once on PostgreSQL)."""

import pytest
from django.urls import reverse
from rest_framework import status

from news.models import Article, Tombstone
from review import services
from tests import factories as f
from tests.api.conftest import send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "payload"),
    [("accept", {}), ("reject", {"reason": "Noise."}), ("mark-duplicate", {"original": None})],
)
def test_a_verdict_on_a_decided_article_is_a_409_and_changes_nothing(client_for, role_users, action, payload):
    article, original = f.ArticleFactory(), f.ArticleFactory()
    services.article_accept(article=article, reviewer=role_users["administrator"], note="Cites the dinner.")
    payload = {key: original.pk if value is None else value for key, value in payload.items()}
    response = send(client_for("editor"), "post", reverse(f"api:article-{action}", args=[article.pk]), payload)
    assert response.status_code == status.HTTP_409_CONFLICT
    detail = response.json()["detail"]
    assert detail.startswith(f"Article {article.pk} was already accepted by administrator-user at ")
    now = Article.objects.get(pk=article.pk)
    assert (now.review_state, now.reviewer, now.review_note) == (
        "accepted",
        role_users["administrator"],
        "Cites the dinner.",
    )
    assert not Tombstone.objects.exists()
