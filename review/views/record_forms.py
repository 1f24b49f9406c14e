"""From an article to the record: forms pre-filled from the article, saved with their citation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html

from .. import selectors, services
from ..forms import FORMS, RecordForm


@login_required
def record_form(request, pk, kind):
    """GET: the form for `kind`, pre-filled from article `pk` (`?quote=` carries the passage selected in the
    article view). POST: the record and its citation, then back to the article."""
    if kind not in selectors.RECORD_KINDS:
        raise Http404(f"No kind of record is called {kind!r}.")
    if kind not in selectors.record_kinds_for(request.user):
        raise PermissionDenied
    article = selectors.article_for_record(pk)
    form = FORMS[kind](
        request.POST if request.method == "POST" else None,
        article=article,
        choices=selectors.record_choices(article, kind),
        quote=request.GET.get("quote", ""),
    )
    if form.is_bound and form.is_valid():
        try:
            record = services.record_from_article(
                kind=kind,
                article=article,
                values=form.record_values(),
                quote=form.cleaned_data["quote"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _saved_message(kind, record))
            return redirect("review:article", pk=article.pk)
    label = selectors.RECORD_KINDS[kind][0]
    return render(
        request,
        "review/record_form.html",
        {"form": form, "article": article, "kind": kind, "label": label, "nav_section": "review"},
        status=400 if form.is_bound else 200,
    )


def _add_errors(form: RecordForm, error: ValidationError) -> None:
    """The record's or the citation's validation errors on the form: under their field when the form has
    it, above the form otherwise (naming the field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        elif name == "__all__":
            form.add_error(None, errors)
        else:
            form.add_error(None, [f"{name.replace('_', ' ').capitalize()}: {message}" for message in errors])


def _saved_message(kind: str, record) -> str:
    """ "Meeting “…” saved with its citation.", linked to the record's page (or the page it shows on)."""
    label = selectors.RECORD_KINDS[kind][0]
    if kind == "meeting":
        url = reverse("meeting", kwargs={"pk": record.pk})
    elif kind == "position":
        url = reverse("sticking-point", kwargs={"slug": record.sticking_point.slug})
    elif kind in {"proposal-event", "response"}:
        url = reverse("proposal", kwargs={"slug": record.proposal.slug})
    elif record.claimed_by is not None:
        url = reverse("actor", kwargs={"slug": record.claimed_by.slug})
    else:
        return f"{label} “{record}” saved with its citation."
    return format_html('{} “<a href="{}">{}</a>” saved with its citation.', label, url, record)
