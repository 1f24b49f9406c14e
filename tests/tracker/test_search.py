"""Full-text search (`?search=`): PostgreSQL's text search over GIN indexes, a substring fallback on SQLite."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework import status

from negotiations.api import filters as negotiation_filters
from negotiations.models import Citation, Meeting, Position, Proposal, Response, StickingPoint, Term
from news.models import Article
from review.api.filters import ARTICLE_TEXT
from tests import factories as f
from tracker import search

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def viewer(client_for):
    return client_for("viewer")


def found(client, name: str, query: str) -> set[int]:
    response = client.get(reverse(f"api:{name}-list"), {"search": query})
    assert response.status_code == status.HTTP_200_OK, response.content
    return {row["id"] for row in response.json()["results"]}


def test_articles_match_every_word_in_title_publisher_or_text(viewer):
    talks = f.ArticleFactory(title="Envoys meet in Doha", publisher="Wire", text="A hostage release is discussed.")
    other = f.ArticleFactory(title="Hostage families protest", publisher="Daily", text="They march in Tel Aviv.")
    f.ArticleFactory(title="League final tonight", publisher="Sports desk", text="The match starts at eight.")

    assert found(viewer, "article", "hostage") == {talks.id, other.id}
    assert found(viewer, "article", "Hostage Doha") == {talks.id}  # every word, in any field, any case
    assert found(viewer, "article", "wire release") == {talks.id}  # the publisher counts too
    assert found(viewer, "article", "hostage -Doha") == {other.id}  # a word excluded
    assert found(viewer, "article", "ceasefire") == set()
    assert found(viewer, "article", "  ") == {a.id for a in Article.objects.all()}  # blank: no filter


def test_arabic_words_are_found(viewer):
    arabic = f.ArticleFactory(title="مفاوضات الدوحة", text="وصل الوفد إلى الدوحة لبحث وقف إطلاق النار.")
    f.ArticleFactory(title="Talks in Cairo", text="Delegations arrive.")
    assert found(viewer, "article", "الدوحة") == {arabic.id}
    assert found(viewer, "article", "إطلاق النار") == {arabic.id}


@pytest.mark.skipif(not POSTGRES, reason="stemming and phrases: PostgreSQL's text search")
def test_postgresql_stems_english_and_honours_phrases_and_or(viewer):
    plural = f.ArticleFactory(title="Hostages released at dawn", text="")
    phrase = f.ArticleFactory(title="Talks on aid", text="The truce extension was agreed in principle.")
    scattered = f.ArticleFactory(title="Extension of the deadline", text="A truce holds.")

    assert found(viewer, "article", "hostage release") == {plural.id}  # stems: hostages, released
    assert found(viewer, "article", '"truce extension"') == {phrase.id}
    assert found(viewer, "article", "truce extension") == {phrase.id, scattered.id}
    assert found(viewer, "article", "dawn or principle") == {plural.id, phrase.id}


def test_records_are_searched_in_their_own_text(viewer):
    meeting = f.MeetingFactory(title="Working dinner", location="Mar-a-Lago, Palm Beach", summary="Rafah crossing.")
    f.MeetingFactory(title="Phone call", location="Cairo", summary="Aid convoys.")
    assert found(viewer, "meeting", "Palm Beach") == {meeting.id}
    assert found(viewer, "meeting", "rafah") == {meeting.id}

    by_title = f.ProposalFactory(title="Witkoff bridging proposal", summary="")
    by_term = f.ProposalFactory(title="Egyptian framework", summary="")
    f.TermFactory(proposal=by_term, text="Release of ten living hostages on day one.")
    f.TermFactory(proposal=by_title, key="aid", text="Aid trucks enter daily.")
    assert found(viewer, "proposal", "bridging") == {by_title.id}
    assert found(viewer, "proposal", "living hostages") == {by_term.id}  # a term's text finds its proposal
    assert found(viewer, "proposal", "trucks") == {by_title.id}

    corridor = f.StickingPointFactory(title="Philadelphi corridor", description="Who controls the border strip.")
    disarm = f.StickingPointFactory(title="Disarmament", description="")
    position = f.PositionFactory(sticking_point=disarm, summary="Refuses to hand over weapons.")
    assert found(viewer, "sticking-point", "border") == {corridor.id}
    assert found(viewer, "sticking-point", "weapons") == {disarm.id}  # a position's summary finds its point
    assert found(viewer, "position", "weapons") == {position.id}

    response = f.ResponseFactory(summary="Accepted with amendments on the maps.")
    assert found(viewer, "response", "amendments") == {response.id}
    citation = f.CitationFactory(publisher="Reuters", title="Mediators push new plan", quote="")
    f.CitationFactory(publisher="Al Jazeera", title="Talks resume")
    assert found(viewer, "citation", "reuters plan") == {citation.id}


def test_a_long_query_is_cut_not_refused(viewer):
    article = f.ArticleFactory(title="Doha talks", text="")
    assert found(viewer, "article", "doha " + "talks " * 2000) == {article.id}  # the first 200 characters


# Every search and the index that must answer it: the fields in the filter and the migration agree.
INDEXED = [
    (Article, ARTICLE_TEXT, "news_article_search"),
    (Meeting, negotiation_filters.MEETING_TEXT, "neg_meeting_search"),
    (Proposal, negotiation_filters.PROPOSAL_TEXT, "neg_proposal_search"),
    (Term, negotiation_filters.TERM_TEXT, "neg_term_search"),
    (StickingPoint, negotiation_filters.STICKING_POINT_TEXT, "neg_sticking_point_search"),
    (Position, negotiation_filters.SUMMARY_TEXT, "neg_position_search"),
    (Response, negotiation_filters.SUMMARY_TEXT, "neg_response_search"),
    (Citation, negotiation_filters.CITATION_TEXT, "neg_citation_search"),
]


@pytest.mark.skipif(not POSTGRES, reason="GIN indexes exist on PostgreSQL only")
@pytest.mark.parametrize(("model", "fields", "index"), INDEXED, ids=[i for _, _, i in INDEXED])
def test_each_search_is_answered_from_its_gin_index(model, fields, index):
    queryset = search.matches(model.objects.all(), fields, "ceasefire talks")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are nearly empty here
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan
