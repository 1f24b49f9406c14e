"""Demo dataset: the 2025 Gaza ceasefire talks and the tracks around them, built from five published pieces
(the seed documents in ../shared/seeds).

The data comes first, as plain Python; a short loader at the bottom walks it. Every record cites the piece
it rests on, named as the publication it is (outlet, date, title; no link the tracker cannot vouch for).
The prose is the analyst's own; a citation's quote is a short passage in the source's words. Where a day or
a detail is the analyst's judgement rather than the source's, the record or its citation's note says so,
in words a reader understands ("Analyst's judgement: …").

`load()` is idempotent: each record is found by its natural key and written only when a value differs, so
a second run adds no rows, changes no values and leaves no new history entries.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import models

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
from actors.text import alias_key, nfc

from .models import (
    Citation,
    Figure,
    Meeting,
    Participant,
    Phase,
    Position,
    Proposal,
    ProposalEvent,
    Response,
    StickingPoint,
    StickingPointStatus,
    Term,
    Track,
    TrackActor,
)

D = datetime.date


def at(day: datetime.date, zone: str, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A wall-clock time at the venue as an aware UTC datetime (local noon stands in when only the day is known)."""
    local = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(zone))
    return local.astimezone(datetime.UTC)


# --------------------------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    url: str
    publisher: str
    title: str
    published_on: datetime.date | None
    note: str = ""


@dataclass(frozen=True)
class Cite:
    seed: str
    quote: str = ""
    note: str = ""


SOURCES = {
    "000": Source(
        "",
        "Arab Center for Research and Policy Studies (ACRPS), Unit for Political Studies",
        "Do Trump's Meetings with Netanyahu Signal a Gaza Truce Breakthrough? (Situation Assessment)",
        D(2025, 7, 12),
    ),
    "001": Source(
        "",
        "Al Jazeera",
        "Israel's Netanyahu to discuss fragile Gaza ceasefire with Trump",
        D(2025, 2, 4),
    ),
    "002": Source(
        "",
        "",
        "News report previewing the 29 December 2025 Trump–Netanyahu talks at Mar-a-Lago",
        None,
        "The copy held names neither its outlet nor its date; it previews the Monday 29 December 2025 meeting, "
        "so it was written shortly before. Records dated from it use 28 December 2025 as the report's date.",
    ),
    "003": Source(
        "",
        "",
        "News report on the 7 July 2025 Trump–Netanyahu dinner and the stalled Doha talks",
        None,
        "The copy held names neither its outlet nor its date; its contents place it on 7 or 8 July 2025.",
    ),
    "004": Source(
        "",
        "ANI (Asian News International), citing Al Jazeera",
        "Israel-Hamas truce talks continue in Qatar ahead of Netanyahu-Trump meet",
        D(2025, 7, 7),
    ),
}

# The day records drawn from the undated December preview ("002") are filed under.
DEC_REPORT = D(2025, 12, 28)
ANALYST_DAY = "Analyst's judgement: the source gives only the month; the day is estimated."

# --------------------------------------------------------------------------------------------------------------
# Actors. Each actor's name is also stored as its English alias; the list adds the others.
# --------------------------------------------------------------------------------------------------------------

K = Actor.Kind
ABBR, NICK, FORMER = Alias.Kind.ABBREVIATION, Alias.Kind.NICKNAME, Alias.Kind.FORMER

ACTORS = [
    # States first: people and groups point at them.
    {
        "slug": "united-states",
        "name": "United States",
        "kind": K.STATE,
        "wikidata": "Q30",
        "aliases": [
            ("US", "en", ABBR),
            ("United States of America", "en"),
            ("الولايات المتحدة", "ar"),
            ("الولايات المتحدة الأمريكية", "ar"),
        ],
        "description": "Party to the nuclear talks with Iran; mediator on the Gaza, Syria and Lebanon tracks.",
        "cites": [Cite("000"), Cite("002")],
    },
    {
        "slug": "israel",
        "name": "Israel",
        "kind": K.STATE,
        "wikidata": "Q801",
        "aliases": [("إسرائيل", "ar"), ("ישראל", "he")],
        "description": "Party to the Gaza, Lebanon and Syria tracks.",
        "cites": [Cite("000"), Cite("002")],
    },
    {
        "slug": "qatar",
        "name": "Qatar",
        "kind": K.STATE,
        "wikidata": "Q846",
        "aliases": [("قطر", "ar"), ("State of Qatar", "en")],
        "description": "Hosts the indirect Israel–Hamas talks in Doha and mediates them with Egypt.",
        "cites": [Cite("000", "mediated by Qatar and Egypt")],
    },
    {
        "slug": "egypt",
        "name": "Egypt",
        "kind": K.STATE,
        "wikidata": "Q79",
        "aliases": [("مصر", "ar"), ("Arab Republic of Egypt", "en")],
        "description": "Co-mediator with Qatar on the Gaza track; borders Gaza at Rafah.",
        "cites": [Cite("004", "conveyed via Qatari and Egyptian mediators")],
    },
    {
        "slug": "iran",
        "name": "Iran",
        "kind": K.STATE,
        "wikidata": "Q794",
        "aliases": [("إيران", "ar"), ("ایران", "fa"), ("Islamic Republic of Iran", "en")],
        "description": "Subject of the nuclear track; Israel and the US struck its nuclear sites in June 2025.",
        "cites": [Cite("000"), Cite("002")],
    },
    {
        "slug": "syria",
        "name": "Syria",
        "kind": K.STATE,
        "aliases": [("سوريا", "ar"), ("سورية", "ar")],
        "description": "Led since early 2025 by Ahmed al-Sharaa; a US-brokered security deal with Israel is mooted.",
        "cites": [Cite("000")],
    },
    {
        "slug": "lebanon",
        "name": "Lebanon",
        "kind": K.STATE,
        "aliases": [("لبنان", "ar")],
        "description": "Its government is meant to bring Hezbollah into line with the November 2024 ceasefire.",
        "cites": [Cite("002")],
    },
    {
        "slug": "saudi-arabia",
        "name": "Saudi Arabia",
        "kind": K.STATE,
        "aliases": [("السعودية", "ar"), ("المملكة العربية السعودية", "ar"), ("KSA", "en", ABBR)],
        "description": "Washington wants it to normalise ties with Israel; Riyadh ties that to the Gaza war ending.",
        "cites": [Cite("000"), Cite("001")],
    },
    {
        "slug": "turkey",
        "name": "Turkey",
        "kind": K.STATE,
        "aliases": [("Türkiye", "en"), ("تركيا", "ar")],
        "description": "Seen as close to the Trump administration; Israel opposes any role for it in post-war Gaza.",
        "cites": [Cite("002")],
    },
    {
        "slug": "jordan",
        "name": "Jordan",
        "kind": K.STATE,
        "aliases": [("الأردن", "ar")],
        "description": "Named by Trump in early 2025 as a place Gazans could be moved to.",
        "cites": [Cite("001")],
    },
    # Groups, bodies and organisations.
    {
        "slug": "hamas",
        "name": "Hamas",
        "kind": K.ARMED_GROUP,
        "wikidata": "Q38799",
        "aliases": [("Islamic Resistance Movement", "en"), ("حماس", "ar"), ("حركة المقاومة الإسلامية", "ar")],
        "description": "Palestinian movement ruling Gaza; negotiates with Israel only through mediators.",
        "cites": [Cite("004")],
    },
    {
        "slug": "qassam-brigades",
        "name": "Qassam Brigades",
        "kind": K.ARMED_GROUP,
        "aliases": [("Izz ad-Din al-Qassam Brigades", "en"), ("كتائب القسام", "ar"), ("كتائب عز الدين القسام", "ar")],
        "description": "The armed wing of Hamas.",
        "cites": [Cite("000")],
    },
    {
        "slug": "hezbollah",
        "name": "Hezbollah",
        "kind": K.ARMED_GROUP,
        "country": "lebanon",
        "wikidata": "Q41053",
        "aliases": [("Hizbullah", "en"), ("حزب الله", "ar")],
        "description": "Iran-backed Lebanese armed group; bound by the November 2024 ceasefire to disarm.",
        "cites": [Cite("002")],
    },
    {
        "slug": "hayat-tahrir-al-sham",
        "name": "Hay'at Tahrir al-Sham",
        "kind": K.ARMED_GROUP,
        "country": "syria",
        "aliases": [
            ("HTS", "en", ABBR),
            ("Jabhat al-Nusra", "en", FORMER),
            ("هيئة تحرير الشام", "ar"),
            ("جبهة النصرة", "ar", FORMER),
        ],
        "description": "Syrian armed group once led by al-Sharaa; taken off the US terrorist list in July 2025.",
        "cites": [Cite("000")],
    },
    {
        "slug": "united-nations",
        "name": "United Nations",
        "kind": K.INTERNATIONAL_BODY,
        "wikidata": "Q1065",
        "aliases": [("UN", "en", ABBR), ("الأمم المتحدة", "ar")],
        "description": "Put forward as an aid channel for Gaza; has warned against forcing Gazans out.",
        "cites": [Cite("000"), Cite("003")],
    },
    {
        "slug": "international-stabilisation-force",
        "name": "International Stabilisation Force",
        "kind": K.INTERNATIONAL_BODY,
        "aliases": [("ISF", "en", ABBR), ("International Stabilization Force", "en"), ("قوة الاستقرار الدولية", "ar")],
        "description": "Multinational force foreseen for Gaza's second phase; no state has yet offered troops.",
        "cites": [Cite("002", "known as the International Stabilisation Force")],
    },
    {
        "slug": "gaza-humanitarian-foundation",
        "name": "Gaza Humanitarian Foundation",
        "kind": K.ORGANISATION,
        "aliases": [("GHF", "en", ABBR), ("مؤسسة غزة الإنسانية", "ar")],
        "description": "US-backed aid distributor favoured by Israel and accused of abuses at its food sites.",
        "cites": [Cite("000")],
    },
    {
        "slug": "palestinian-authority",
        "name": "Palestinian Authority",
        "kind": K.GOVERNMENT,
        "aliases": [("PA", "en", ABBR), ("السلطة الفلسطينية", "ar")],
        "description": "Western-backed authority with limited West Bank powers; Israel wants it kept out of Gaza.",
        "cites": [Cite("002", "the Western-backed Palestinian Authority")],
    },
    {
        "slug": "gaza-health-ministry",
        "name": "Gaza Health Ministry",
        "kind": K.GOVERNMENT,
        "aliases": [("Gaza Ministry of Health", "en"), ("وزارة الصحة في غزة", "ar")],
        "description": "Hamas-run ministry whose casualty counts the press relies on.",
        "cites": [Cite("003", "The Hamas-run health ministry")],
    },
    {
        "slug": "al-jazeera",
        "name": "Al Jazeera",
        "kind": K.MEDIA,
        "country": "qatar",
        "aliases": [("Al-Jazeera", "en"), ("الجزيرة", "ar")],
        "description": "Qatar-based broadcaster; Israel bars it from reporting in Israel and the West Bank.",
        "cites": [Cite("001"), Cite("004")],
    },
    {
        "slug": "israel-defense-forces",
        "name": "Israel Defense Forces",
        "kind": K.GOVERNMENT,
        "country": "israel",
        "aliases": [
            ("IDF", "en", ABBR),
            ("Israeli military", "en"),
            ("جيش الدفاع الإسرائيلي", "ar"),
            ("צבא ההגנה לישראל", "he"),
        ],
        "description": "Israel's armed forces.",
        "cites": [Cite("003"), Cite("004")],
    },
    {
        "slug": "acrps",
        "name": "Arab Center for Research and Policy Studies",
        "kind": K.ORGANISATION,
        "country": "qatar",
        "aliases": [("ACRPS", "en", ABBR), ("المركز العربي للأبحاث ودراسة السياسات", "ar")],
        "description": (
            "Doha-based research centre; publisher of the July 2025 situation assessment cited here and "
            "claimant of the figures it reports."
        ),
        "cites": [
            Cite(
                "000",
                note="Analyst's judgement: the centre's seat in Doha is known to the analyst, "
                "not stated by the source.",
            )
        ],
    },
    # People.
    {
        "slug": "donald-trump",
        "name": "Donald Trump",
        "kind": K.PERSON,
        "country": "united-states",
        "wikidata": "Q22686",
        "aliases": [("Donald J. Trump", "en"), ("دونالد ترامب", "ar")],
        "description": "US president from January 2025, after a first term from 2017 to 2021.",
        "cites": [Cite("001")],
    },
    {
        "slug": "benjamin-netanyahu",
        "name": "Benjamin Netanyahu",
        "kind": K.PERSON,
        "country": "israel",
        "wikidata": "Q43723",
        "aliases": [("Bibi", "en", NICK), ("بنيامين نتنياهو", "ar"), ("בנימין נתניהו", "he")],
        "description": "Prime minister of Israel throughout the period covered.",
        "cites": [Cite("001"), Cite("004")],
    },
    {
        "slug": "steve-witkoff",
        "name": "Steve Witkoff",
        "kind": K.PERSON,
        "country": "united-states",
        "aliases": [("Steven Witkoff", "en"), ("ستيف ويتكوف", "ar")],
        "description": "Trump's Middle East envoy; his name is on the 60-day truce draft of mid-2025.",
        "cites": [Cite("000"), Cite("001")],
    },
    {
        "slug": "ahmed-al-sharaa",
        "name": "Ahmed al-Sharaa",
        "kind": K.PERSON,
        "country": "syria",
        "aliases": [
            ("Abu Mohammad al-Jolani", "en", FORMER),
            ("أحمد الشرع", "ar"),
            ("أبو محمد الجولاني", "ar", FORMER),
        ],
        "description": "President of Syria; formerly at the head of Hay'at Tahrir al-Sham.",
        "cites": [Cite("000", note="His former nom de guerre is the analyst's addition.")],
    },
    {
        "slug": "yisrael-katz",
        "name": "Yisrael Katz",
        "kind": K.PERSON,
        "country": "israel",
        "aliases": [("Israel Katz", "en"), ("يسرائيل كاتس", "ar")],
        "description": "Israeli defence minister; behind the plan for a closed camp for Gazans at Rafah.",
        "cites": [Cite("000"), Cite("003")],
    },
    {
        "slug": "karoline-leavitt",
        "name": "Karoline Leavitt",
        "kind": K.PERSON,
        "country": "united-states",
        "aliases": [("Caroline Levitt", "en"), ("كارولين ليفيت", "ar")],
        "description": "White House press secretary; the ACRPS assessment spells her name Caroline Levitt.",
        "cites": [Cite("000", "White House spokeswoman, Caroline Levitt")],
    },
    {
        "slug": "mira-resnick",
        "name": "Mira Resnick",
        "kind": K.PERSON,
        "country": "united-states",
        "aliases": [("ميرا ريسنيك", "ar")],
        "description": "Former US State Department official for Israeli and Palestinian affairs, quoted by AP.",
        "cites": [Cite("001")],
    },
    {
        "slug": "nour-odeh",
        "name": "Nour Odeh",
        "kind": K.PERSON,
        "aliases": [("نور عودة", "ar")],
        "description": "Al Jazeera correspondent, reporting from Jordan in July 2025.",
        "cites": [Cite("004", "Al Jazeera’s Nour Odeh, reporting from Jordan")],
    },
]

# --------------------------------------------------------------------------------------------------------------
# Affiliations: (actor, organisation, title, start, end, sole holder, cites). Start dates are the analyst's.
# --------------------------------------------------------------------------------------------------------------

START_NOTE = "Analyst's judgement: the source names the office; the dates are estimated."

AFFILIATIONS = [
    (
        "donald-trump",
        "united-states",
        "President",
        D(2025, 1, 20),
        None,
        True,
        [Cite("001", "United States President Donald Trump", START_NOTE)],
    ),
    (
        "donald-trump",
        "united-states",
        "President",
        D(2017, 1, 20),
        D(2021, 1, 20),
        True,
        [Cite("001", "During his first term", START_NOTE)],
    ),
    (
        "benjamin-netanyahu",
        "israel",
        "Prime Minister",
        D(2022, 12, 29),
        None,
        True,
        [Cite("001", "Israel’s Prime Minister Benjamin Netanyahu", START_NOTE)],
    ),
    (
        "steve-witkoff",
        "united-states",
        "Special Envoy to the Middle East",
        D(2025, 1, 20),
        None,
        True,
        [Cite("001", "His Middle East envoy Steve Witkoff", START_NOTE)],
    ),
    (
        "ahmed-al-sharaa",
        "syria",
        "President",
        D(2025, 1, 29),
        None,
        True,
        [Cite("000", "Syrian President Ahmed al-Sharaa", START_NOTE)],
    ),
    ("ahmed-al-sharaa", "hayat-tahrir-al-sham", "Leader", None, None, False, [Cite("000", "headed by al-Sharaa")]),
    (
        "yisrael-katz",
        "israel",
        "Minister of Defence",
        D(2024, 11, 5),
        None,
        True,
        [Cite("000", "Israeli Defence Minister Yisrael Katz", START_NOTE)],
    ),
    (
        "karoline-leavitt",
        "united-states",
        "White House Press Secretary",
        D(2025, 1, 20),
        None,
        True,
        [Cite("000", "White House spokeswoman, Caroline Levitt", START_NOTE)],
    ),
    # A former post whose dates the source does not give: no dates, and not a sole-holder claim.
    (
        "mira-resnick",
        "united-states",
        "Deputy Assistant Secretary of State for Israeli and Palestinian Affairs",
        None,
        None,
        False,
        [
            Cite(
                "001",
                "a former deputy assistant secretary of state",
                "Held in the past; the source gives no dates, so none are recorded.",
            )
        ],
    ),
    ("nour-odeh", "al-jazeera", "Correspondent", None, None, False, [Cite("004")]),
]

# --------------------------------------------------------------------------------------------------------------
# Tracks, with the actors' roles and the phases.
# --------------------------------------------------------------------------------------------------------------

R = TrackActor.Role
PS = Phase.Status

TRACKS = [
    {
        "slug": "israel-hamas-gaza-ceasefire",
        "name": "Israel–Hamas Gaza ceasefire",
        "status": Track.Status.ACTIVE,
        "description": (
            "Indirect negotiations between Israel and Hamas, run through Qatari and Egyptian mediators with the "
            "United States, over a truce in Gaza, exchanges of captives and prisoners, and what follows the war. "
            "A ceasefire signed in January 2025 broke down in March; talks on a 60-day truce reopened in Doha in "
            "July 2025; an agreement reached in October 2025 stopped the fighting and is meant to move to a "
            "second phase in January 2026."
        ),
        "actors": [
            ("israel", R.PARTY),
            ("hamas", R.PARTY),
            ("qatar", R.MEDIATOR),
            ("egypt", R.MEDIATOR),
            ("united-states", R.MEDIATOR),
        ],
        "cites": [Cite("000", "mediated by Qatar and Egypt"), Cite("001"), Cite("002"), Cite("004")],
        "phases": [
            {
                "sequence": 1,
                "name": "January 2025 ceasefire: first phase",
                "status": PS.LAPSED,
                "starts_on": D(2025, 1, 19),
                "opening_conditions": (
                    "The second phase was to be negotiated while this one held; Israeli negotiators were due in "
                    "Qatar in early February 2025 to work through how the deal would be carried out. The truce "
                    "broke down in March 2025."
                ),
                "cites": [
                    Cite(
                        "001",
                        "which was signed before he took office on January 20",
                        "The start day, 19 January 2025, is the analyst's.",
                    ),
                    Cite("000", "the collapse of the previous truce in March"),
                ],
            },
            {
                "sequence": 2,
                "name": "January 2025 ceasefire: second phase",
                "status": PS.LAPSED,
                "opening_conditions": (
                    "Needed agreement in indirect talks due to start in February 2025. It never opened: the "
                    "truce collapsed in March 2025."
                ),
                "cites": [
                    Cite("001", "the second phase of the fragile Gaza ceasefire agreement are due"),
                    Cite("000", "the collapse of the previous truce in March"),
                ],
            },
            {
                "sequence": 3,
                "name": "October 2025 agreement: first phase",
                "status": PS.ACTIVE,
                "starts_on": D(2025, 10, 10),
                "opening_conditions": (
                    "The United States wants the move to the second phase to start in January 2026. Israeli "
                    "troops still hold about half of Gaza and are to pull back in stages."
                ),
                "cites": [Cite("002", "reached between Israel and Hamas in October", ANALYST_DAY)],
            },
            {
                "sequence": 4,
                "name": "October 2025 agreement: second phase",
                "status": PS.PLANNED,
                "opening_conditions": (
                    "Planned from January 2026: a peace council and an executive committee overseeing Gaza, a "
                    "Palestinian technocratic body for daily administration, and a multinational stabilisation "
                    "force to oversee Hamas's disarmament while Israeli troops withdraw step by step. No country "
                    "had offered troops by late December 2025."
                ),
                "cites": [Cite("002", "“second phase” of the ceasefire must begin in January")],
            },
        ],
    },
    {
        "slug": "us-iran-nuclear-talks",
        "name": "US–Iran nuclear talks",
        "status": Track.Status.PAUSED,
        "description": (
            "Talks between Washington and Tehran over Iran's nuclear programme. They stalled around the June "
            "2025 war, in which US and Israeli aircraft hit Iranian nuclear sites. In July 2025 Witkoff expected "
            "a meeting with Iran within days and Trump spoke of a lasting deal, while ruling out any Iranian "
            "uranium enrichment. In his first term Trump had pulled out of the earlier international deal."
        ),
        "actors": [("united-states", R.PARTY), ("iran", R.PARTY)],
        "cites": [
            Cite("000", "probably a permanent deal with Iran"),
            Cite("003", "a meeting with Iran was planned “within the next week,”"),
            Cite("001", "pulling an international nuclear deal"),
        ],
        "phases": [],
    },
    {
        "slug": "israel-syria-security-arrangement",
        "name": "Israel–Syria security arrangement",
        "status": Track.Status.ACTIVE,
        "description": (
            "A possible US-brokered security agreement between Israel and Syria's new government. Trump met "
            "al-Sharaa in Riyadh in May 2025 and began lifting sanctions; on 7 July 2025 Washington took Hay'at "
            "Tahrir al-Sham off its terrorist list. Israeli media said the two leaders might meet around the UN "
            "General Assembly in September. Israel had widened its hold on Syrian territory after Assad fell."
        ),
        "actors": [("israel", R.PARTY), ("syria", R.PARTY), ("united-states", R.MEDIATOR)],
        "cites": [Cite("000", "a security agreement brokered by Trump")],
        "phases": [],
    },
    {
        "slug": "israel-lebanon-ceasefire",
        "name": "Israel–Lebanon ceasefire",
        "status": Track.Status.ACTIVE,
        "started_on": D(2024, 11, 27),
        "description": (
            "The US-brokered ceasefire of November 2024 that ended a year of open fighting between Israel and "
            "Hezbollah. Hezbollah has not fully disarmed as the deal requires, Israel keeps striking its "
            "fighters and sites in Lebanon, and the end-2025 deadline US officials had set was expected to pass "
            "unenforced. The start day is the analyst's estimate; the source gives the month."
        ),
        "actors": [("israel", R.PARTY), ("lebanon", R.PARTY), ("hezbollah", R.PARTY), ("united-states", R.MEDIATOR)],
        "cites": [Cite("002", "brokered by the US in November 2024 between Israel and Hezbollah", ANALYST_DAY)],
        "phases": [
            {
                "sequence": 1,
                "name": "Ceasefire and Hezbollah disarmament",
                "status": PS.ACTIVE,
                "starts_on": D(2024, 11, 27),
                "deadline": D(2025, 12, 31),
                "opening_conditions": (
                    "Hezbollah is to give up its arms; US officials had named the end of 2025 as the final "
                    "deadline, which was widely expected to slip."
                ),
                "cites": [Cite("002", "the end of the year would serve as the final deadline", ANALYST_DAY)],
            },
        ],
    },
    {
        "slug": "israel-saudi-normalisation",
        "name": "Israel–Saudi Arabia normalisation",
        "status": Track.Status.PAUSED,
        "description": (
            "Trump's aim of bringing Saudi Arabia into the Abraham Accords. Riyadh says it will not normalise "
            "relations while the Gaza war goes on and without a credible route to a Palestinian state, which "
            "Netanyahu opposes."
        ),
        "actors": [("israel", R.PARTY), ("saudi-arabia", R.PARTY), ("united-states", R.MEDIATOR)],
        "cites": [Cite("000"), Cite("001", "a credible pathway to a Palestinian state")],
        "phases": [],
    },
]

# --------------------------------------------------------------------------------------------------------------
# Proposals, with their event logs, terms and the responses to them.
# --------------------------------------------------------------------------------------------------------------

EK, TK, TU, RK = ProposalEvent.Kind, Term.Kind, Term.Unit, Response.Kind

PROPOSALS = [
    {
        "slug": "witkoff-60-day-truce",
        "track": "israel-hamas-gaza-ceasefire",
        "title": "Witkoff 60-day truce proposal",
        "version_label": "July 2025 draft",
        "proposer": "steve-witkoff",
        "channel": ["qatar", "egypt"],
        "summary": (
            "A US draft, passed to Hamas by Qatar and Egypt, for a 60-day pause in the fighting: ten living "
            "hostages and eighteen bodies handed over, Palestinian prisoners freed, Israeli forces pulled back "
            "to a border buffer zone, aid let in at scale, and talks on a lasting settlement during the pause. "
            "It was the basis of the Doha round that opened on 6 July 2025."
        ),
        "cites": [
            Cite("000", "based on a proposal presented by US envoy Steve Witkoff"),
            Cite("004", "conveyed via Qatari and Egyptian mediators"),
        ],
        "events": [
            {
                "kind": EK.TABLED,
                "on": D(2025, 7, 1),
                "actor": "steve-witkoff",
                "note": "Analyst's judgement, approximate date: the sources say only that the draft reached Hamas "
                "through Qatar and Egypt "
                "before the Doha round of 6 July 2025.",
                "cites": [Cite("004", "conveyed via Qatari and Egyptian mediators")],
            },
            {
                "kind": EK.RESPONDED,
                "on": D(2025, 7, 4),
                "actor": "hamas",
                "note": "Hamas answered with requested changes. Analyst's judgement, approximate date: the ANI "
                "report places the reply before "
                "6 July 2025.",
                "cites": [Cite("004", "Hamas’s response to a draft US-backed ceasefire proposal")],
            },
            {
                "kind": EK.RESPONDED,
                "on": D(2025, 7, 6),
                "actor": "israel",
                "note": "Netanyahu dismissed Hamas's changes but sent negotiators to Doha, where indirect talks on "
                "the draft opened that Sunday.",
                "cites": [Cite("004", "The latest round of negotiations commenced Sunday in Doha")],
            },
        ],
        "terms": [
            {
                "key": "truce_length",
                "kind": TK.TRUCE_LENGTH,
                "quantity": 60,
                "unit": TU.DAYS,
                "text": "Fighting stops for 60 days.",
                "cites": [Cite("000", "a 60-day truce"), Cite("003"), Cite("004")],
            },
            {
                "key": "living_hostages",
                "kind": TK.LIVING_HOSTAGES,
                "quantity": 10,
                "unit": TU.PEOPLE,
                "text": "Hamas frees ten living Israeli hostages during the pause, in stages.",
                "cites": [
                    Cite("000", "Hamas would release 10 living Israeli hostages"),
                    Cite("004", "a phased release of captives"),
                ],
            },
            {
                "key": "bodies_returned",
                "kind": TK.BODIES_RETURNED,
                "quantity": 18,
                "unit": TU.BODIES,
                "text": "Hamas hands back the remains of eighteen hostages.",
                "cites": [Cite("000", "hand over the bodies of 18 others"), Cite("003")],
            },
            {
                "key": "prisoners_released",
                "kind": TK.PRISONERS_RELEASED,
                "open": True,
                "text": "Israel frees Palestinian prisoners; how many is still to be settled.",
                "cites": [
                    Cite("000", "whose number has yet to be agreed upon"),
                    Cite("003", "an unspecified number of Palestinian detainees"),
                ],
            },
            {
                "key": "withdrawal_line",
                "kind": TK.WITHDRAWAL_LINE,
                "text": "Israeli forces pull back from parts of Gaza to a buffer zone along its borders with Israel "
                "and Egypt.",
                "cites": [
                    Cite("000", "a buffer zone on the border between Gaza, Israel, and Egypt"),
                    Cite("004", "Israeli troop withdrawals from parts of Gaza"),
                ],
            },
            {
                "key": "aid_channel",
                "kind": TK.AID_CHANNEL,
                "text": "Humanitarian aid enters Gaza in large volumes; who hands it out is disputed.",
                "cites": [Cite("000", "the entry of huge quantities of humanitarian aid into the Strip")],
            },
            {
                "key": "follow_on_talks",
                "kind": TK.FOLLOW_ON_TALKS,
                "text": "Negotiations on a permanent end to the war open within the 60 days; the truce itself does "
                "not promise one.",
                "cites": [
                    Cite("000", "the launch of negotiations aimed at reaching a more permanent agreement"),
                    Cite("004", "discussions on ending the war altogether"),
                ],
            },
            {
                "key": "guarantee",
                "kind": TK.GUARANTEE,
                "text": "A letter from Witkoff, sent to Hamas through the mediators, relays Trump's commitment to "
                "prolong the truce past day 60 while talks to end the war go on. ACRPS reads this as "
                "falling short of a real guarantee.",
                "cites": [
                    Cite(
                        "000",
                        "committed to extending the ceasefire if negotiations to end the war continued",
                        "Reported on 12 July 2025, after the draft was tabled.",
                    )
                ],
            },
        ],
        "responses": [
            {
                "actor": "hamas",
                "kind": RK.CONDITIONAL,
                "on": D(2025, 7, 4),
                "summary": "Hamas replied asking for changes, which the sources do not spell out. The day is "
                "the analyst's approximation: the reply came before 6 July 2025.",
                "cites": [Cite("004", "Hamas’s response to a draft US-backed ceasefire proposal")],
            },
            {
                "actor": "israel",
                "kind": RK.ACCEPT,
                "on": D(2025, 7, 6),
                "summary": "Before leaving for Washington, Netanyahu said his negotiators were told to secure a "
                "ceasefire on terms Israel had already agreed to. He had earlier called the changes Hamas "
                "asked for unacceptable.",
                "cites": [
                    Cite("004", "a ceasefire under conditions that Israel has accepted"),
                    Cite("004", "calling the demands “unacceptable.”"),
                ],
            },
        ],
    },
    {
        "slug": "gaza-ceasefire-october-2025",
        "track": "israel-hamas-gaza-ceasefire",
        "title": "Gaza ceasefire agreement of October 2025",
        "version_label": "",
        "proposer": "united-states",
        "channel": [],
        "summary": (
            "The US-brokered agreement between Israel and Hamas that halted two years of war in October 2025. "
            "Its second phase, which Washington wants under way in January 2026, adds international "
            "governance bodies, a stabilisation force and a staged Israeli pull-back as Hamas is disarmed. By "
            "late December the truce had mostly held, though both sides reported clashes almost every day."
        ),
        "cites": [Cite("002", "the Gaza ceasefire agreement reached between Israel and Hamas in October")],
        "events": [
            {
                "kind": EK.SIGNED,
                "on": D(2025, 10, 9),
                "actor": None,
                "note": "Analyst's judgement: the source says only October 2025; the day is estimated.",
                "cites": [Cite("002", "reached between Israel and Hamas in October", ANALYST_DAY)],
            },
            {
                "kind": EK.IN_FORCE,
                "on": D(2025, 10, 10),
                "actor": None,
                "note": "Analyst's judgement: the source says only October 2025; the day is estimated.",
                "cites": [Cite("002", "The truce, which halted a two-year war, has broadly held", ANALYST_DAY)],
            },
            {
                "kind": EK.VIOLATED,
                "on": DEC_REPORT,
                "actor": None,
                "note": "Near-daily clashes, with each side accusing the other of breaches; the truce has broadly "
                "held all the same. Dated to the late-December report, not to a single incident.",
                "cites": [Cite("002", "despite near-daily clashes and mutual accusations of violations by both sides")],
            },
        ],
        "terms": [
            {
                "key": "governance",
                "kind": TK.GOVERNANCE,
                "text": "In the second phase a peace council and an executive committee oversee Gaza, and a "
                "Palestinian technocratic body runs day-to-day affairs.",
                "cites": [
                    Cite("002", "a so-called “peace council” and an executive committee to administer the territory"),
                    Cite("002", "a Palestinian technocratic body to handle day-to-day governance"),
                ],
            },
            {
                "key": "security_force",
                "kind": TK.SECURITY_FORCE,
                "text": "A multinational International Stabilisation Force deploys in Gaza; its make-up and mandate "
                "are still open.",
                "cites": [Cite("002", "the deployment of a multinational peacekeeping force")],
            },
            {
                "key": "withdrawal_line",
                "kind": TK.WITHDRAWAL_LINE,
                "text": "Israeli troops, holding roughly half of Gaza in late 2025, withdraw in stages as "
                "international forces arrive.",
                "cites": [
                    Cite(
                        "002", "expected to withdraw from the enclave gradually as international forces are introduced"
                    )
                ],
            },
            {
                "key": "disarmament",
                "kind": TK.DISARMAMENT,
                "text": "Hamas is disarmed, with the international force overseeing the process.",
                "cites": [Cite("002", "to oversee Hamas’s disarmament")],
            },
        ],
        "responses": [
            {
                "actor": "israel",
                "kind": RK.ACCEPT,
                "on": D(2025, 10, 9),
                "summary": (
                    "Israel agreed to the deal. The source gives only the month; the day is the analyst's estimate."
                ),
                "cites": [Cite("002", "reached between Israel and Hamas in October", ANALYST_DAY)],
            },
            {
                "actor": "hamas",
                "kind": RK.ACCEPT,
                "on": D(2025, 10, 9),
                "summary": (
                    "Hamas agreed to the deal. The source gives only the month; the day is the analyst's estimate."
                ),
                "cites": [Cite("002", "reached between Israel and Hamas in October", ANALYST_DAY)],
            },
        ],
    },
    {
        "slug": "israel-hezbollah-ceasefire-november-2024",
        "track": "israel-lebanon-ceasefire",
        "title": "Israel–Hezbollah ceasefire of November 2024",
        "version_label": "",
        "proposer": "united-states",
        "channel": [],
        "summary": (
            "The US-brokered truce that closed a year of open war between Israel and Hezbollah. It obliges "
            "Hezbollah to disarm; by late 2025 the group had not fully done so, and Israel kept up strikes in "
            "Lebanon."
        ),
        "cites": [Cite("002", "brokered by the US in November 2024 between Israel and Hezbollah")],
        "events": [
            {
                "kind": EK.IN_FORCE,
                "on": D(2024, 11, 27),
                "actor": None,
                "note": "Analyst's judgement: the source says only November 2024; the day is estimated.",
                "cites": [Cite("002", "brokered by the US in November 2024", ANALYST_DAY)],
            },
            {
                "kind": EK.VIOLATED,
                "on": DEC_REPORT,
                "actor": None,
                "note": "Hezbollah has not fully met the disarmament requirement and Israel strikes its fighters and "
                "sites in Lebanon regularly. Dated to the late-December report.",
                "cites": [
                    Cite("002", "has yet to fully comply with the disarmament requirement"),
                    Cite("002", "continues to carry out regular strikes against the group’s fighters"),
                ],
            },
        ],
        "terms": [
            {
                "key": "disarmament",
                "kind": TK.DISARMAMENT,
                "text": "Hezbollah gives up its weapons; US officials had set the end of 2025 as the final deadline.",
                "cites": [Cite("002", "the end of the year would serve as the final deadline")],
            },
        ],
        "responses": [],
    },
]

# --------------------------------------------------------------------------------------------------------------
# Sticking points: status history and each party's dated positions.
# --------------------------------------------------------------------------------------------------------------

SC, SS = StickingPoint.Category, StickingPoint.Status
ST, CH, CF = Position.Stance, Position.Channel, Position.Confidence
GAZA = "israel-hamas-gaza-ceasefire"

STICKING_POINTS = [
    {
        "slug": "gaza-truce-withdrawal-lines",
        "track": GAZA,
        "category": SC.WITHDRAWAL,
        "title": "Where Israeli forces stand during the 60-day truce",
        "description": (
            "Hamas wants Israeli troops back on the lines they held before the truce collapsed in March 2025. "
            "Israel will not leave the Philadelphi corridor on the Egyptian border and reportedly plans to link "
            "it to the Morag corridor it took between Rafah and Khan Yunis in its March offensive."
        ),
        "cites": [
            Cite("000", "ceasefire lines in place before the collapse of the previous truce"),
            Cite("004", "especially on the issues of redeployment and food aid distribution"),
        ],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 6),
                "note": "On the table as the Doha round opened.",
                "cites": [Cite("004")],
            },
            {
                "status": SS.DEADLOCKED,
                "on": D(2025, 7, 12),
                "note": "Israel turned down the compromise Washington was looking for.",
                "cites": [Cite("000", "The Trump administration is seeking a compromise on the first point")],
            },
        ],
        "positions": [
            {
                "actor": "hamas",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Israeli forces should return to where they were before the March 2025 breakdown.",
                "cites": [
                    Cite(
                        "000",
                        "ceasefire lines in place before the collapse of the previous truce",
                        "ACRPS relays Axios's account of the talks.",
                    )
                ],
            },
            {
                "actor": "israel",
                "on": D(2025, 7, 12),
                "stance": ST.REJECTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Refuses a pull-back to the March lines and will not quit the Philadelphi corridor; "
                "reportedly means to join it to the Morag corridor.",
                "cites": [
                    Cite("000", "the nine-mile Salah al-Din (Philadelphi) Corridor"),
                    Cite("000", "known as the Morag Corridor, which extends for three miles"),
                ],
            },
            {
                "actor": "united-states",
                "on": D(2025, 7, 12),
                "stance": ST.PROPOSES,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Looking for a middle line between the two positions.",
                "cites": [Cite("000", "The Trump administration is seeking a compromise on the first point")],
            },
        ],
    },
    {
        "slug": "gaza-aid-distribution",
        "track": GAZA,
        "category": SC.HUMANITARIAN,
        "title": "Who distributes aid in Gaza",
        "description": (
            "Whether UN and other international agencies take over aid delivery from the US-backed Gaza "
            "Humanitarian Foundation that Israel prefers. Palestinian and international groups accuse the "
            "foundation of abuses; hundreds of Gazans have been shot dead near food distribution points."
        ),
        "cites": [
            Cite("000", "instead of the US-backed Gaza Humanitarian Foundation, as demanded by Israel"),
            Cite("004", "especially on the issues of redeployment and food aid distribution"),
        ],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 6),
                "note": "Raised as the Doha round opened.",
                "cites": [Cite("004")],
            },
            {
                "status": SS.NARROWING,
                "on": D(2025, 7, 12),
                "note": "An understanding was forming: neutral international bodies would deliver aid in areas "
                "Israeli troops leave.",
                "cites": [Cite("000", "an understanding appears to be taking shape")],
            },
        ],
        "positions": [
            {
                "actor": "hamas",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Aid should be handed out by the UN and international agencies, not by the foundation.",
                "cites": [Cite("000", "The tasking of UN and international organizations with delivering aid")],
            },
            {
                "actor": "israel",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Keeps the foundation in the picture and wants aid to flow through at least two sites "
                "inside the area its troops hold in southern Gaza.",
                "cites": [Cite("000", "via at least two points within the area it occupies")],
            },
        ],
    },
    {
        "slug": "gaza-truce-guarantee",
        "track": GAZA,
        "category": SC.GUARANTEES,
        "title": "Guarantee that fighting does not resume after 60 days",
        "description": (
            "Hamas seeks a US assurance that Israel will not go back to bombing on its own once the 60 days "
            "run out. Washington answered with a letter relaying Trump's commitment to keep the truce going "
            "while talks continue, which ACRPS does not count as a true guarantee."
        ),
        "cites": [Cite("000", "This implies that there is no genuine guarantee.")],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 6),
                "note": "Raised as the Doha round opened.",
                "cites": [Cite("000")],
            },
            {
                "status": SS.NARROWING,
                "on": D(2025, 7, 12),
                "note": "Addressed, though not settled, by Witkoff's letter to Hamas.",
                "cites": [Cite("000", "a letter that Witkoff sent to Hamas via mediators")],
            },
        ],
        "positions": [
            {
                "actor": "hamas",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Wants Washington to guarantee that Israel will not restart its bombardment unilaterally "
                "when the truce ends.",
                "cites": [
                    Cite("000", "an American guarantee that Israel will not resume its bombardment unilaterally")
                ],
            },
            {
                "actor": "united-states",
                "on": D(2025, 7, 12),
                "stance": ST.PROPOSES,
                "channel": CH.VIA_MEDIATOR,
                "confidence": CF.MEDIUM,
                "summary": "Through Witkoff's letter, Trump undertakes to extend the truce for as long as talks on "
                "ending the war carry on.",
                "cites": [Cite("000", "committed to extending the ceasefire if negotiations to end the war continued")],
            },
        ],
    },
    {
        "slug": "gaza-end-of-war",
        "track": GAZA,
        "category": SC.OTHER,
        "title": "A permanent end to the war",
        "description": (
            "The issue that sank earlier truce attempts: Hamas wants any deal to end the war for good, while "
            "Israel says it will fight on until Hamas is dismantled. The October 2025 agreement stopped the "
            "fighting; whether that holds is tracked under the later sticking points."
        ),
        "cites": [
            Cite("004", "Hamas’s insistence on a full end to the war"),
            Cite("002", "The truce, which halted a two-year war, has broadly held"),
        ],
        "statuses": [
            {
                "status": SS.DEADLOCKED,
                "on": D(2025, 7, 7),
                "note": "Still the main sticking point, per Al Jazeera.",
                "cites": [Cite("004", "Hamas’s insistence on a full end to the war")],
            },
            {
                "status": SS.RESOLVED,
                "on": D(2025, 10, 10),
                "note": "The October agreement halted the war; the day is the analyst's. Clashes go on, and "
                "disarmament and governance remain open.",
                "cites": [Cite("002", "The truce, which halted a two-year war, has broadly held", ANALYST_DAY)],
            },
        ],
        "positions": [
            {
                "actor": "hamas",
                "on": D(2025, 7, 7),
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Will free all captives only in exchange for a lasting end to the fighting.",
                "cites": [Cite("004", "Hamas’s insistence on a full end to the war")],
            },
            {
                "actor": "israel",
                "on": D(2025, 7, 7),
                "stance": ST.REJECTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Military operations continue until Hamas has been dismantled.",
                "cites": [
                    Cite("004", "it will continue military operations until Hamas is dismantled"),
                    Cite("000", "the dismantling of the military and administrative capabilities of Hamas"),
                ],
            },
        ],
    },
    {
        "slug": "gaza-day-after-governance",
        "track": GAZA,
        "category": SC.GOVERNANCE,
        "title": "Who governs Gaza after the war",
        "description": (
            "Israel wants Hamas wholly out of Gaza's government and has floated Arab states running the Strip "
            "under Israeli oversight with Palestinians tied to neither Hamas nor the Palestinian Authority. "
            "Hamas says it can step back from governing but refuses foreign rule."
        ),
        "cites": [Cite("000", "Israel continues to insist that Hamas play no role whatsoever")],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 12),
                "note": "Listed by ACRPS among the obstacles to a lasting settlement.",
                "cites": [Cite("000")],
            },
            {
                "status": SS.NARROWING,
                "on": D(2025, 10, 10),
                "note": "The October agreement sets out governance bodies for the second phase; the day is the "
                "analyst's.",
                "cites": [Cite("002", "a Palestinian technocratic body to handle day-to-day governance", ANALYST_DAY)],
            },
        ],
        "positions": [
            {
                "actor": "israel",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "No part for Hamas; Arab states would administer and secure Gaza under Israeli "
                "supervision, working with Palestinians outside both Hamas and the PA.",
                "cites": [Cite("000", "Israel continues to insist that Hamas play no role whatsoever")],
            },
            {
                "actor": "hamas",
                "on": D(2025, 7, 12),
                "stance": ST.OPEN_TO_COMPROMISE,
                "channel": CH.ON_RECORD,
                "confidence": CF.MEDIUM,
                "summary": "Ready to hand over governing, but only to a Palestinian body of technocrats working with "
                "the PA and Egypt, not to a foreign administration.",
                "cites": [
                    Cite("000", "it rejects the idea of foreign administration"),
                    Cite("000", "an independent Palestinian body of technocrats"),
                ],
            },
            {
                "actor": "united-states",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.MEDIUM,
                "summary": "With Israel, wants to avoid an arrangement like Lebanon's, where an armed group lives on "
                "beside a civilian government.",
                "cites": [Cite("000", "seeking to avoid replicating the Hezbollah model in Lebanon")],
            },
        ],
    },
    {
        "slug": "gaza-postwar-roles-turkey-qatar-pa",
        "track": GAZA,
        "category": SC.GOVERNANCE,
        "title": "Roles for Turkey, Qatar and the Palestinian Authority in post-war Gaza",
        "description": (
            "Turkey and Qatar, both close to the Trump administration, and the Palestinian Authority could each "
            "take part in running post-war Gaza. Netanyahu has turned down a role for all three, a possible "
            "point of friction with Trump."
        ),
        "cites": [Cite("002", "Turkey’s and Qatar’s future involvement in Gaza’s post-war governance")],
        "statuses": [
            {"status": SS.OPEN, "on": DEC_REPORT, "note": "Expected to come up at Mar-a-Lago.", "cites": [Cite("002")]},
        ],
        "positions": [
            {
                "actor": "benjamin-netanyahu",
                "on": DEC_REPORT,
                "stance": ST.REJECTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Has consistently opposed any part for Turkey, Qatar or the PA in Gaza.",
                "cites": [Cite("002", "has consistently rejected any role for these three actors")],
            },
        ],
    },
    {
        "slug": "gaza-hamas-disarmament",
        "track": GAZA,
        "category": SC.DISARMAMENT,
        "title": "Disarming Hamas",
        "description": (
            "Israel demands that Hamas's armed wing be broken up. In July 2025 it was reported to have eased its "
            "call for all Hamas members to leave Gaza and to be weighing an amnesty for fighters who hand in "
            "their weapons. By December no state was willing to disarm Hamas by force and no plan existed."
        ),
        "cites": [
            Cite("000", "It does however insist on breaking up the movement’s military wing."),
            Cite("002", "there is no real plan for resolving the issue of Hamas’s arms"),
        ],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 12),
                "note": "Listed by ACRPS among the obstacles to a lasting settlement.",
                "cites": [Cite("000")],
            },
            {
                "status": SS.DEADLOCKED,
                "on": DEC_REPORT,
                "note": "No plan to disarm Hamas and no state ready to do it by force.",
                "cites": [Cite("002", "no state has expressed an intention to disarm the Palestinian group")],
            },
        ],
        "positions": [
            {
                "actor": "israel",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "The armed wing must be dismantled; would settle for a few senior Hamas figures going "
                "into exile and might pardon fighters who surrender their arms.",
                "cites": [
                    Cite("000", "It does however insist on breaking up the movement’s military wing."),
                    Cite("000", "granting amnesty to hundreds of fighters, provided they surrender their weapons"),
                ],
            },
            {
                "actor": "israel",
                "on": DEC_REPORT,
                "stance": ST.INSISTS,
                "channel": CH.ANONYMOUS_OFFICIAL,
                "confidence": CF.MEDIUM,
                "summary": "Fears Washington will push ahead with the next phase before Hamas gives up its weapons.",
                "cites": [
                    Cite(
                        "002",
                        "there is no real plan for resolving the issue of Hamas’s arms",
                        "A source familiar with the Israeli government's thinking.",
                    )
                ],
            },
            {
                "actor": "united-states",
                "on": DEC_REPORT,
                "stance": ST.OPEN_TO_COMPROMISE,
                "channel": CH.ANONYMOUS_OFFICIAL,
                "confidence": CF.LOW,
                "summary": "As an Israeli source describes it, Washington thinks progress is possible before Hamas "
                "is disarmed.",
                "cites": [
                    Cite(
                        "002",
                        "The Americans naively believe it is possible to move forward",
                        "An Israeli source's account of the US view, not a US statement.",
                    )
                ],
            },
        ],
    },
    {
        "slug": "gaza-stabilisation-force",
        "track": GAZA,
        "category": SC.SECURITY,
        "title": "Make-up and mandate of the International Stabilisation Force",
        "description": (
            "The October 2025 agreement relies on a multinational force to oversee Hamas's disarmament as "
            "Israeli troops leave, but nobody had committed soldiers by late December and its remit was unclear."
        ),
        "cites": [Cite("002", "No country has so far declared its readiness to deploy troops")],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": DEC_REPORT,
                "note": "No troop pledges yet.",
                "cites": [Cite("002", "No country has so far declared its readiness to deploy troops")],
            },
        ],
        "positions": [
            {
                "actor": "united-states",
                "on": DEC_REPORT,
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.MEDIUM,
                "summary": "The second phase, force included, has to get going in January 2026.",
                "cites": [Cite("002", "“second phase” of the ceasefire must begin in January")],
            },
        ],
    },
    {
        "slug": "gaza-displacement",
        "track": GAZA,
        "category": SC.DISPLACEMENT,
        "title": "Moving Palestinians out of Gaza",
        "description": (
            "Trump and Netanyahu talk of Gazans relocating abroad and Israel's defence minister has ordered "
            "plans for a closed camp in the south; the UN, Arab and Western governments condemn forced "
            "transfer."
        ),
        "cites": [Cite("003", "forced transfers could amount to “ethnic cleansing.”"), Cite("000")],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 7),
                "note": "Raised again at the 7 July dinner.",
                "cites": [Cite("003")],
            },
        ],
        "positions": [
            {
                "actor": "donald-trump",
                "on": D(2025, 7, 7),
                "stance": ST.PROPOSES,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Says governments in the region back letting Gazans relocate voluntarily.",
                "cites": [Cite("003", "Trump claimed regional support for plans to allow voluntary relocation")],
            },
            {
                "actor": "benjamin-netanyahu",
                "on": D(2025, 7, 7),
                "stance": ST.PROPOSES,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Looking for countries to take Gazans; those who wish to go should be free to, and those "
                "who wish to stay may.",
                "cites": [Cite("003", "But if they want to leave, they should be able to leave.")],
            },
            {
                "actor": "yisrael-katz",
                "on": D(2025, 7, 7),
                "stance": ST.PROPOSES,
                "channel": CH.ON_RECORD,
                "confidence": CF.MEDIUM,
                "summary": "Has the army planning a camp on Rafah's ruins to hold Gaza's population after "
                "screening, under tight restrictions.",
                "cites": [
                    Cite("000", "a detention camp built on the ruins of Rafah"),
                    Cite("003", "to move Gaza’s 2 million residents into a southern camp"),
                ],
            },
            {
                "actor": "united-nations",
                "on": D(2025, 7, 7),
                "stance": ST.REJECTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Forcing Gazans out could be ethnic cleansing.",
                "cites": [Cite("003", "forced transfers could amount to “ethnic cleansing.”")],
            },
        ],
    },
    {
        "slug": "palestinian-statehood-normalisation",
        "track": "israel-saudi-normalisation",
        "category": SC.OTHER,
        "title": "A path to Palestinian statehood as the price of Saudi normalisation",
        "description": (
            "Riyadh makes normalisation with Israel conditional on the Gaza war ending and a credible path to a "
            "Palestinian state; Netanyahu rejects full Palestinian statehood."
        ),
        "cites": [Cite("001", "a credible pathway to a Palestinian state")],
        "statuses": [
            {
                "status": SS.DEADLOCKED,
                "on": D(2025, 2, 4),
                "note": "The Saudi condition and Netanyahu's refusal stand against each other.",
                "cites": [Cite("001")],
            },
        ],
        "positions": [
            {
                "actor": "saudi-arabia",
                "on": D(2025, 2, 4),
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Will take part only after the Gaza war ends and a believable path opens toward Palestinian "
                "statehood covering Gaza and the West Bank.",
                "cites": [Cite("001", "a credible pathway to a Palestinian state")],
            },
            {
                "actor": "saudi-arabia",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "No normalisation while fighting in Gaza continues.",
                "cites": [Cite("000", "normalization cannot take place as long as the war in Gaza continues")],
            },
            {
                "actor": "benjamin-netanyahu",
                "on": D(2025, 2, 4),
                "stance": ST.REJECTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Firmly against any step toward a Palestinian state.",
                "cites": [Cite("001", "to any move towards a Palestinian state")],
            },
            {
                "actor": "benjamin-netanyahu",
                "on": D(2025, 7, 7),
                "stance": ST.REJECTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Repeats that Palestinians would get less than a full state.",
                "cites": [Cite("003", "It’s not a complete state… We don’t care.")],
            },
        ],
    },
    {
        "slug": "hezbollah-disarmament",
        "track": "israel-lebanon-ceasefire",
        "category": SC.DISARMAMENT,
        "title": "Disarming Hezbollah",
        "description": (
            "The November 2024 ceasefire requires Hezbollah to disarm. Israel says the Lebanese state is not "
            "pressing hard enough and keeps striking the group; the end-2025 deadline set by US officials was "
            "expected to lapse."
        ),
        "cites": [Cite("002", "has yet to fully comply with the disarmament requirement")],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2024, 11, 27),
                "note": "Set by the ceasefire; the day is the analyst's.",
                "cites": [Cite("002", "brokered by the US in November 2024", ANALYST_DAY)],
            },
            {
                "status": SS.DEADLOCKED,
                "on": DEC_REPORT,
                "note": "Not fully met, with the end-of-year deadline expected to be ignored.",
                "cites": [Cite("002", "widely expected to be effectively disregarded")],
            },
        ],
        "positions": [
            {
                "actor": "israel",
                "on": DEC_REPORT,
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.MEDIUM,
                "summary": "Beirut is too soft in making Hezbollah honour the deal; Israel goes on striking its "
                "fighters and infrastructure meanwhile.",
                "cites": [Cite("002", "the Lebanese government has acted with insufficient resolve")],
            },
            {
                "actor": "united-states",
                "on": DEC_REPORT,
                "stance": ST.INSISTS,
                "channel": CH.ANONYMOUS_OFFICIAL,
                "confidence": CF.MEDIUM,
                "summary": "US officials had made the end of 2025 the last date for Hezbollah to comply.",
                "cites": [Cite("002", "the end of the year would serve as the final deadline")],
            },
        ],
    },
    {
        "slug": "iran-uranium-enrichment",
        "track": "us-iran-nuclear-talks",
        "category": SC.SECURITY,
        "title": "Uranium enrichment in Iran",
        "description": "Washington rules out any Iranian enrichment in a future deal.",
        "cites": [Cite("000", "any agreement would not allow Iran to enrich uranium")],
        "statuses": [
            {"status": SS.OPEN, "on": D(2025, 7, 12), "note": "Talks expected to resume.", "cites": [Cite("000")]},
        ],
        "positions": [
            {
                "actor": "donald-trump",
                "on": D(2025, 7, 12),
                "stance": ST.INSISTS,
                "channel": CH.ON_RECORD,
                "confidence": CF.HIGH,
                "summary": "Any agreement must leave Iran no enrichment at all.",
                "cites": [
                    Cite(
                        "000",
                        "any agreement would not allow Iran to enrich uranium",
                        "Said before 12 July 2025; the position is dated to the report.",
                    )
                ],
            },
        ],
    },
    {
        "slug": "iran-rearmament-and-israeli-strikes",
        "track": "us-iran-nuclear-talks",
        "category": SC.SECURITY,
        "title": "Iran rebuilding its capabilities, and Israel's freedom to strike again",
        "description": (
            "Israel seeks US backing for renewed strikes should Iran revive its nuclear programme, and by "
            "December 2025 warned that Iran was fast rebuilding its ballistic missiles."
        ),
        "cites": [
            Cite("000", "seeking US approval to carry out new pre-emptive strikes against Iran"),
            Cite("002", "is rapidly rebuilding its ballistic missile arsenal"),
        ],
        "statuses": [
            {
                "status": SS.OPEN,
                "on": D(2025, 7, 12),
                "note": "A gap between US and Israeli priorities.",
                "cites": [Cite("000")],
            },
        ],
        "positions": [
            {
                "actor": "benjamin-netanyahu",
                "on": D(2025, 7, 7),
                "stance": ST.INSISTS,
                "channel": CH.LEAKED,
                "confidence": CF.MEDIUM,
                "summary": "Wants a US green light for pre-emptive strikes if Iran is found restarting its programme.",
                "cites": [Cite("000", "seeking US approval to carry out new pre-emptive strikes against Iran")],
            },
            {
                "actor": "israel",
                "on": DEC_REPORT,
                "stance": ST.INSISTS,
                "channel": CH.ANONYMOUS_OFFICIAL,
                "confidence": CF.MEDIUM,
                "summary": "Iran must not be allowed to rebuild its missile arsenal.",
                "cites": [
                    Cite(
                        "002",
                        "We cannot allow them to rebuild this capability",
                        "A source familiar with the Israeli leadership's position.",
                    )
                ],
            },
        ],
    },
]

# --------------------------------------------------------------------------------------------------------------
# Meetings. Where only the day is known, local noon stands in and time_known is False.
# --------------------------------------------------------------------------------------------------------------

NY, DOHA, RIYADH = "America/New_York", "Asia/Qatar", "Asia/Riyadh"
MF, MS, PR = Meeting.Format, Meeting.Status, Participant.Role

MEETINGS = [
    {
        "title": "Witkoff meets Netanyahu ahead of the White House talks",
        "starts_at": at(D(2025, 2, 3), NY),
        "time_zone": NY,
        "time_known": False,
        "location": "Washington, D.C. (analyst's assumption)",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "summary": (
            "Trump's envoy saw the Israeli prime minister on the Monday before his White House visit and said "
            "afterwards that Washington was hopeful. The source gives neither venue nor hour; Washington is "
            "the analyst's assumption because Netanyahu was in the US for the visit."
        ),
        "tracks": [GAZA],
        "proposals": [],
        "sticking_points": [],
        "participants": [("steve-witkoff", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [Cite("001", "who met with the Israeli leader on Monday")],
    },
    {
        "title": "Trump–Netanyahu talks at the White House",
        "starts_at": at(D(2025, 2, 4), NY),
        "time_zone": NY,
        "time_known": False,
        "location": "White House, Washington, D.C.",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "summary": (
            "Set for the early afternoon, with Gaza's paused war and Iran on the agenda, just as indirect talks "
            "on the ceasefire's second phase were due. Trump said he could not promise the truce would hold; "
            "Netanyahu's office said a team would fly to Qatar that weekend. Both leaders want Saudi Arabia to "
            "normalise ties with Israel. The source is a same-day preview, so no outcome is recorded."
        ),
        "tracks": [GAZA, "us-iran-nuclear-talks", "israel-saudi-normalisation"],
        "proposals": [],
        "sticking_points": ["palestinian-statehood-normalisation"],
        "participants": [("donald-trump", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [
            Cite(
                "001",
                "are due to meet in the early afternoon on Tuesday",
                "The exact hour was not announced; only the day is stored as known.",
            )
        ],
    },
    {
        "title": "Netanyahu's second White House visit of 2025",
        "starts_at": at(D(2025, 4, 7), NY),
        "time_zone": NY,
        "time_known": False,
        "location": "White House, Washington, D.C.",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "summary": (
            "Analyst's judgement. The report on the 7 July dinner describes the July 2025 trip as the third "
            "time Netanyahu had come to "
            "the White House since January 2025, so another visit fell between February and July. The date, 7 "
            "April 2025, is the analyst's and appears in no source; nothing is recorded about what was discussed."
        ),
        "tracks": [],
        "proposals": [],
        "sticking_points": [],
        "participants": [("donald-trump", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [
            Cite(
                "003",
                "This is Netanyahu’s third White House visit since Trump’s return to power",
                "Supports a visit between February and July 2025; the day is the analyst's inference.",
            )
        ],
    },
    {
        "title": "Trump meets al-Sharaa in Riyadh",
        "starts_at": at(D(2025, 5, 14), RIYADH),
        "time_zone": RIYADH,
        "time_known": False,
        "location": "Riyadh",
        "country": "saudi-arabia",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "summary": (
            "Trump's first meeting with Syria's president, after which Washington began lifting sanctions on "
            "Syria. The source gives the month, May 2025; the day is the analyst's estimate."
        ),
        "tracks": ["israel-syria-security-arrangement"],
        "proposals": [],
        "sticking_points": [],
        "participants": [
            ("donald-trump", PR.DELEGATION_HEAD, "united-states"),
            ("ahmed-al-sharaa", PR.DELEGATION_HEAD, "syria"),
        ],
        "cites": [Cite("000", "since meeting Syrian President Ahmed al-Sharaa in Riyadh in May", ANALYST_DAY)],
    },
    {
        "title": "Indirect Israel–Hamas talks in Doha, July 2025 round",
        "starts_at": at(D(2025, 7, 6), DOHA),
        "time_zone": DOHA,
        "time_known": False,
        "location": "Doha",
        "country": "qatar",
        "format": MF.INDIRECT,
        "status": MS.HELD,
        "summary": (
            "Proximity talks on the Witkoff draft, opened on Sunday 6 July and continued the next day, with "
            "Qatar and Egypt carrying messages between the Israeli and Hamas teams. ACRPS heard of real "
            "progress; a Palestinian source told the BBC there had been none and that the Israeli team came to "
            "listen without authority to negotiate."
        ),
        "outcome": "No breakthrough by 7 July; the talks were due to resume on Tuesday 8 July.",
        "tracks": [GAZA],
        "proposals": ["witkoff-60-day-truce"],
        "sticking_points": [
            "gaza-truce-withdrawal-lines",
            "gaza-aid-distribution",
            "gaza-truce-guarantee",
            "gaza-end-of-war",
        ],
        "participants": [
            ("qatar", PR.MEDIATOR, None),
            ("egypt", PR.MEDIATOR, None),
            ("israel", PR.DELEGATE, None),
            ("hamas", PR.DELEGATE, None),
        ],
        "cites": [
            Cite("004", "The latest round of negotiations commenced Sunday in Doha"),
            Cite("000", "The Doha negotiations are reportedly making significant progress"),
            Cite("003", "there has been no breakthrough: “Not even an inch.”"),
        ],
    },
    {
        "title": "Trump–Netanyahu working dinner at the White House",
        "starts_at": at(D(2025, 7, 7), NY, 18, 30),
        "time_zone": NY,
        "time_known": True,
        "location": "White House, Washington, D.C.",
        "country": "united-states",
        "format": MF.WORKING_DINNER,
        "status": MS.HELD,
        "closed_door": True,
        "summary": (
            "The leaders' first encounter after the US took part in Israel's attack on Iran's nuclear facilities. "
            "It began on Gaza "
            "and spread to Iran and normalisation with Arab states. Trump told reporters Hamas wanted a "
            "ceasefire; both men spoke of Gazans leaving voluntarily; Netanyahu said he had put Trump forward "
            "for the Nobel Peace Prize. ACRPS calls the meeting closed-door, although the report on the dinner "
            "has Trump "
            "speaking to reporters during the dinner."
        ),
        "outcome": "No concrete progress announced; a second meeting followed the next day.",
        "tracks": [GAZA, "us-iran-nuclear-talks", "israel-syria-security-arrangement", "israel-saudi-normalisation"],
        "proposals": ["witkoff-60-day-truce"],
        "sticking_points": ["gaza-displacement"],
        "participants": [("donald-trump", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [
            Cite("004", "6:30 pm local time (22:30 GMT)"),
            Cite("000", "held two closed-door meetings on 7 and 8 July"),
            Cite("003", "nominated Trump for the Nobel Peace Prize"),
        ],
    },
    {
        "title": "Qatari delegation meets senior US officials",
        "starts_at": at(D(2025, 7, 8), NY),
        "time_zone": NY,
        "time_known": False,
        "location": "Washington, D.C.",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "summary": (
            "A Qatari team saw senior Trump administration officials a few hours before Trump's second meeting "
            "with Netanyahu, as the Doha talks were said to be moving."
        ),
        "tracks": [GAZA],
        "proposals": ["witkoff-60-day-truce"],
        "sticking_points": [],
        "participants": [("united-states", PR.HOST, None), ("qatar", PR.GUEST, None)],
        "cites": [Cite("000", "met with senior Trump administration officials just hours before")],
    },
    {
        "title": "Unannounced second Trump–Netanyahu meeting",
        "starts_at": at(D(2025, 7, 8), NY),
        "ends_at": at(D(2025, 7, 8), NY, 13, 30),
        "time_zone": NY,
        "time_known": False,
        "location": "White House, Washington, D.C.",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "closed_door": True,
        "unannounced": True,
        "summary": (
            "A 90-minute follow-up the day after the dinner, not announced in advance, needed because the first "
            "meeting had strayed from Gaza to Iran and normalisation. US outlets said Trump pushed Netanyahu to "
            "give ground for a ceasefire. The hour is not known; only the length is."
        ),
        "tracks": [GAZA, "us-iran-nuclear-talks", "israel-saudi-normalisation"],
        "proposals": ["witkoff-60-day-truce"],
        "sticking_points": ["gaza-truce-withdrawal-lines", "gaza-aid-distribution", "gaza-truce-guarantee"],
        "participants": [("donald-trump", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [
            Cite("000", "a second, unannounced 90-minute meeting the following day"),
            Cite("000", "American media reported that Trump had pressured Netanyahu during the second meeting"),
        ],
    },
    {
        "title": "Trump–Netanyahu meeting at the White House in the autumn",
        "starts_at": at(D(2025, 9, 29), NY),
        "time_zone": NY,
        "time_known": False,
        "location": "White House, Washington, D.C.",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.HELD,
        "summary": (
            "Analyst's judgement. The December preview counts the Mar-a-Lago talks as the sixth meeting of the "
            "two leaders within a year, which "
            "leaves one meeting between July and December that no source dates. The analyst records it on 29 "
            "September 2025, when Netanyahu was received at the White House before the October agreement; the "
            "date comes from outside the cited sources, and nothing about its content is recorded here."
        ),
        "tracks": [GAZA],
        "proposals": [],
        "sticking_points": [],
        "participants": [("donald-trump", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [
            Cite(
                "002",
                "sixth meeting with Trump over the past year",
                "Supports a meeting between July and December 2025; the day is the analyst's estimate, "
                "not the source's.",
            )
        ],
    },
    {
        "title": "Trump–Netanyahu meeting at Mar-a-Lago",
        "starts_at": at(D(2025, 12, 29), NY),
        "time_zone": NY,
        "time_known": False,
        "location": "Mar-a-Lago, Palm Beach, Florida",
        "country": "united-states",
        "format": MF.BILATERAL,
        "status": MS.SCHEDULED,
        "summary": (
            "Previewed as pivotal: by the preview's count Netanyahu's sixth meeting with Trump in a year, more "
            "than any other head of state. Expected topics: moving the Gaza deal to its second phase, further "
            "Israeli withdrawals, Hamas's weapons, roles for Turkey, Qatar and the PA, Iran's missile "
            "rebuilding and Hezbollah's disarmament. Recorded as scheduled because the source is a preview."
        ),
        "tracks": [GAZA, "us-iran-nuclear-talks", "israel-lebanon-ceasefire"],
        "proposals": ["gaza-ceasefire-october-2025", "israel-hezbollah-ceasefire-november-2024"],
        "sticking_points": [
            "gaza-hamas-disarmament",
            "gaza-stabilisation-force",
            "gaza-postwar-roles-turkey-qatar-pa",
            "iran-rearmament-and-israeli-strikes",
            "hezbollah-disarmament",
        ],
        "participants": [("donald-trump", PR.HOST, "united-states"), ("benjamin-netanyahu", PR.GUEST, "israel")],
        "cites": [
            Cite("002", "on Monday at the US president’s Mar-a-Lago residence"),
            Cite("002", "sixth meeting with Trump over the past year"),
        ],
    },
]

# --------------------------------------------------------------------------------------------------------------
# Figures: who claimed what, when. Conflicting or repeated claims stand side by side.
# --------------------------------------------------------------------------------------------------------------

# Claimants of figures from the two reports whose outlet is not identified.
SEED_002 = "The December 2025 Mar-a-Lago preview (outlet not identified)"
SEED_003 = "The July 2025 dinner report (outlet not identified)"

FIGURES = [
    {
        "metric": "captives-taken-october-2023",
        "label": "Captives taken into Gaza in the October 2023 attack",
        "value": "251",
        "as_of": D(2025, 7, 7),
        "claimed_by": "al-jazeera",
        "track": GAZA,
        "cites": [Cite("004", "251 captives taken by Palestinian fighters during the October 2023 attack")],
    },
    {
        "metric": "captives-held-in-gaza",
        "label": "Captives still held in Gaza",
        "value": "49",
        "as_of": D(2025, 7, 7),
        "claimed_by": "al-jazeera",
        "track": GAZA,
        "cites": [Cite("004", "49 remain in Gaza")],
    },
    {
        "metric": "captives-held-in-gaza-dead",
        "label": "Captives held in Gaza who are believed dead",
        "value": "27",
        "as_of": D(2025, 7, 7),
        "claimed_by": "israel-defense-forces",
        "track": GAZA,
        "note": "The Israeli military's assessment, relayed by Al Jazeera.",
        "cites": [Cite("004", "27 whom the Israeli military says are dead")],
    },
    {
        "metric": "captives-released-first-phase",
        "label": "Captives freed by Hamas in the January 2025 truce's first phase, so far",
        "value": "18",
        "as_of": D(2025, 2, 4),
        "claimed_by": "al-jazeera",
        "track": GAZA,
        "cites": [Cite("001", "During the first phase, Hamas released 18 captives")],
    },
    {
        "metric": "palestinians-killed-gaza",
        "label": "Palestinians killed in Gaza since October 2023",
        "value_low": "57500",
        "as_of": D(2025, 7, 7),
        "claimed_by": "gaza-health-ministry",
        "track": GAZA,
        "note": "Given as more than 57,500: a lower bound.",
        "cites": [Cite("004", "more than 57,500 Palestinians killed")],
    },
    {
        "metric": "palestinians-killed-24h",
        "label": "Palestinians killed in Gaza in the preceding 24 hours",
        "value": "52",
        "as_of": D(2025, 7, 7),
        "claimed_by": "gaza-health-ministry",
        "track": GAZA,
        "note": "Reported around the 7 July dinner; the 24-hour window is not dated more precisely.",
        "cites": [Cite("003", "reported 52 Palestinians killed in the past 24 hours")],
    },
    # The same deaths, reported by two claimants.
    {
        "metric": "israeli-soldiers-killed-beit-hanoun",
        "label": "Israeli soldiers killed in Beit Hanoun on 7 July 2025",
        "value": "5",
        "as_of": D(2025, 7, 7),
        "claimed_by": "israel-defense-forces",
        "track": GAZA,
        "cites": [Cite("003", "reported five soldiers killed in northern Gaza’s Beit Hanoun")],
    },
    {
        "metric": "israeli-soldiers-killed-beit-hanoun",
        "label": "Israeli soldiers killed in Beit Hanoun on 7 July 2025",
        "value": "5",
        "as_of": D(2025, 7, 7),
        "claimed_by": "acrps",
        "track": GAZA,
        "note": "ACRPS attributes the attack to the Qassam Brigades.",
        "cites": [Cite("000", "killed five Israeli soldiers and wounded 14 others")],
    },
    {
        "metric": "israeli-soldiers-wounded-beit-hanoun",
        "label": "Israeli soldiers wounded in Beit Hanoun on 7 July 2025",
        "value": "14",
        "as_of": D(2025, 7, 7),
        "claimed_by": "acrps",
        "track": GAZA,
        "cites": [Cite("000", "killed five Israeli soldiers and wounded 14 others")],
    },
    {
        "metric": "gaza-population",
        "label": "People living in Gaza",
        "value": "2000000",
        "as_of": D(2025, 7, 7),
        "claimant_name": SEED_003,
        "track": GAZA,
        "cites": [Cite("003", "to move Gaza’s 2 million residents into a southern camp")],
    },
    {
        "metric": "ceasefire-deal-alignment",
        "label": "How far the draft deal matches Israel's earlier aims",
        "value_low": "80",
        "value_high": "90",
        "unit": "percent",
        "as_of": D(2025, 7, 7),
        "claimant_name": "senior Israeli official",
        "track": GAZA,
        "cites": [Cite("003", "a deal was “80–90%” aligned with previous negotiation goals")],
    },
    # One metric over time, from two reports.
    {
        "metric": "gaza-area-under-israeli-control",
        "label": "Share of Gaza held by Israeli forces",
        "value": "66.67",
        "unit": "percent",
        "as_of": D(2025, 7, 7),
        "claimant_name": SEED_003,
        "track": GAZA,
        "note": "Given as two-thirds.",
        "cites": [Cite("003", "where it currently holds two-thirds of the territory")],
    },
    {
        "metric": "gaza-area-under-israeli-control",
        "label": "Share of Gaza held by Israeli forces",
        "value": "50",
        "unit": "percent",
        "as_of": DEC_REPORT,
        "claimant_name": SEED_002,
        "track": GAZA,
        "note": "Given as roughly half.",
        "cites": [Cite("002", "continue to control roughly half of Gaza")],
    },
    {
        "metric": "gaza-war-duration",
        "label": "Length of the Gaza war",
        "value": "21",
        "unit": "months",
        "as_of": D(2025, 7, 7),
        "claimed_by": "al-jazeera",
        "track": GAZA,
        "cites": [Cite("004", "the 21-month-long war")],
    },
    {
        "metric": "gaza-war-duration",
        "label": "Length of the Gaza war",
        "value": "21",
        "unit": "months",
        "as_of": D(2025, 7, 12),
        "claimed_by": "acrps",
        "track": GAZA,
        "cites": [Cite("000", "Israel’s 21-month war on Gaza")],
    },
    {
        "metric": "temporary-truces-since-october-2023",
        "label": "Temporary truces agreed since October 2023",
        "value": "2",
        "unit": "truces",
        "as_of": D(2025, 7, 7),
        "claimed_by": "al-jazeera",
        "track": GAZA,
        "cites": [Cite("004", "two temporary truces have been brokered")],
    },
    {
        "metric": "philadelphi-corridor-length",
        "label": "Length of the Philadelphi (Salah al-Din) corridor",
        "value": "9",
        "unit": "miles",
        "as_of": D(2025, 7, 12),
        "claimed_by": "acrps",
        "track": GAZA,
        "cites": [Cite("000", "the nine-mile Salah al-Din (Philadelphi) Corridor")],
    },
    {
        "metric": "morag-corridor-length",
        "label": "Length of the Morag corridor",
        "value": "3",
        "unit": "miles",
        "as_of": D(2025, 7, 12),
        "claimed_by": "acrps",
        "track": GAZA,
        "cites": [Cite("000", "known as the Morag Corridor, which extends for three miles")],
    },
    {
        "metric": "netanyahu-white-house-visits",
        "label": "Netanyahu's White House visits since January 2025",
        "value": "3",
        "unit": "visits",
        "as_of": D(2025, 7, 7),
        "claimant_name": SEED_003,
        "cites": [Cite("003", "This is Netanyahu’s third White House visit since Trump’s return to power")],
    },
    {
        "metric": "netanyahu-trump-meetings-past-year",
        "label": "Netanyahu's meetings with Trump over the past year",
        "value": "6",
        "unit": "meetings",
        "as_of": D(2025, 12, 29),
        "claimant_name": SEED_002,
        "note": "The dataset holds the six meetings (4 February, 7 April, 7 and 8 July, 29 September, 29 "
        "December 2025); the April and September days are the analyst's estimates, not the sources'.",
        "cites": [Cite("002", "sixth meeting with Trump over the past year")],
    },
]


# --------------------------------------------------------------------------------------------------------------
# Loader
# --------------------------------------------------------------------------------------------------------------


class _Loader:
    """Walks the dataset, writing each record found by its natural key only when a value differs."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.written = 0
        self.actors: dict[str, Actor] = {}
        self.tracks: dict[str, Track] = {}
        self.proposals: dict[str, Proposal] = {}
        self.points: dict[str, StickingPoint] = {}

    def upsert(self, model: type[models.Model], lookup: dict, values: dict | None = None) -> models.Model:
        values = values or {}
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
        else:
            changed = {field: value for field, value in values.items() if getattr(obj, field) != value}
            if not changed:
                self.rows[str(model._meta.verbose_name_plural)] += 1
                return obj
            for field, value in changed.items():
                setattr(obj, field, value)
        obj.full_clean()
        obj.save()
        self.written += 1
        self.rows[str(model._meta.verbose_name_plural)] += 1
        return obj

    def cite(self, record: models.Model, cites: list[Cite]) -> None:
        content_type = ContentType.objects.get_for_model(record)
        merged: dict[str, tuple[list[str], list[str]]] = {}
        for cite in cites:  # One citation per record and seed; several passages are joined.
            quotes, notes = merged.setdefault(cite.seed, ([], []))
            for bucket, text in ((quotes, cite.quote), (notes, cite.note)):
                if text and text not in bucket:
                    bucket.append(text)
        for seed, (quotes, notes) in merged.items():
            source = SOURCES[seed]
            self.upsert(
                Citation,
                {"content_type": content_type, "object_id": record.pk, "title": source.title},
                {
                    "url": source.url,
                    "publisher": source.publisher,
                    "published_on": source.published_on,
                    "quote": " … ".join(quotes),
                    "note": " ".join(filter(None, [source.note, *notes])),
                },
            )

    def actor(self, slug: str | None) -> Actor | None:
        return self.actors[slug] if slug else None

    def run(self) -> dict[str, int]:
        self.load_actors()
        self.load_tracks()
        self.load_proposals()
        self.load_sticking_points()
        self.load_meetings()
        self.load_figures()
        return {**dict(self.rows), "written": self.written}

    def load_actors(self) -> None:
        for data in ACTORS:
            actor = self.upsert(
                Actor,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "kind": data["kind"],
                    "country": self.actor(data.get("country")),
                    "description": data["description"],
                },
            )
            self.actors[actor.slug] = actor
            for name, language, *kind in [(data["name"], "en"), *data["aliases"]]:
                self.upsert(
                    Alias,
                    {"actor": actor, "normalized": alias_key(name)},
                    {"name": nfc(name), "language": language, "kind": kind[0] if kind else Alias.Kind.NAME},
                )
            if data.get("wikidata"):
                self.upsert(
                    ExternalIdentifier,
                    {"scheme": ExternalIdentifier.Scheme.WIKIDATA, "value": data["wikidata"]},
                    {"actor": actor},
                )
            self.cite(actor, data["cites"])
        for actor_slug, organisation, title, start, end, sole, cites in AFFILIATIONS:
            affiliation = self.upsert(
                Affiliation,
                {
                    "actor": self.actors[actor_slug],
                    "organisation": self.actors[organisation],
                    "title": title,
                    "start_date": start,
                },
                {"end_date": end, "sole_holder": sole},
            )
            self.cite(affiliation, cites)

    def load_tracks(self) -> None:
        for data in TRACKS:
            track = self.upsert(
                Track,
                {"slug": data["slug"]},
                {
                    "name": data["name"],
                    "status": data["status"],
                    "started_on": data.get("started_on"),
                    "description": data["description"],
                },
            )
            self.tracks[track.slug] = track
            for actor_slug, role in data["actors"]:
                self.upsert(TrackActor, {"track": track, "actor": self.actors[actor_slug], "role": role})
            for phase_data in data["phases"]:
                phase = self.upsert(
                    Phase,
                    {"track": track, "sequence": phase_data["sequence"]},
                    {field: phase_data.get(field) for field in ("starts_on", "ends_on", "deadline")}
                    | {field: phase_data[field] for field in ("name", "status", "opening_conditions")},
                )
                self.cite(phase, phase_data["cites"])
            self.cite(track, data["cites"])

    def load_proposals(self) -> None:
        for data in PROPOSALS:
            proposal = self.upsert(
                Proposal,
                {"slug": data["slug"]},
                {
                    "track": self.tracks[data["track"]],
                    "title": data["title"],
                    "version_label": data["version_label"],
                    "proposer": self.actors[data["proposer"]],
                    "summary": data["summary"],
                },
            )
            proposal.channel.set([self.actors[slug] for slug in data["channel"]])
            self.proposals[proposal.slug] = proposal
            self.cite(proposal, data["cites"])
            for event_data in data["events"]:
                event = self.upsert(
                    ProposalEvent,
                    {"proposal": proposal, "kind": event_data["kind"], "occurred_on": event_data["on"]},
                    {"actor": self.actor(event_data["actor"]), "note": event_data["note"]},
                )
                self.cite(event, event_data["cites"])
            for position, term_data in enumerate(data["terms"], start=1):
                quantity = term_data.get("quantity")
                term = self.upsert(
                    Term,
                    {"proposal": proposal, "key": term_data["key"]},
                    {
                        "kind": term_data["kind"],
                        "position": position,
                        "text": term_data["text"],
                        "quantity": None if quantity is None else Decimal(quantity),
                        "unit": term_data.get("unit", ""),
                        "quantity_is_open": term_data.get("open", False),
                    },
                )
                self.cite(term, term_data["cites"])
            for response_data in data["responses"]:
                response = self.upsert(
                    Response,
                    {
                        "proposal": proposal,
                        "actor": self.actors[response_data["actor"]],
                        "responded_on": response_data["on"],
                    },
                    {"kind": response_data["kind"], "summary": response_data["summary"]},
                )
                self.cite(response, response_data["cites"])

    def load_sticking_points(self) -> None:
        for data in STICKING_POINTS:
            point = self.upsert(
                StickingPoint,
                {"slug": data["slug"]},
                {
                    "track": self.tracks[data["track"]],
                    "title": data["title"],
                    "category": data["category"],
                    "description": data["description"],
                },
            )
            self.points[point.slug] = point
            self.cite(point, data["cites"])
            for status_data in data["statuses"]:
                change = self.upsert(
                    StickingPointStatus,
                    {"sticking_point": point, "changed_on": status_data["on"], "status": status_data["status"]},
                    {"note": status_data["note"]},
                )
                self.cite(change, status_data["cites"])
            for position_data in data["positions"]:
                position = self.upsert(
                    Position,
                    {
                        "sticking_point": point,
                        "actor": self.actors[position_data["actor"]],
                        "stated_on": position_data["on"],
                    },
                    {field: position_data[field] for field in ("stance", "channel", "confidence", "summary")},
                )
                self.cite(position, position_data["cites"])

    def load_meetings(self) -> None:
        for data in MEETINGS:
            meeting = self.upsert(
                Meeting,
                {"title": data["title"], "starts_at": data["starts_at"]},
                {
                    "ends_at": data.get("ends_at"),
                    "time_zone": data["time_zone"],
                    "time_known": data["time_known"],
                    "location": data["location"],
                    "country": self.actors[data["country"]],
                    "format": data["format"],
                    "status": data["status"],
                    "closed_door": data.get("closed_door", False),
                    "unannounced": data.get("unannounced", False),
                    "summary": data["summary"],
                    "outcome": data.get("outcome", ""),
                },
            )
            meeting.tracks.set([self.tracks[slug] for slug in data["tracks"]])
            meeting.proposals.set([self.proposals[slug] for slug in data["proposals"]])
            meeting.sticking_points.set([self.points[slug] for slug in data["sticking_points"]])
            for actor_slug, role, representing in data["participants"]:
                self.upsert(
                    Participant,
                    {"meeting": meeting, "actor": self.actors[actor_slug]},
                    {"role": role, "representing": self.actor(representing)},
                )
            self.cite(meeting, data["cites"])

    def load_figures(self) -> None:
        for data in FIGURES:
            figure = self.upsert(
                Figure,
                {
                    "metric": data["metric"],
                    "as_of": data["as_of"],
                    "claimed_by": self.actor(data.get("claimed_by")),
                    "claimant_name": data.get("claimant_name", ""),
                },
                {
                    "label": data["label"],
                    **{
                        name: Decimal(data[name]) if name in data else None
                        for name in ("value", "value_low", "value_high")
                    },
                    "unit": data.get("unit", "people"),
                    "track": self.tracks.get(data.get("track", "")),
                    "note": data.get("note", ""),
                },
            )
            self.cite(figure, data["cites"])


def load() -> dict[str, int]:
    """Load (or refresh) the demo dataset; returns rows per model in the dataset and how many were written.

    Call it inside a transaction: `load_demo` does.
    """
    return _Loader().run()
