"""The demo data speaks to users: no internal wording ("seed 002", "by the seed's count") and no placeholder
links in anything a user sees; sources named as the publications they are; ranges kept as ranges."""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from negotiations import demo
from negotiations.models import Citation, Figure
from tests import factories as f

pytestmark = pytest.mark.django_db
INTERNAL = re.compile(r"\bseeds?\b|\.invalid\b|example\.(com|org|net)\b", re.IGNORECASE)
USER_FACING_APPS = ("actors", "negotiations")


@pytest.fixture
def loaded():
    demo.load()


def test_no_text_a_user_sees_uses_internal_wording_or_placeholder_hosts(loaded):
    checked = 0
    for app in USER_FACING_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.object_name.startswith("Historical"):
                continue
            fields = [f.name for f in model._meta.get_fields() if isinstance(f, (models.CharField, models.TextField))]
            for row in model.objects.values_list(*fields) if fields else ():
                for value in row:
                    checked += 1
                    assert not INTERNAL.search(value or ""), f"{model.__name__}: {value}"
    assert checked > 1000


def test_each_source_is_named_as_a_publication(loaded):
    for source in demo.SOURCES.values():
        assert source.title and not source.url
        assert source.publisher or "outlet" in source.note  # an outlet, or the note says it is not identified
    by_title = {c.title: c for c in Citation.objects.all()}
    assessment = by_title[demo.SOURCES["000"].title]
    assert assessment.publisher.startswith("Arab Center for Research and Policy Studies")
    assert assessment.published_on.isoformat() == "2025-07-12"


def test_analyst_judgements_are_marked_as_such(loaded):
    notes = Citation.objects.filter(note__contains="Analyst's judgement")
    assert notes.exists()


def test_a_range_is_stored_as_a_range_in_the_model_the_api_and_the_admin(loaded, client_for):
    alignment = Figure.objects.get(metric="ceasefire-deal-alignment")
    assert (alignment.value, alignment.value_low, alignment.value_high) == (None, Decimal(80), Decimal(90))
    assert alignment.amount == "80–90" and "midpoint" not in alignment.note
    killed = Figure.objects.get(metric="palestinians-killed-gaza")
    assert (killed.value, killed.value_low, killed.value_high) == (None, Decimal(57500), None)
    assert killed.amount == "57500 or more"

    client = client_for("analyst")
    row = client.get(reverse("api:figure-detail", args=[alignment.pk])).json()
    assert (row["value"], row["value_low"], row["value_high"]) == (None, 80.0, 90.0)
    changelist = client.get(reverse("admin:negotiations_figure_changelist")).content.decode()
    assert "80–90" in changelist
    form = client.get(reverse("admin:negotiations_figure_change", args=[alignment.pk])).content.decode()
    assert 'name="value_low"' in form and 'name="value_high"' in form


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": 5, "value_low": 1}, "value"),
        ({}, "value"),
        ({"value_low": 9, "value_high": 3}, "value_high"),
    ],
)
def test_the_api_takes_a_number_or_an_ordered_range(client_for, body, field):
    from tests.api.conftest import send

    base = {"metric": "m", "label": "l", "as_of": "2025-07-07", "claimant_name": "x", "unit": "percent"}
    response = send(client_for("analyst"), "post", reverse("api:figure-list"), {**base, **body})
    assert response.status_code == 400 and list(response.json()) == [field]


def test_the_migration_names_existing_placeholder_sources_and_makes_ranges():
    meeting = f.MeetingFactory()
    old = Citation.objects.create(record=meeting, url="https://seeds.invalid/001", publisher="Al Jazeera", title="x")
    figure = f.FigureFactory(
        metric="ceasefire-deal-alignment", value=Decimal(85), note="Given as a range, 80–90%; the midpoint is stored."
    )
    migration = importlib.import_module("negotiations.migrations.0007_demo_sources_named")
    migration.forwards(apps, None)
    old.refresh_from_db()
    figure.refresh_from_db()
    assert (old.url, old.title) == ("", demo.SOURCES["001"].title)
    assert (figure.value, figure.value_low, figure.value_high, figure.note) == (None, 80, 90, "")
