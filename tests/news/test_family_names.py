"""Family names (news/pipeline/mentions.py): a person named in full once is found by family name alone every
time, where that family name is unambiguous among the actors; never where it is not, or where the person is
not named in full."""

import pytest

from actors.models import Actor, Alias
from news.pipeline.mentions import AliasMatcher, current_matcher, family_name_keys
from tests.factories import ActorFactory, ArticleFactory

NETANYAHU, WITKOFF, TRUMP, ODEH, KATZ_A, KATZ_B, KATZ_TOWN, ISRAEL = range(1, 9)

ALIASES = [
    (1, NETANYAHU, "Benjamin Netanyahu"),
    (2, NETANYAHU, "بنيامين نتنياهو"),
    (3, NETANYAHU, "Bibi"),
    (4, WITKOFF, "Steve Witkoff"),
    (5, WITKOFF, "Steven Witkoff"),
    (6, WITKOFF, "ستيف ويتكوف"),
    (7, TRUMP, "Donald Trump"),
    (8, TRUMP, "Donald J. Trump"),
    (9, ODEH, "نور عودة"),
    (10, KATZ_A, "Yisrael Katz"),
    (11, KATZ_B, "Haim Katz"),
    (12, KATZ_TOWN, "Benjamin"),  # a one-word alias: no family name of its own
    (13, ISRAEL, "Israel"),
]
PEOPLE = {NETANYAHU, WITKOFF, TRUMP, ODEH, KATZ_A, KATZ_B}


@pytest.fixture(scope="module")
def matcher():
    return AliasMatcher(ALIASES, people=PEOPLE)


def found(matcher, text):
    matches = matcher.find(text)
    for match in matches:
        assert text[match.start : match.end] == match.matched_text
    return [(match.actor_id, match.matched_text) for match in matches]


def test_a_family_name_is_found_every_time_after_the_full_name(matcher):
    text = "Benjamin Netanyahu met Steve Witkoff. Netanyahu thanked Witkoff; later Netanyahu’s aides and Witkoff's team"
    assert found(matcher, text) == [
        (NETANYAHU, "Benjamin Netanyahu"),
        (WITKOFF, "Steve Witkoff"),
        (NETANYAHU, "Netanyahu"),
        (WITKOFF, "Witkoff"),
        (NETANYAHU, "Netanyahu"),
        (WITKOFF, "Witkoff"),
    ]


def test_the_family_name_counts_before_the_full_name_too_as_in_a_headline(matcher):
    text = "Trump hosts Netanyahu\n\nDonald J. Trump received Benjamin Netanyahu at the White House."
    assert [actor for actor, _ in found(matcher, text)] == [TRUMP, NETANYAHU, TRUMP, NETANYAHU]
    match = matcher.find(text)[0]
    assert match.alias_id == 7  # the person's lowest alias the family name comes from


def test_a_family_name_alone_is_not_a_mention(matcher):
    assert found(matcher, "Netanyahu and Witkoff spoke; Trump was briefed.") == []
    # "عودة" is also "return": without "نور عودة" in the text it is not the reporter.
    assert found(matcher, "عودة النازحين إلى شمال غزة") == []


def test_arabic_family_names_with_attached_prefixes(matcher):
    text = "التقى بنيامين نتنياهو المبعوث ستيف ويتكوف، وقال نتنياهو إن لويتكوف دورا، وشكره ونتنياهو"
    assert found(matcher, text) == [
        (NETANYAHU, "بنيامين نتنياهو"),
        (WITKOFF, "ستيف ويتكوف"),
        (NETANYAHU, "نتنياهو"),
        (WITKOFF, "ويتكوف"),  # after ل
        (NETANYAHU, "نتنياهو"),  # after و
    ]


def test_a_family_name_two_actors_share_is_never_used(matcher):
    text = "Yisrael Katz and Haim Katz disagreed. Katz said no."
    assert found(matcher, text) == [(KATZ_A, "Yisrael Katz"), (KATZ_B, "Haim Katz")]


def test_family_names_are_derived_for_people_only_and_never_shadow_another_actors_alias():
    aliases = [
        (1, 1, "Benjamin Netanyahu"),
        (2, 2, "Netanyahu government"),  # an organisation: its last word is no family name
        (3, 3, "Donald Trump"),
        (4, 4, "Trump"),  # another actor's alias: "Trump" stays that actor's alone
        (5, 5, "Ahmed al-Sharaa"),
        (6, 5, "Abu Mohammad al-Jolani"),
        (7, 6, "Mr X"),  # too short to be safe
    ]
    keys = family_name_keys(aliases, people={1, 3, 5, 6})
    assert keys == {"netanyahu": (1, 1), "al-sharaa": (5, 5), "al-jolani": (6, 5)}


@pytest.mark.django_db
def test_the_process_matcher_knows_which_actors_are_people():
    person = ActorFactory(name="Steve Witkoff", slug="witkoff", kind=Actor.Kind.PERSON)
    group = ActorFactory(name="Islamic Resistance Movement", slug="irm", kind=Actor.Kind.ARMED_GROUP)
    Alias.objects.create(actor=person, name="Steve Witkoff", language="en")
    Alias.objects.create(actor=group, name="Islamic Resistance Movement", language="en")
    article = ArticleFactory(
        title="Envoy", text="Steve Witkoff met the Islamic Resistance Movement. Witkoff and the Movement."
    )
    matches = current_matcher().find(article.text)
    assert [match.matched_text for match in matches] == [
        "Steve Witkoff",
        "Islamic Resistance Movement",
        "Witkoff",
    ]
