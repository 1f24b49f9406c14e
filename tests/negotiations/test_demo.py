"""The demo dataset: idempotent, fully cited, multilingual, and written in the analyst's own words."""

import datetime
import io
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models

from actors.models import Actor, Affiliation, Alias, ExternalIdentifier
from actors.selectors import actor_holding
from negotiations import demo
from negotiations.models import (
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
from negotiations.selectors import proposal_status_as_of

pytestmark = pytest.mark.django_db

# The seed articles live beside the repository (../shared/seeds). Without them the checks against the seeds'
# text have nothing to compare with and pass vacuously; everything else still runs.
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

DEMO_MODELS = [
    Actor,
    Alias,
    ExternalIdentifier,
    Affiliation,
    Track,
    TrackActor,
    Phase,
    Meeting,
    Participant,
    Proposal,
    ProposalEvent,
    Term,
    Response,
    StickingPoint,
    StickingPointStatus,
    Position,
    Figure,
    Citation,
]
MUST_BE_CITED = [
    Actor,
    Affiliation,
    Track,
    Phase,
    Meeting,
    Proposal,
    ProposalEvent,
    Term,
    Response,
    StickingPoint,
    StickingPointStatus,
    Position,
    Figure,
]


def seed_texts() -> dict[str, str]:
    """Seed number ("000") to its text, whitespace collapsed; empty when the seeds are not there."""
    paths = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.exists() else []
    return {path.name[:3]: " ".join(path.read_text(encoding="utf-8").split()) for path in paths}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("’", "'").casefold())


def snapshot() -> dict[str, list[dict]]:
    """Every row of the actors and negotiations apps, history tables included, in primary-key order."""
    tables = {}
    for label in ("actors", "negotiations"):
        for model in apps.get_app_config(label).get_models():
            tables[model._meta.label] = list(model.objects.order_by("pk").values())
    return tables


def actor(slug: str) -> Actor:
    return Actor.objects.get(slug=slug)


@pytest.fixture
def loaded():
    demo.load()


def test_loading_twice_leaves_the_same_rows_and_values():
    demo.load()
    first = snapshot()
    demo.load()
    second = snapshot()

    assert {label: len(rows) for label, rows in second.items()} == {label: len(rows) for label, rows in first.items()}
    assert second == first  # No value changed and nothing was re-saved (updated_at and history are untouched).
    for model in DEMO_MODELS:
        assert model.objects.exists(), model.__name__


def test_reloading_restores_edited_values_without_adding_rows(loaded):
    term = Term.objects.get(proposal__slug="witkoff-60-day-truce", key="truce_length")
    Term.objects.filter(pk=term.pk).update(quantity=Decimal("99"), text="edited")
    Alias.objects.filter(actor__slug="benjamin-netanyahu", language="he").delete()
    counts = {model: model.objects.count() for model in DEMO_MODELS}

    demo.load()

    term.refresh_from_db()
    assert term.quantity == Decimal("60")
    assert term.text != "edited"
    assert Alias.objects.filter(actor__slug="benjamin-netanyahu", language="he").count() == 1
    counts[Alias] += 1
    assert {model: model.objects.count() for model in DEMO_MODELS} == counts


def test_load_demo_command_prints_a_one_line_summary_and_leaves_a_record_with_data_alone():
    first, second, reset = io.StringIO(), io.StringIO(), io.StringIO()
    call_command("load_demo", stdout=first)
    assert len(first.getvalue().strip().splitlines()) == 1
    assert f"{Meeting.objects.count()} meetings" in first.getvalue()

    # A user's edit, then scripts/run starting again: the demo is not loaded over it.
    meeting = Meeting.objects.order_by("pk").first()
    Meeting.objects.filter(pk=meeting.pk).update(location="Edited by an analyst")
    before = snapshot()
    call_command("load_demo", stdout=second)
    assert "Demo data not loaded" in second.getvalue() and "--reset" in second.getvalue()
    assert snapshot() == before
    assert Meeting.objects.get(pk=meeting.pk).location == "Edited by an analyst"

    # Asked for explicitly, the reset writes the demo record back, and only that one.
    call_command("load_demo", "--reset", stdout=reset)
    assert "(1 rows written)" in reset.getvalue()
    assert Meeting.objects.get(pk=meeting.pk).location == meeting.location


def test_load_demo_command_loads_nothing_into_a_record_that_has_actors_of_its_own():
    Actor.objects.create(name="Someone", slug="someone", kind=Actor.Kind.PERSON)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "1 actor(s) and 0 track(s)" in out.getvalue()
    assert not Meeting.objects.exists() and Actor.objects.count() == 1


SEED_OF_TITLE = {source.title: number for number, source in demo.SOURCES.items()}


def test_every_record_has_a_citation_to_its_seed(loaded):
    for model in MUST_BE_CITED:
        content_type = ContentType.objects.get_for_model(model)
        cited = set(Citation.objects.filter(content_type=content_type).values_list("object_id", flat=True))
        uncited = set(model.objects.values_list("pk", flat=True)) - cited
        assert not uncited, f"{model.__name__} without a citation: {sorted(uncited)}"

    sources = {source.title: source for source in demo.SOURCES.values()}
    for citation in Citation.objects.all():
        assert citation.title in sources
        assert citation.publisher == sources[citation.title].publisher
        assert citation.url == ""  # no link the tracker cannot vouch for
        assert citation.record is not None


def test_quotes_are_short_and_verbatim_from_their_seed(loaded):
    texts = seed_texts()
    quoted = Citation.objects.exclude(quote="")
    assert quoted.count() > 50
    for citation in quoted:
        for passage in citation.quote.split(" … "):
            assert len(passage.split()) <= 12, passage
            seed = SEED_OF_TITLE[citation.title]
            if seed in texts:
                assert passage in texts[seed], f"not in seed {seed}: {passage}"


def test_every_actor_has_english_and_arabic_aliases(loaded):
    for each in Actor.objects.prefetch_related("aliases"):
        languages = {alias.language for alias in each.aliases.all()}
        assert {"en", "ar"} <= languages, each.slug
        assert each.name in {alias.name for alias in each.aliases.all() if alias.language == "en"}

    netanyahu = actor("benjamin-netanyahu")
    assert netanyahu.aliases.filter(language="he", script="Hebr").exists()
    arabic = netanyahu.aliases.get(language="ar")
    assert arabic.name == "بنيامين نتنياهو"
    assert unicodedata.is_normalized("NFC", arabic.name)
    assert arabic.script == "Arab"
    assert actor("israel").aliases.filter(language="he", name="ישראל").exists()
    assert actor("iran").aliases.filter(language="fa", name="ایران", script="Arab").exists()
    assert actor("karoline-leavitt").aliases.filter(name="Caroline Levitt").exists()
    assert netanyahu.identifiers.get().value == "Q43723"


def test_office_holders_resolve_on_a_date(loaded):
    israel, united_states = actor("israel"), actor("united-states")
    on = datetime.date(2025, 7, 7)
    assert actor_holding(title="Prime Minister", on=on, organisation=israel) == actor("benjamin-netanyahu")
    assert actor_holding(title="President", on=on, organisation=united_states) == actor("donald-trump")
    assert actor_holding(title="President", on=datetime.date(2022, 1, 1), organisation=united_states) is None
    assert actor_holding(title="Minister of Defence", on=on, organisation=israel) == actor("yisrael-katz")
    assert Affiliation.objects.get(actor__slug="mira-resnick").sole_holder is False


def test_meetings_in_july_2025(loaded):
    second = Meeting.objects.get(title="Unannounced second Trump–Netanyahu meeting")
    assert second.unannounced and second.closed_door
    assert second.duration == datetime.timedelta(minutes=90)
    assert not second.time_known

    dinner = Meeting.objects.get(title="Trump–Netanyahu working dinner at the White House")
    assert dinner.starts_at == datetime.datetime(2025, 7, 7, 22, 30, tzinfo=datetime.UTC)
    assert dinner.time_zone == "America/New_York"
    assert dinner.format == Meeting.Format.WORKING_DINNER
    assert dinner.closed_door and dinner.time_known

    doha = Meeting.objects.get(format=Meeting.Format.INDIRECT)
    roles = dict(doha.participant_rows.values_list("actor__slug", "role"))
    assert roles == {"qatar": "mediator", "egypt": "mediator", "israel": "delegate", "hamas": "delegate"}
    assert doha.proposals.filter(slug="witkoff-60-day-truce").exists()

    mar_a_lago = Meeting.objects.get(location__startswith="Mar-a-Lago")
    assert mar_a_lago.status == Meeting.Status.SCHEDULED
    assert mar_a_lago.starts_at.astimezone(datetime.UTC).date() == datetime.date(2025, 12, 29)


def test_sixty_day_proposal_terms(loaded):
    terms = {term.key: term for term in Term.objects.filter(proposal__slug="witkoff-60-day-truce")}
    assert (terms["truce_length"].quantity, terms["truce_length"].unit) == (60, Term.Unit.DAYS)
    assert (terms["living_hostages"].quantity, terms["living_hostages"].unit) == (10, Term.Unit.PEOPLE)
    assert (terms["bodies_returned"].quantity, terms["bodies_returned"].unit) == (18, Term.Unit.BODIES)
    assert terms["prisoners_released"].quantity is None
    assert terms["prisoners_released"].quantity_is_open
    assert {"withdrawal_line", "aid_channel", "follow_on_talks", "guarantee"} <= set(terms)

    proposal = Proposal.objects.get(slug="witkoff-60-day-truce")
    assert set(proposal.channel.values_list("slug", flat=True)) == {"qatar", "egypt"}
    assert dict(proposal.responses.values_list("actor__slug", "kind")) == {"hamas": "conditional", "israel": "accept"}
    assert proposal_status_as_of(proposal, datetime.date(2025, 7, 2)) == Proposal.Status.TABLED
    assert proposal_status_as_of(proposal, datetime.date(2025, 7, 7)) == Proposal.Status.UNDER_DISCUSSION

    october = Proposal.objects.get(slug="gaza-ceasefire-october-2025")
    assert proposal_status_as_of(october, datetime.date(2025, 11, 1)) == Proposal.Status.IN_FORCE


def test_trump_and_netanyahu_meetings_in_the_year_to_mar_a_lago(loaded):
    # The preview (seed 002) calls Mar-a-Lago Netanyahu's sixth meeting with Trump in a year. The seeds date
    # four (4 February, 7 and 8 July, 29 December); seed 003 implies a visit between February and July
    # (7 April, the analyst's day) and seed 002's count one between July and December (29 September, the
    # analyst's day).
    start = datetime.datetime(2024, 12, 30, tzinfo=datetime.UTC)
    end = datetime.datetime(2025, 12, 30, tzinfo=datetime.UTC)
    together = (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .filter(participant_rows__actor__slug="donald-trump")
        .filter(participant_rows__actor__slug="benjamin-netanyahu")
        .distinct()
    )
    days = sorted(meeting.starts_at.date().isoformat() for meeting in together)
    assert days == ["2025-02-04", "2025-04-07", "2025-07-07", "2025-07-08", "2025-09-29", "2025-12-29"]
    claim = Figure.objects.get(metric="netanyahu-trump-meetings-past-year")
    assert claim.value == 6
    assert claim.claimant_name == demo.SEED_002


def test_figures_keep_their_claimants(loaded):
    killed = Figure.objects.filter(metric="israeli-soldiers-killed-beit-hanoun")
    assert {figure.claimed_by.slug for figure in killed} == {"israel-defense-forces", "acrps"}
    assert {figure.value for figure in killed} == {Decimal("5")}
    alignment = Figure.objects.get(metric="ceasefire-deal-alignment")
    assert (alignment.value_low, alignment.value_high, alignment.unit, alignment.claimant_name) == (
        80,
        90,
        "percent",
        "senior Israeli official",
    )
    assert Figure.objects.get(metric="palestinians-killed-24h").claimed_by.slug == "gaza-health-ministry"
    assert Figure.objects.get(metric="captives-held-in-gaza-dead").value == 27


def test_sticking_points_have_dated_statuses_and_positions(loaded):
    for point in StickingPoint.objects.all():
        assert point.status_changes.exists(), point.slug
        assert point.positions.exists(), point.slug
    aid = StickingPoint.objects.get(slug="gaza-aid-distribution")
    assert aid.status_changes.order_by("-changed_on").first().status == StickingPoint.Status.NARROWING
    channels = set(Position.objects.values_list("channel", flat=True))
    assert channels == set(Position.Channel.values)


def test_no_demo_text_copies_twelve_words_from_a_seed(loaded):
    runs = set()
    for text in seed_texts().values():
        tokens = words(text)
        runs.update(tuple(tokens[i : i + 12]) for i in range(len(tokens) - 11))

    checked = 0
    for model in DEMO_MODELS:
        fields = [
            field.name
            for field in model._meta.concrete_fields
            # A citation's quote is the source's words by design, and its title is the publication's own.
            if isinstance(field, models.CharField | models.TextField)
            and (model, field.name) not in {(Citation, "quote"), (Citation, "title")}
        ]
        for row in model.objects.values(*fields):
            for value in row.values():
                if not value or len(value) < 60:
                    continue
                checked += 1
                tokens = words(value)
                copied = [tokens[i : i + 12] for i in range(len(tokens) - 11) if tuple(tokens[i : i + 12]) in runs]
                assert not copied, f"{model.__name__}: {' '.join(copied[0])}"
    assert checked > 100
