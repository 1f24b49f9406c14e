"""Full-text search (`?search=`): PostgreSQL's text search over stored vectors with GIN indexes, ranked
and capped; a substring fallback on SQLite."""

import datetime
import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework import status

from negotiations.api import filters as negotiation_filters
from negotiations.models import Citation, Meeting, Position, Proposal, Response, StickingPoint, Term
from news.models import Article
from review.api.filters import ARTICLE_TEXT
from tests import factories as f
from tracker import search

ADD_ARTICLE_VECTOR = importlib.import_module("news.migrations.0013_article_search_vector").Migration.operations[0]

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
    (Article, ARTICLE_TEXT, "news_article_search_vector"),
    (Meeting, negotiation_filters.MEETING_TEXT, "neg_meeting_search_vector"),
    (Proposal, negotiation_filters.PROPOSAL_TEXT, "neg_proposal_search_vector"),
    (Term, negotiation_filters.TERM_TEXT, "neg_term_search_vector"),
    (StickingPoint, negotiation_filters.STICKING_POINT_TEXT, "neg_sticking_point_search_vector"),
    (Position, negotiation_filters.SUMMARY_TEXT, "neg_position_search_vector"),
    (Response, negotiation_filters.SUMMARY_TEXT, "neg_response_search_vector"),
    (Citation, negotiation_filters.CITATION_TEXT, "neg_citation_search_vector"),
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
    assert re.search(rf"Bitmap Index Scan on {index}\b", plan), plan


def stored_vectors(model) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, search_vector::text FROM {model._meta.db_table}")  # noqa: S608 (a table name)
        return dict(cursor.fetchall())


def expected_vector(model, fields: tuple[str, ...], pk: int) -> str:
    return str(model.objects.annotate(v=search.vector(*fields)).values_list("v", flat=True).get(pk=pk))


@pytest.mark.skipif(not POSTGRES, reason="stored vectors exist on PostgreSQL only")
@pytest.mark.parametrize(("model", "fields", "index"), INDEXED, ids=[i for _, _, i in INDEXED])
def test_the_stored_vector_is_the_fields_vector_after_insert_and_change(model, fields, index):
    row = getattr(f, f"{model.__name__}Factory")(**dict.fromkeys(fields, "ceasefire talks"))
    assert stored_vectors(model)[row.pk] == expected_vector(model, fields, row.pk)
    for field in fields:
        setattr(row, field, f"hostage release {field}")
    row.save()
    assert stored_vectors(model)[row.pk] == expected_vector(model, fields, row.pk)
    assert "ceasefir" not in stored_vectors(model)[row.pk]
    model.objects.filter(pk=row.pk).update(**{fields[-1]: "humanitarian corridor"})  # a queryset update too
    assert stored_vectors(model)[row.pk] == expected_vector(model, fields, row.pk)


@pytest.mark.skipif(not POSTGRES, reason="the stored vectors are PostgreSQL's")
def test_the_migration_fills_existing_rows_in_batches(monkeypatch):
    articles = [f.ArticleFactory(title=f"Ceasefire talks, round {n}") for n in range(7)]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE news_article SET search_vector = NULL")  # as before the migration
    monkeypatch.setattr(type(ADD_ARTICLE_VECTOR), "BATCH", 2)
    with connection.schema_editor(atomic=False) as editor, CaptureQueriesContext(connection) as captured:
        ADD_ARTICLE_VECTOR.fill(editor, Article)
    assert sum(q["sql"].startswith('UPDATE "news_article"') for q in captured.captured_queries) == 4  # 7 ids by 2
    vectors = stored_vectors(Article)
    assert vectors == {a.pk: expected_vector(Article, ARTICLE_TEXT, a.pk) for a in articles}


def page(client, name: str, **params) -> dict:
    response = client.get(reverse(f"api:{name}-list"), params)
    assert response.status_code == status.HTTP_200_OK, response.content
    return response.json()


@pytest.mark.skipif(not POSTGRES, reason="ranks come from PostgreSQL's ts_rank")
def test_matches_come_best_first_then_most_recent_then_by_id(viewer):
    now = timezone.now()
    once = f.ArticleFactory(title="Talks", text="A ceasefire was mentioned.", published_at=now)
    often = f.ArticleFactory(
        title="Ceasefire holds",
        text="The ceasefire, the first ceasefire in months.",
        published_at=now - datetime.timedelta(days=2),
    )
    older_once = f.ArticleFactory(
        title="Talks", text="A ceasefire was mentioned.", published_at=now - datetime.timedelta(days=1)
    )
    twin = f.ArticleFactory(title="Talks", text="A ceasefire was mentioned.", published_at=now)
    ids = [row["id"] for row in page(viewer, "article", search="ceasefire")["results"]]
    assert ids == [often.id, once.id, twin.id, older_once.id]
    by_date = page(viewer, "article", search="ceasefire", ordering="published_at")["results"]
    assert [row["id"] for row in by_date] == [often.id, older_once.id, once.id, twin.id]  # `ordering` wins


def test_a_search_count_stops_at_the_cap_and_says_so(viewer, monkeypatch):
    monkeypatch.setattr(search, "CAP", 3)
    now = timezone.now()
    articles = [
        f.ArticleFactory(title=f"Ceasefire talks, round {n}", published_at=now - datetime.timedelta(hours=n))
        for n in range(5)
    ]
    f.ArticleFactory(title="League final tonight")
    answer = page(viewer, "article", search="ceasefire talks", page_size=2)
    assert (answer["count"], answer["count_is_capped"]) == (3, True)
    second = page(viewer, "article", search="ceasefire talks", page_size=2, page=2)
    reached = {row["id"] for row in answer["results"] + second["results"]}
    assert reached == {a.id for a in articles[:3]}  # the three most recent matches
    assert second["next"] is None

    monkeypatch.setattr(search, "CAP", 5)
    answer = page(viewer, "article", search="ceasefire talks")
    assert (answer["count"], answer["count_is_capped"]) == (5, True)  # 5 matches: "5+"
    monkeypatch.setattr(search, "CAP", 6)
    answer = page(viewer, "article", search="ceasefire talks")
    assert (answer["count"], answer["count_is_capped"]) == (5, False)
    assert (page(viewer, "article")["count"], page(viewer, "article")["count_is_capped"]) == (6, False)


def test_a_cursor_walk_reaches_every_match(viewer, monkeypatch):
    monkeypatch.setattr(search, "CAP", 2)
    articles = [f.ArticleFactory(title=f"Ceasefire talks, round {n}") for n in range(4)]
    answer = page(viewer, "article", search="ceasefire", pagination="cursor", page_size=10)
    assert [row["id"] for row in answer["results"]] == [a.id for a in articles]
    assert "count" not in answer


def test_records_searches_are_capped_too(viewer, monkeypatch):
    monkeypatch.setattr(search, "CAP", 2)
    for n in range(3):
        f.MeetingFactory(title=f"Working dinner {n}")
    proposals = [f.ProposalFactory(title=f"Bridging proposal {n}", summary="") for n in range(3)]
    f.TermFactory(proposal=proposals[0], text="Aid trucks enter daily.")
    assert page(viewer, "meeting", search="dinner")["count_is_capped"] is True
    answer = page(viewer, "proposal", search="trucks")
    assert (answer["count"], answer["count_is_capped"], answer["results"][0]["id"]) == (1, False, proposals[0].id)
