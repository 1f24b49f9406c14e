"""Every autocomplete widget in the admin (forms and inlines) answers, in a stable order."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories as f


def autocomplete_fields():
    for model, model_admin in admin.site._registry.items():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        for owner in [model_admin, *inlines]:
            for field_name in owner.autocomplete_fields:
                yield owner.model._meta.app_label, owner.model._meta.model_name, field_name


@pytest.mark.django_db
@pytest.mark.parametrize("app_label,model_name,field_name", sorted(set(autocomplete_fields())))
def test_autocomplete_answers(client_for, app_label, model_name, field_name):
    f.ActorFactory.create_batch(2)
    f.StateFactory.create_batch(2)
    f.ProposalFactory.create_batch(2)
    f.StickingPointFactory.create_batch(2)
    f.ArticleFactory.create_batch(2)
    response = client_for("administrator").get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    assert response.json()["results"], "autocomplete found nothing"
