"""An article's language: the page's declaration when the text agrees, else lingua on the body of the text."""

import json
from pathlib import Path

import pytest
import trafilatura
from django.core.exceptions import ImproperlyConfigured

from news import services
from news.models import Article
from news.pipeline import language
from news.pipeline.extract import extract_article
from tests.news import feeds

LABELLED = Path(__file__).parent / "data" / "language_set.json"

ENGLISH = (
    "Mediators from Qatar and Egypt carried messages between the two delegations for a third day on Wednesday. "
    "The draft under discussion provides for a pause of sixty days, the release of detainees in stages and a "
    "gradual pullback of troops from the towns, and officials said the gaps over the withdrawal map had narrowed."
)
# An English situation assessment as its page opens: an Arabic photo caption, then header lines, then the body.
ASSESSMENT = [
    "صورة من اللقاء الأخير بين الرئيس الأميركي ورئيس الوزراء الإسرائيلي في البيت الأبيض",
    "Situation Assessment 12 July, 2025",
    "Will the White House Meetings Open the Way to a Truce?",
    "The Unit for Political Studies",
    "The Unit for Political Studies is the Centre's team for research on the region's urgent questions. It "
    "publishes assessments and papers for readers in government, universities and the press.",
    "Two meetings in one week between the American president and the Israeli prime minister have revived hopes of "
    "a pause in the fighting. This assessment asks what was agreed, what remains open, and whether the mediators "
    "can turn the statements into a written text that both delegations accept.",
    "It finds that pressure from Washington has grown, but that the conditions set by the Israeli cabinet, on "
    "weapons and on the crossings, are still far from what the other side has said it could accept.",
]
BODIES = {
    "ar": "استأنف الوسطاء اتصالاتهم مع الوفدين في الدوحة صباح الثلاثاء، في محاولة لتقريب المواقف حول مراحل "
    "تبادل الأسرى وجدول انسحاب القوات من المناطق السكنية، بحسب مصدر مطلع على المحادثات.",
    "he": "המתווכים חידשו את המגעים עם שתי המשלחות בדוחא ביום שלישי, בניסיון לגשר על הפערים בנוגע לשלבי שחרור "
    "החטופים ולוח הזמנים לנסיגת הכוחות מהאזורים המיושבים.",
    "fr": "Les médiateurs ont repris mardi leurs contacts avec les deux délégations à Doha, afin de rapprocher les "
    "positions sur les étapes de la libération des otages et sur le calendrier du retrait des troupes.",
    "ru": "Посредники во вторник возобновили контакты с обеими делегациями в Дохе, пытаясь сблизить позиции по "
    "этапам освобождения заложников и графику отвода войск из жилых районов.",
}


def page(lines: list[str], *, lang: str | None = None) -> str:
    declared = f' lang="{lang}"' if lang is not None else ""
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    return (
        f'<!doctype html><html{declared}><head><meta charset="utf-8"><title>Page</title></head>'
        f"<body><article>{paragraphs}</article></body></html>"
    )


def test_the_declared_language_is_used_when_the_text_agrees():
    decision = language.decide(BODIES["fr"], ["fr-FR"])
    assert decision == language.Decision("fr", "declared")


def test_a_declaration_the_text_contradicts_is_overridden():
    assert language.decide(ENGLISH, ["ar"]) == language.Decision("en", "detected")
    result = extract_article(page(ENGLISH.split(". ")), url="https://news.example/a", declared_languages=[])
    assert result.language == "en"
    assert extract_article(page(ENGLISH.split(". "), lang="ar"), url="https://news.example/a").language == "en"


def test_an_english_assessment_opening_with_a_caption_and_header_lines_is_english():
    assert language.decide("\n".join(ASSESSMENT)).language == "en"  # no declaration: the body decides
    assert language.decide("\n".join(ASSESSMENT), ["en"]) == language.Decision("en", "declared")
    assert extract_article(page(ASSESSMENT, lang="en"), url="https://centre.example/assessment").language == "en"
    assert extract_article(page(ASSESSMENT), url="https://centre.example/assessment").language == "en"


@pytest.mark.parametrize("code", sorted(BODIES))
def test_arabic_hebrew_french_and_russian_bodies(code):
    assert language.decide(BODIES[code]) == language.Decision(code, "detected")
    # Behind a dateline and English header lines, the body still decides.
    text = f"Live updates\nBREAKING NEWS\nDOHA, July 9 (Wire)\n{BODIES[code]}"
    assert language.decide(text).language == code


def test_mixed_pages_take_the_language_of_their_body():
    quoted = ENGLISH + " One resident said: «الحمد لله، نمنا الليلة بدون قصف»."
    assert language.decide(quoted, ["en"]).language == "en"
    assert language.decide(quoted).language == "en"
    arabic_under_english_menu = "Home | News | Politics | Opinion | Video | Subscribe | Sign in\n" + BODIES["ar"]
    assert language.decide(arabic_under_english_menu, ["en"]).language == "ar"


def test_the_labelled_set_is_at_least_99_percent_right_and_every_truthful_declaration_holds():
    pages = json.loads(LABELLED.read_text(encoding="utf-8"))["pages"]
    assert len(pages) >= 100
    assert {page["language"] for page in pages} == {"en", "ar", "he", "fr", "ru"}
    wrong, truthful_wrong = [], []
    for each in pages:
        found = language.decide("\n".join(each["lines"]), [each["declared"]], languages=("ar", "en", "fr", "he", "ru"))
        if found.language != each["language"]:
            wrong.append(each["id"])
            if language.primary_language(each["declared"]) == each["language"]:
                truthful_wrong.append(each["id"])
    assert len(wrong) <= len(pages) * 0.01, wrong
    assert truthful_wrong == []


def test_a_declared_language_outside_the_configured_set_is_kept_in_its_script():
    german = "Die Vermittler setzten am Dienstag ihre Gespräche mit beiden Delegationen in Doha fort und legten einen "
    german += "neuen Zeitplan für die Freilassung der Geiseln vor."
    assert language.decide(german, ["de-DE"]) == language.Decision("de", "declared")
    assert language.decide(BODIES["ar"], ["de"]).language == "ar"  # not in the Latin script German is written in
    chinese = "调解人周二在多哈继续与两个代表团会谈，试图缩小双方在释放人质阶段和撤军时间表上的分歧。" * 2
    assert language.decide(chinese) == language.Decision("", "detected")  # Chinese is not configured


def test_too_little_text_takes_the_first_declaration():
    assert language.decide("Oui.", ["", "fr", "en"]) == language.Decision("fr", "declared")
    assert language.decide("Oui.") == language.Decision("", "")


@pytest.mark.parametrize(
    "tag,expected",
    [("en-GB", "en"), ("EN_us", "en"), ("iw", "he"), ("ar", "ar"), ("", ""), ("x", ""), ("en fr", ""), (None, "")],
)
def test_language_tags(tag, expected):
    assert language.primary_language(tag) == expected


def test_header_and_page_declarations():
    assert language.header_language("fr-CA") == "fr"
    assert language.header_language("en, fr") == ""  # several: says nothing of this page
    html = '<html><head><meta http-equiv="Content-Language" content="ru"></head><body></body></html>'
    assert language.page_language(trafilatura.load_html(html)) == "ru"
    assert language.page_language(trafilatura.load_html(page(["x"], lang="he-IL"))) == "he"


def test_unknown_configured_languages_are_refused(settings):
    settings.INGEST_LANGUAGES = ["en", "zz"]
    with pytest.raises(ImproperlyConfigured, match="zz"):
        language.decide(ENGLISH)


# Ingestion, end to end: the page from a local HTTP server, through feed_add and articles_process.


@pytest.fixture(autouse=True)
def no_host_gap(settings):
    settings.INGEST_HOST_MIN_GAP = 0


def ingest(server, path: str, *, feed_language: str = "", description: str = "Short.") -> Article:
    server.route(
        "/feed.xml",
        body=feeds.rss(
            [{"guid": path, "title": "Talks", "link": server.url(path), "description": description}],
            language=feed_language,
        ).encode(),
    )
    _, summary = services.feed_add(url=server.url("/feed.xml"))
    (article_id,) = summary.to_process
    outcome = services.articles_process(article_ids=[article_id])
    assert not outcome.failed and not outcome.busy
    return Article.objects.get(pk=article_id)


@pytest.mark.django_db
def test_ingestion_stores_english_for_the_header_first_assessment(http_server):
    http_server.route("/assessment", body=page(ASSESSMENT, lang="en").encode(), headers={"Content-Type": "text/html"})
    article = ingest(http_server, "/assessment", feed_language="ar")
    assert article.language == "en"


@pytest.mark.django_db
def test_ingestion_overrides_a_false_declaration(http_server):
    http_server.route("/a", body=page(ENGLISH.split(". "), lang="ar").encode(), headers={"Content-Type": "text/html"})
    assert ingest(http_server, "/a", feed_language="ar").language == "en"


@pytest.mark.django_db
def test_ingestion_reads_the_content_language_header(http_server):
    # The page names no language and its text is too short to judge: the header decides, before the feed.
    http_server.route(
        "/short", body=page(["Oui."]).encode(), headers={"Content-Type": "text/html", "Content-Language": "fr"}
    )
    article = ingest(http_server, "/short", feed_language="en", description="Oui, merci.")
    assert article.language == "fr"


@pytest.mark.django_db
def test_ingestion_falls_back_to_the_feeds_language(http_server):
    http_server.route("/short", body=page(["כן."]).encode(), headers={"Content-Type": "text/html"})
    article = ingest(http_server, "/short", feed_language="he-IL", description="כן, תודה.")
    assert article.language == "he"
