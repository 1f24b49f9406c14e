import pytest

from actors.models import Alias
from news.models import Mention
from news.pipeline.mentions import (
    AliasMatcher,
    Match,
    current_matcher,
    invalidate,
    mention_source,
    normalise,
)
from news.services import article_redetect_mentions
from tests.factories import ActorFactory, ArticleFactory

NETANYAHU, HAMAS, UN, CAIRO, ISRAEL, GAZA, IRAN, US, TRUMP, GOVERNMENT, ABBAS_PA, ABBAS_OTHER = range(1, 13)

ALIASES = [
    (101, NETANYAHU, "Netanyahu"),
    (102, NETANYAHU, "Benjamin Netanyahu"),
    (103, NETANYAHU, "نتنياهو"),
    (104, NETANYAHU, "נתניהו"),
    (105, HAMAS, "Hamas"),
    (106, HAMAS, "حماس"),
    (107, UN, "الأمم المتحدة"),
    (108, CAIRO, "القاهرة"),
    (109, ISRAEL, "إسرائيل"),
    (110, GAZA, "غزة"),
    (111, IRAN, "ایران"),  # Persian spelling: ye U+06CC
    (112, US, "الولايات المتحدة"),
    (113, TRUMP, "Trump"),
    (114, GOVERNMENT, "Netanyahu government"),
    (115, ABBAS_PA, "Abbas"),
    (116, ABBAS_OTHER, "Abbas"),
    (117, UN, "UN"),
]


@pytest.fixture(scope="module")
def matcher():
    return AliasMatcher(ALIASES)


def found(matcher, text):
    """(actor, matched text) of every match, after checking each offset against the original text."""
    matches = matcher.find(text)
    for match in matches:
        assert text[match.start : match.end] == match.matched_text
    return [(match.actor_id, match.matched_text) for match in matches]


# --- normalise --------------------------------------------------------------------------


def test_normalise_keeps_a_map_to_the_original_text():
    text = "Straße’s"
    folded, index = normalise(text)
    assert folded == "strasse's"
    assert len(index) == len(folded) + 1
    assert index[-1] == len(text)
    assert [text[i] for i in index[:-1]] == ["S", "t", "r", "a", "ß", "ß", "e", "’", "s"]


def test_normalise_removes_arabic_diacritics_and_unifies_letter_variants():
    text = "نَتَنْيَاهُو إسرائيل غـزة ایران"
    folded, index = normalise(text)
    assert folded == "نتنياهو اسراييل غزه ايران"  # hamza on ya (ئ) → ya too
    assert text[index[1]] == "ت"  # past the fatha deleted after the first letter
    assert index[-1] == len(text)


def test_normalise_identity_map_on_plain_text():
    assert normalise("Hamas said") == ("hamas said", list(range(11)))


# --- Latin script -----------------------------------------------------------------------


def test_possessives_straight_and_curly(matcher):
    text = "Netanyahu's office, Netanyahu’s aides and Hamas' negotiators; Netanyahuʼs envoy"
    assert found(matcher, text) == [
        (NETANYAHU, "Netanyahu"),
        (NETANYAHU, "Netanyahu"),
        (HAMAS, "Hamas"),
        (NETANYAHU, "Netanyahu"),
    ]


def test_case_insensitive(matcher):
    assert found(matcher, "HAMAS and hamas and hAmAs") == [(HAMAS, "HAMAS"), (HAMAS, "hamas"), (HAMAS, "hAmAs")]


def test_no_match_inside_a_longer_word(matcher):
    assert found(matcher, "Hamasville, antiHamas, a Trumpet, Trumpism, UNRWA, Sun") == []


def test_punctuation_and_hyphens_are_boundaries(matcher):
    text = "(Hamas)-led talks; pro-Trump rally; the UN."
    assert found(matcher, text) == [(HAMAS, "Hamas"), (TRUMP, "Trump"), (UN, "UN")]


def test_longest_match_wins_over_a_contained_alias(matcher):
    assert found(matcher, "Benjamin Netanyahu spoke.") == [(NETANYAHU, "Benjamin Netanyahu")]
    # Contained in a longer alias of another actor: the longer one wins too.
    assert found(matcher, "The Netanyahu government fell.") == [(GOVERNMENT, "Netanyahu government")]


def test_partial_overlaps_are_all_kept(matcher):
    text = "Benjamin Netanyahu government"
    assert found(matcher, text) == [(NETANYAHU, "Benjamin Netanyahu"), (GOVERNMENT, "Netanyahu government")]


def test_alias_spaces_match_any_whitespace(matcher):
    text = "Benjamin\nNetanyahu and Benjamin\u00a0Netanyahu"
    assert [actor for actor, _ in found(matcher, text)] == [NETANYAHU, NETANYAHU]
    assert [len(text_) for _, text_ in found(matcher, text)] == [18, 18]


def test_an_ambiguous_alias_gives_one_match_per_actor(matcher):
    matches = matcher.find("Abbas arrived.")
    assert matches == [
        Match(actor_id=ABBAS_PA, alias_id=115, start=0, end=5, matched_text="Abbas"),
        Match(actor_id=ABBAS_OTHER, alias_id=116, start=0, end=5, matched_text="Abbas"),
    ]


def test_two_aliases_of_one_actor_on_one_span_give_one_match():
    for aliases in ([(1, 1, "اسرائيل"), (2, 1, "إسرائيل")], [(2, 1, "إسرائيل"), (1, 1, "اسرائيل")]):
        matches = AliasMatcher(aliases).find("اسرائيل")
        assert matches == [Match(actor_id=1, alias_id=1, start=0, end=7, matched_text="اسرائيل")]


def test_short_and_numeric_aliases_are_ignored():
    matcher = AliasMatcher([(1, 1, "X"), (2, 2, "1701"), (3, 3, " 7 "), (4, 4, "G7")])
    assert matcher.alias_count == 1
    assert [m.actor_id for m in matcher.find("X voted for resolution 1701 at the G7")] == [4]


def test_an_empty_matcher_finds_nothing():
    assert AliasMatcher([]).find("Hamas") == []


# --- Arabic, Hebrew, Persian -------------------------------------------------------------


def test_arabic_diacritics_removed_and_offsets_cover_them(matcher):
    text = "قال نَتَنْيَاهُو إن حَمَاسٌ"
    assert found(matcher, text) == [(NETANYAHU, "نَتَنْيَاهُو"), (HAMAS, "حَمَاسٌ")]


def test_arabic_letter_variants(matcher):
    text = "اسرائيل وإسرائيل، غزة وغزه"
    assert found(matcher, text) == [
        (ISRAEL, "اسرائيل"),
        (ISRAEL, "إسرائيل"),
        (GAZA, "غزة"),
        (GAZA, "غزه"),
    ]


def test_arabic_tatweel_is_ignored(matcher):
    assert found(matcher, "غـــزة") == [(GAZA, "غـــزة")]


def test_arabic_attached_prefixes(matcher):
    text = "ونتنياهو لحماس بالقاهرة والولايات المتحدة فبإسرائيل"
    assert found(matcher, text) == [
        (NETANYAHU, "نتنياهو"),
        (HAMAS, "حماس"),
        (CAIRO, "القاهرة"),
        (US, "الولايات المتحدة"),
        (ISRAEL, "إسرائيل"),
    ]


def test_arabic_lam_before_the_article_elides_the_alef(matcher):
    text = "رسالة للأمم المتحدة وللأمم المتحدة"
    assert found(matcher, text) == [(UN, "لأمم المتحدة"), (UN, "لأمم المتحدة")]


def test_arabic_letters_outside_the_prefix_list_are_part_of_another_word(matcher):
    # ت is no prefix; "الحماس" is "the zeal" (a bare name never takes the article);
    # "بلامم" is not the elided form (only ل، ول، فل).
    assert found(matcher, "تنتنياهو الحماس بلأمم المتحدة وبلحماس") == []


def test_hebrew_alias_with_and_without_prefix(matcher):
    text = "נתניהו אמר, ונתניהו הוסיף; לנתניהו"
    assert found(matcher, text) == [(NETANYAHU, "נתניהו")] * 3
    assert found(matcher, "נְתַנְיָהוּ") == [(NETANYAHU, "נְתַנְיָהוּ")]  # niqqud ignored


def test_persian_and_arabic_spellings_of_iran(matcher):
    assert found(matcher, "ایران ايران إيران") == [(IRAN, "ایران"), (IRAN, "ايران"), (IRAN, "إيران")]


def test_offsets_index_the_original_text_in_mixed_text(matcher):
    text = "Straße — نَتَنْيَاهُو met Hamas’ envoy in بالقاهرة"
    matches = matcher.find(text)
    assert [text[m.start : m.end] for m in matches] == ["نَتَنْيَاهُو", "Hamas", "القاهرة"]
    assert [m.matched_text for m in matches] == ["نَتَنْيَاهُو", "Hamas", "القاهرة"]


# --- Database: the current matcher, and article_redetect_mentions ---------------------------------


@pytest.fixture(autouse=True)
def fresh_matcher_cache():
    invalidate()
    yield
    invalidate()


@pytest.mark.django_db
def test_an_alias_added_between_two_articles_is_found_without_restarting():
    hamas = ActorFactory(name="Hamas")
    Alias.objects.create(actor=hamas, name="Hamas")
    article = ArticleFactory(title="Talks", text="Hamas and the PIJ replied.")
    assert article_redetect_mentions(article=article) == 1
    pij = ActorFactory(name="Palestinian Islamic Jihad")
    Alias.objects.create(actor=pij, name="PIJ")
    assert article_redetect_mentions(article=article) == 2
    assert set(article.mentions.values_list("actor", flat=True)) == {hamas.pk, pij.pk}


@pytest.mark.django_db
def test_an_alias_changed_or_deleted_applies_to_the_next_article():
    actor = ActorFactory()
    old = Alias.objects.create(actor=actor, name="Hamas")
    Alias.objects.create(actor=actor, name="Harakat al-Muqawama")
    assert [m.actor_id for m in current_matcher().find("Hamas")] == [actor.pk]
    old.delete()  # neither the newest alias nor the last changed: only the count moves
    assert current_matcher().find("Hamas") == []
    renamed = Alias.objects.get(name="Harakat al-Muqawama")
    renamed.name = "Islamic Resistance Movement"
    renamed.save()
    assert current_matcher().find("Harakat al-Muqawama") == []
    assert [m.alias_id for m in current_matcher().find("the Islamic Resistance Movement")] == [renamed.pk]


@pytest.mark.django_db
def test_the_matcher_is_rebuilt_only_when_aliases_change(django_assert_num_queries):
    Alias.objects.create(actor=ActorFactory(), name="Hamas")
    with django_assert_num_queries(2):  # the version stamp; the aliases
        first = current_matcher()
    with django_assert_num_queries(1):  # the version stamp
        assert current_matcher() is first
    Alias.objects.create(actor=ActorFactory(), name="Qatar")
    assert current_matcher() is not first


@pytest.mark.django_db
def test_redetecting_mentions_stores_offsets_into_title_and_text():
    israel = ActorFactory(name="Israel")
    hamas = ActorFactory(name="Hamas")
    Alias.objects.create(actor=israel, name="Israel", language="en")
    Alias.objects.create(actor=israel, name="إسرائيل", language="ar")
    hamas_alias = Alias.objects.create(actor=hamas, name="Hamas", language="en")
    article = ArticleFactory(title="Hamas replies", text="Israel’s team and وإسرائيل; Hamas’ answer.")
    assert article_redetect_mentions(article=article) == 4
    source = mention_source(article)
    assert source == "Hamas replies\n\nIsrael’s team and وإسرائيل; Hamas’ answer."
    rows = list(article.mentions.order_by("start").values_list("actor", "alias", "start", "end", "matched_text"))
    assert [(actor, source[start:end], text) for actor, _alias, start, end, text in rows] == [
        (hamas.pk, "Hamas", "Hamas"),
        (israel.pk, "Israel", "Israel"),
        (israel.pk, "إسرائيل", "إسرائيل"),
        (hamas.pk, "Hamas", "Hamas"),
    ]
    assert rows[0][1] == hamas_alias.pk
    assert rows[0][2] < len(article.title) < rows[1][2]
    text_start = rows[1][2] - len(article.title) - 2
    assert article.text[text_start : text_start + 6] == "Israel"


@pytest.mark.django_db
def test_redetecting_mentions_is_idempotent_and_replaces_old_rows():
    hamas = ActorFactory()
    Alias.objects.create(actor=hamas, name="Hamas")
    alias = Alias.objects.create(actor=ActorFactory(), name="Qatar")
    article = ArticleFactory(title="Qatar", text="Hamas met in Qatar.")
    assert article_redetect_mentions(article=article) == 3
    first = sorted(Mention.objects.filter(article=article).values_list("actor", "alias", "start", "end"))
    assert article_redetect_mentions(article=article) == 3
    assert sorted(Mention.objects.filter(article=article).values_list("actor", "alias", "start", "end")) == first
    alias.delete()
    assert article_redetect_mentions(article=article) == 1
    assert list(Mention.objects.filter(article=article).values_list("actor", flat=True)) == [hamas.pk]


@pytest.mark.django_db
def test_an_ambiguous_alias_stores_a_mention_per_actor():
    first, second = ActorFactory(), ActorFactory()
    Alias.objects.create(actor=first, name="Abbas")
    Alias.objects.create(actor=second, name="Abbas")
    article = ArticleFactory(title="", text="Abbas spoke.")
    assert article_redetect_mentions(article=article) == 2
    assert sorted(article.mentions.values_list("actor", "start", "end")) == [(first.pk, 2, 7), (second.pk, 2, 7)]


@pytest.mark.django_db
def test_redetecting_mentions_queries(django_assert_num_queries, settings):
    settings.INGEST_BATCH_HOOKS = []  # news's own queries (review's hook: tests/review/test_scoring.py)
    Alias.objects.create(actor=ActorFactory(), name="Hamas")
    article = ArticleFactory(text="Hamas replied.")
    current_matcher()
    # The version stamp; savepoint; lock the article; delete its mentions; insert the new
    # ones; store its relevance; release the savepoint.
    with django_assert_num_queries(7):
        assert article_redetect_mentions(article=article) == 1
