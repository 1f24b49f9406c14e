"""Suggestion quality on the demo record: the labelled set's precision at the configured threshold, the
White House scenario of July 2025, dates, key terms, track relevance, the cap, and the admin's pre-ticking."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from negotiations import demo
from negotiations.models import Proposal, StickingPoint
from news import services as news_services
from news.models import Article
from review import quality, scoring
from review.models import Suggestion
from tests import factories as f

pytestmark = pytest.mark.django_db

DINNER = "Trump–Netanyahu working dinner at the White House"
SECOND = "Unannounced second Trump–Netanyahu meeting"

# Written for this test: the article a new user accepted in issue 13, about the meetings of 7 and 8 July 2025.
WHITE_HOUSE = (
    "Benjamin Netanyahu left Washington on Wednesday after two sessions with Donald Trump in as many days: a "
    "working dinner at the White House on Monday evening and a second, unannounced meeting on Tuesday that ran "
    "for about ninety minutes. Steve Witkoff, the president's envoy, joined part of the talks and is due in Doha "
    "later this week, where indirect negotiations between Israel and Hamas continue with Qatar and Egypt passing "
    "messages between the delegations. Witkoff's 60-day truce plan would see ten living hostages freed. "
    "According to officials briefed on the Doha talks, the deal is held up by the question of where Israeli "
    "troops stand during the pause. Hamas wants the army to withdraw to the lines it held before the March "
    "offensive, while Israel refuses to pull back from the Philadelphi corridor and wants to keep the Morag "
    "corridor too. Netanyahu told reporters the withdrawal maps were not the only obstacle but declined to say "
    "more. Trump said he expected an agreement on Gaza soon."
)


@pytest.fixture
def demo_record():
    demo.load()


def process(title: str, text: str, published_at: datetime.datetime) -> Article:
    """An article through processing (extraction, mentions, the review hook), as ingestion runs it."""
    article = f.ArticleFactory(
        title=title,
        summary="Short.",
        raw_html=f"<html><body><article><h1>{title}</h1><p>{text}</p></article></body></html>",
        published_at=published_at,
    )
    outcome = news_services.articles_process(article_ids=[article.pk])
    assert list(outcome.processed) == [article.pk]
    return article


def suggested(article: Article) -> dict[str, Suggestion]:
    """The article's stored suggestions, keyed by the label the labelled set uses for their record."""
    labels = quality.record_labels()
    return {
        labels[(suggestion.content_type.model_class(), suggestion.object_id)]: suggestion
        for suggestion in Suggestion.objects.filter(article=article).select_related("content_type")
    }


def preselected(article: Article) -> set[str]:
    threshold = settings.SUGGESTION_PRESELECT_THRESHOLD
    return {label for label, suggestion in suggested(article).items() if suggestion.score >= threshold}


# --- The labelled set -------------------------------------------------------------------------------


def test_the_labelled_set_holds_sixty_articles_in_english_and_arabic_labelled_with_demo_records(demo_record):
    articles = quality.load_labelled()
    assert len(articles) >= 60
    assert {article.language for article in articles} == {"en", "ar"}
    assert sum(article.language == "ar" for article in articles) >= 15
    labels = set(quality.record_labels().values())
    assert set().union(*(article.supports for article in articles)) <= labels
    assert any(not article.supports for article in articles), "some articles name actors but support nothing"


def test_at_the_configured_threshold_nine_in_ten_preselected_suggestions_are_right(demo_record):
    results = quality.evaluate(quality.load_labelled())
    configured = quality.figures_at(results, settings.SUGGESTION_PRESELECT_THRESHOLD)
    assert configured.precision >= quality.TARGET_PRECISION, configured
    assert configured.recall >= 0.7, configured  # pre-selecting next to nothing would be precise, and useless
    chosen = quality.choose_threshold(results)
    assert chosen is not None and chosen.threshold == settings.SUGGESTION_PRESELECT_THRESHOLD, (
        "settings.SUGGESTION_PRESELECT_THRESHOLD is not the threshold the labelled set chooses: "
        "run `manage.py suggestion_quality` and update it"
    )


def test_the_threshold_chosen_is_the_lowest_from_which_precision_holds():
    article = quality.LabelledArticle(
        "a", "en", datetime.datetime(2025, 7, 8, tzinfo=datetime.UTC), "", "", frozenset({"x"})
    )
    # Right at 0.9 and 0.5; wrong at 0.7 (precision 2/3 from 0.5 up) and at 0.3.
    results = [quality.Scored(article, [("x", 0.9), ("y", 0.7), ("x", 0.5), ("z", 0.3)])]
    chosen = quality.choose_threshold(results, candidates=(0.3, 0.5, 0.6, 0.8, 0.9))
    assert chosen.threshold == 0.8 and chosen.precision == 1.0
    assert quality.choose_threshold([quality.Scored(article, [("y", 0.9)])], candidates=(0.5, 0.9)) is None


def test_the_report_command_loads_the_demo_into_an_empty_database_and_prints_the_table(tmp_path):
    out = io.StringIO()
    call_command("suggestion_quality", stdout=out)
    report = out.getvalue()
    assert "demo data loaded" in report and Proposal.objects.filter(slug="witkoff-60-day-truce").exists()
    assert "threshold  pre-selected  right  precision  recall" in report
    assert f"Chosen: {settings.SUGGESTION_PRESELECT_THRESHOLD:.2f}" in report

    broken = tmp_path / "labels.json"
    broken.write_text(json.dumps({"articles": [{"key": "a", "supports": ["meeting:No such meeting"]}]}))
    with pytest.raises(CommandError, match="not well formed"):
        call_command("suggestion_quality", data=str(broken), stdout=io.StringIO())
    entry = {
        "key": "a",
        "language": "en",
        "published_at": "2025-07-08T00:00:00+00:00",
        "title": "T",
        "text": "Hamas.",
        "supports": ["meeting:No such meeting"],
    }
    broken.write_text(json.dumps({"articles": [entry]}))
    with pytest.raises(CommandError, match="No such meeting"):
        call_command("suggestion_quality", data=str(broken), stdout=io.StringIO())


# --- The White House scenario (issue 13) ------------------------------------------------------------


def test_the_white_house_article_of_july_2025_preselects_what_it_supports_and_nothing_else(demo_record):
    article = process(
        "Netanyahu leaves Washington without a truce as withdrawal maps stall Doha talks",
        WHITE_HOUSE,
        datetime.datetime(2025, 7, 9, 14, tzinfo=datetime.UTC),
    )
    chosen = preselected(article)
    assert {
        f"meeting:{DINNER}",
        f"meeting:{SECOND}",
        "proposal:witkoff-60-day-truce",
        "sticking_point:gaza-truce-withdrawal-lines",
    } <= chosen
    # Wrong in the issue: the Lebanon truce of November 2024, the agreement of October 2025, the other tracks.
    assert "proposal:israel-hezbollah-ceasefire-november-2024" not in chosen
    assert "proposal:gaza-ceasefire-october-2025" not in suggested(article)  # signed after the article
    assert not {label for label in chosen if label.startswith("sticking_point:")} - {
        "sticking_point:gaza-truce-withdrawal-lines"
    }
    assert len(chosen) <= 6
    assert len(suggested(article)) <= scoring.MAX_SUGGESTIONS

    reasons = suggested(article)[f"meeting:{DINNER}"].reasons
    assert "Named: Benjamin Netanyahu, Donald Trump (2 of 2 participants)" in reasons
    assert "Held 7 July 2025, a day the article names" in reasons
    point = " ".join(suggested(article)["sticking_point:gaza-truce-withdrawal-lines"].reasons)
    assert "withdrawal (“withdrawal”)" in point and "Named on its track: Egypt, Hamas, Israel, Qatar" in point


def test_suggestions_are_stored_best_first_and_capped(demo_record, monkeypatch):
    monkeypatch.setattr(scoring, "MAX_SUGGESTIONS", 3)
    article = process("Two meetings", WHITE_HOUSE, datetime.datetime(2025, 7, 9, 14, tzinfo=datetime.UTC))
    scores = list(Suggestion.objects.filter(article=article).order_by("-score").values_list("score", flat=True))
    assert len(scores) == 3
    article.refresh_from_db()  # its text, as extracted
    items = [(article, set(article.mentions.values_list("actor_id", flat=True)))]
    ranked = [suggestion.score for suggestion in scoring.score_articles(items)[0][0]]
    assert ranked == sorted(ranked, reverse=True) == scores


# --- Dates ------------------------------------------------------------------------------------------


def test_a_proposal_first_dated_after_the_article_is_never_suggested(demo_record):
    text = (
        "Israel and Hamas are far apart on disarming the movement. A stabilisation force and a peace council "
        "for the second phase are discussed, with Israeli withdrawal in stages. Disarmament remains the key."
    )
    july = process("Disarmament talks", text, datetime.datetime(2025, 7, 20, 12, tzinfo=datetime.UTC))
    october = process("Disarmament talks", text, datetime.datetime(2025, 10, 12, 12, tzinfo=datetime.UTC))
    assert "proposal:gaza-ceasefire-october-2025" not in suggested(july)
    assert suggested(october)["proposal:gaza-ceasefire-october-2025"].score > 0.3
    # The stabilisation force sticking point, first on record in December, is no subject for July either.
    assert "sticking_point:gaza-stabilisation-force" not in suggested(july)


def test_a_record_far_from_the_articles_date_scores_low(demo_record):
    text = (
        "Hezbollah has not disarmed as the ceasefire with Israel requires; Israel says Lebanon lacks resolve "
        "and its weapons remain. The disarmament deadline set by the United States is near."
    )
    december = process("Hezbollah disarmament", text, datetime.datetime(2025, 12, 29, 8, tzinfo=datetime.UTC))
    march = process("Hezbollah disarmament", text, datetime.datetime(2025, 3, 15, 8, tzinfo=datetime.UTC))
    lebanon = "proposal:israel-hezbollah-ceasefire-november-2024"
    assert lebanon in preselected(december)
    far = suggested(march).get(lebanon)
    assert far is None or far.score < suggested(december)[lebanon].score / 3


def test_the_day_an_article_names_picks_the_meeting(demo_record):
    monday = process(
        "Dinner at the White House",
        "Donald Trump and Benjamin Netanyahu talked over dinner at the White House on Monday evening.",
        datetime.datetime(2025, 7, 8, 4, tzinfo=datetime.UTC),
    )
    tuesday = process(
        "Second meeting",
        "Donald Trump and Benjamin Netanyahu held an unannounced meeting on Tuesday, their second in two days.",
        datetime.datetime(2025, 7, 9, 4, tzinfo=datetime.UTC),
    )
    assert f"meeting:{DINNER}" in preselected(monday) and f"meeting:{SECOND}" not in preselected(monday)
    assert f"meeting:{SECOND}" in preselected(tuesday)


# --- Key terms and track relevance ------------------------------------------------------------------


def test_a_sticking_point_needs_its_key_terms_in_english_or_arabic(demo_record):
    when = datetime.datetime(2025, 7, 11, 12, tzinfo=datetime.UTC)
    without = process("Talks go on", "Israel and Hamas talk in Doha through Qatar and Egypt. " * 3, when)
    assert not {label for label in suggested(without) if label.startswith("sticking_point:")}
    arabic = process(
        "خلاف على توزيع المساعدات",
        "تطالب حماس بأن تتولى الأمم المتحدة توزيع المساعدات في غزة بدلا من مؤسسة غزة الإنسانية، وترفض إسرائيل "
        "ذلك وتريد نقاط توزيع في مناطق سيطرة جيشها.",
        when,
    )
    assert "sticking_point:gaza-aid-distribution" in preselected(arabic)


def test_the_actors_named_choose_the_track(demo_record):
    when = datetime.datetime(2025, 12, 29, 8, tzinfo=datetime.UTC)
    text = "{} must disarm, Israel says: the weapons must go, and disarmament cannot wait. Its arms are a threat."
    hamas = process("Disarmament", text.format("Hamas"), when)
    hezbollah = process("Disarmament", text.format("Hezbollah in Lebanon"), when)
    gaza, lebanon = "sticking_point:gaza-hamas-disarmament", "sticking_point:hezbollah-disarmament"
    assert gaza in preselected(hamas) and lebanon not in preselected(hamas)
    assert lebanon in preselected(hezbollah) and gaza not in preselected(hezbollah)


# --- The admin's accept page ------------------------------------------------------------------------


def test_the_admin_accept_page_ticks_suggestions_from_the_configured_threshold(client_for, settings):
    settings.SUGGESTION_PRESELECT_THRESHOLD = 0.6
    article = f.ArticleFactory(title="Dinner")
    low, high = f.MeetingFactory(title="Low meeting"), f.MeetingFactory(title="High meeting")
    kept = []
    for meeting, score in [(low, 0.55), (high, 0.65)]:
        kept.append(Suggestion.objects.create(article=article, record=meeting, score=score, reasons=["Named: someone"]))
    page = client_for("editor").post(
        reverse("admin:news_article_changelist"), {"action": "accept", "_selected_action": [article.pk]}
    )
    html = page.content.decode()
    assert f'value="{kept[1].pk}" checked' in html
    assert f'value="{kept[0].pk}">' in html and f'value="{kept[0].pk}" checked' not in html
    assert "Suggestions scoring 0.60 or more are ticked in advance." in html


def test_a_batch_whose_pools_are_cut_scores_each_article_as_it_would_alone(demo_record, monkeypatch):
    """With room for one candidate an article, the batch's pool of sticking points holds the Lebanon and Iran
    ones (the newest) and the Saudi article fetches its own: that record, new to the batch, still gets its
    track's actors and position holders, so it scores as it does alone."""
    from news.pipeline import mentions

    texts = [
        ("Hezbollah has not disarmed; its weapons remain and disarmament is overdue.", 12, 29),
        ("Iran is rebuilding its ballistic missile arsenal and enrichment of uranium goes on.", 7, 12),
        (
            "Saudi Arabia: no normalisation without a Palestinian state; statehood comes first, normalisation later.",
            7,
            12,
        ),
    ]
    matcher = mentions.current_matcher()
    items = []
    for text, month, day in texts:
        article = Article(
            title="Talks", text=text, published_at=datetime.datetime(2025, month, day, tzinfo=datetime.UTC)
        )
        items.append((article, {found.actor_id for found in mentions.find_mentions(article, matcher)}))
    monkeypatch.setattr(scoring, "MAX_CANDIDATES", 1)

    def keyed(result):
        suggestions, relevance = result
        return relevance, [(s.content_type_id, s.object_id, s.score, s.reasons) for s in suggestions]

    alone = [keyed(scoring.score_articles([item])[0]) for item in items]
    assert [keyed(result) for result in scoring.score_articles(items)] == alone
    saudi = StickingPoint.objects.get(slug="palestinian-statehood-normalisation")
    (statehood,) = [entry for entry in alone[2][1] if entry[1] == saudi.pk]
    assert "Named with a position on it: Saudi Arabia" in statehood[3]
