"""The review queue in the admin (review/admin.py): pending first, the transitions as actions, and a verdict another
editor gave first reported as an error, never overwritten."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from news.models import Article
from review import services
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "admin:news_article_changelist"


def test_the_admin_review_queue_and_actions(client_for):
    high = f.ArticleFactory(title="Talks", relevance=0.9)
    low = f.ArticleFactory(title="Football", relevance=0.0)
    done = f.ArticleFactory(title="Done", review_state="accepted", reviewed_at=high.created_at)
    client = client_for("editor")
    url = reverse(URL)
    listed = [a.title for a in client.get(url).context["cl"].result_list]
    assert listed == ["Talks", "Football"]  # pending only, most relevant first
    assert done.title not in listed
    response = client.post(url, {"action": "reject", "_selected_action": [low.pk], "reason": "Sport, not talks."})
    assert response.status_code == 302
    low.refresh_from_db()
    assert (low.review_state, low.review_note) == ("rejected", "Sport, not talks.")
    confirm = client.post(url, {"action": "accept", "_selected_action": [high.pk]})
    assert confirm.status_code == 200 and b"Accept and cite" in confirm.content
    client.post(url, {"action": "accept", "_selected_action": [high.pk], "confirm": "yes"})
    high.refresh_from_db()
    assert high.review_state == "accepted"


def test_a_viewer_cannot_review(client_for):
    article = f.ArticleFactory()
    client_for("viewer").post(reverse(URL), {"action": "reject", "_selected_action": [article.pk], "reason": "No."})
    article.refresh_from_db()
    assert article.review_state == "pending"


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("query", ["", "?state=all"])
def test_an_article_another_editor_decided_first_is_an_error_message_not_an_overwrite(client_for, role_users, query):
    """Selected on a page shown while it was pending, decided by another editor before the action: in the pending
    queue it is no longer listed, in "All" it is and its transition is refused; either way the editor is told."""
    first, other = f.ArticleFactory(title="First"), f.ArticleFactory(title="Other")
    services.article_accept(article=first, reviewer=role_users["administrator"], note="Cites the dinner.")
    response = client_for("editor").post(
        reverse(URL) + query,
        {"action": "reject", "_selected_action": [first.pk, other.pk], "reason": "Noise."},
        follow=True,
    )
    first.refresh_from_db()
    assert (first.review_state, first.reviewer, first.review_note) == (
        "accepted",
        role_users["administrator"],
        "Cites the dinner.",
    )
    assert Article.objects.get(pk=other.pk).review_state == "rejected"
    errors = [text for level, text in messages_of(response) if level == "error"]
    assert len(errors) == 1
    assert errors[0].startswith(f"Article {first.pk} was already accepted by administrator-user at ")
    assert ("success", "Rejected 1 article(s); they will not come back.") in messages_of(response)
