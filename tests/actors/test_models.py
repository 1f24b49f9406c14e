import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Actor, Alias
from actors.selectors import actor_holding
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_alias_is_stored_in_nfc_with_a_case_folded_key_and_detected_script():
    netanyahu = f.ActorFactory(name="Benjamin Netanyahu")
    # "é" typed as e + combining acute accent (NFD) is stored as one code point.
    decomposed = unicodedata.normalize("NFD", "Binyamin Netanyahu  Café")
    alias = Alias.objects.create(actor=netanyahu, name=decomposed, language="en")
    alias.refresh_from_db()
    assert alias.name == "Binyamin Netanyahu Café"
    assert unicodedata.is_normalized("NFC", alias.name)
    assert alias.normalized == "binyamin netanyahu café"
    assert alias.script == "Latn"


@pytest.mark.parametrize(
    "name,language,script",
    [("نتنياهو", "ar", "Arab"), ("נתניהו", "he", "Hebr"), ("ایران", "fa", "Arab"), ("Нетаньяху", "ru", "Cyrl")],
)
def test_non_latin_aliases_keep_their_script(name, language, script):
    alias = Alias.objects.create(actor=f.ActorFactory(), name=name, language=language)
    alias.refresh_from_db()
    assert alias.name == name
    assert alias.script == script


def test_arabic_alias_with_decomposed_hamza_is_normalised():
    # ALEF + COMBINING HAMZA ABOVE composes to ALEF WITH HAMZA ABOVE under NFC.
    alias = Alias.objects.create(actor=f.ActorFactory(), name="\u0627\u0654سرائيل", language="ar")
    alias.refresh_from_db()
    assert alias.name == "أسرائيل"


def test_alias_unique_per_actor_by_normalised_form():
    actor = f.ActorFactory()
    Alias.objects.create(actor=actor, name="Hamas", language="en")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(actor=actor, name="HAMAS ", language="en")
    # The same spelling may name another actor (it is ambiguous, not wrong).
    Alias.objects.create(actor=f.ActorFactory(), name="Hamas", language="en")


def test_actor_cannot_be_its_own_country():
    state = f.StateFactory()
    state.country = state
    with pytest.raises(IntegrityError), transaction.atomic():
        state.save()


def test_actor_kind_is_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.create(name="Somebody", slug="somebody", kind="alien")


def test_affiliation_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.AffiliationFactory(start_date=datetime.date(2025, 1, 20), end_date=datetime.date(2024, 1, 1))


def test_the_prime_minister_on_a_date_resolves_to_one_person():
    israel = f.StateFactory(name="Israel")
    bennett = f.ActorFactory(name="Naftali Bennett")
    netanyahu = f.ActorFactory(name="Benjamin Netanyahu")
    f.AffiliationFactory(
        actor=bennett,
        organisation=israel,
        title="Prime Minister",
        start_date=datetime.date(2021, 6, 13),
        end_date=datetime.date(2022, 6, 30),
    )
    f.AffiliationFactory(
        actor=netanyahu, organisation=israel, title="Prime Minister", start_date=datetime.date(2022, 12, 29)
    )
    assert actor_holding(title="prime minister", on=datetime.date(2025, 7, 7), organisation=israel) == netanyahu
    assert actor_holding(title="Prime Minister", on=datetime.date(2022, 1, 1), organisation=israel) == bennett
    assert actor_holding(title="Prime Minister", on=datetime.date(2022, 9, 1), organisation=israel) is None


def test_overlapping_sole_holder_affiliations_are_refused_on_clean():
    israel = f.StateFactory()
    f.AffiliationFactory(organisation=israel, title="Prime Minister", start_date=datetime.date(2022, 12, 29))
    clash = f.AffiliationFactory.build(
        actor=f.ActorFactory(), organisation=israel, title="Prime Minister", start_date=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="overlapping"):
        clash.full_clean()
    clash.sole_holder = False
    clash.full_clean()
