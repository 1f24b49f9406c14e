import pytest
from django.urls import reverse

from actors.models import Alias
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["نتنياهو", "NETANYAHU", "bibi", "Q43723"])
def test_actor_search_finds_an_actor_by_any_alias_or_identifier(client_for, query):
    netanyahu = f.ActorFactory(name="Benjamin Netanyahu")
    for name, language in [("نتنياهو", "ar"), ("נתניהו", "he"), ("Bibi", "en")]:
        Alias.objects.create(actor=netanyahu, name=name, language=language)
    f.IdentifierFactory(actor=netanyahu, value="Q43723")
    f.ActorFactory(name="Donald Trump")
    response = client_for("viewer").get(reverse("admin:actors_actor_changelist"), {"q": query})
    assert [actor.name for actor in response.context["cl"].result_list] == ["Benjamin Netanyahu"]


def test_actor_autocomplete_answers_arabic_queries(client_for):
    hamas = f.ActorFactory(name="Hamas", kind="armed_group")
    Alias.objects.create(actor=hamas, name="حماس", language="ar")
    response = client_for("analyst").get(
        reverse("admin:autocomplete"),
        {"term": "حماس", "app_label": "negotiations", "model_name": "participant", "field_name": "actor"},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Hamas"]


def test_an_actors_page_lists_its_citations(client_for):
    """actors/ imports no other app: negotiations adds the citations inline (tracker.admin_tools.add_inline)."""
    actor = f.ActorFactory()
    f.CitationFactory(record=actor, title="Envoy named", url="https://example.org/envoy")
    response = client_for("analyst").get(reverse("admin:actors_actor_change", args=[actor.pk]))
    assert response.status_code == 200
    assert [type(formset.opts).__name__ for formset in response.context["inline_admin_formsets"]][-1] == (
        "CitationInline"
    )
    assert b"https://example.org/envoy" in response.content
