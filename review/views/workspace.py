"""The review workspace: editors clear the pending queue from the keyboard.

Everyone who may see articles (news.view_article) reads the queue and the article view; only those who may
change articles (editors, administrators) get the actions. An action answers an htmx request with the article
panel alone (the next article's after a verdict, its URL pushed to the history), a plain form post with a
redirect. A refusal keeps the panel and says why: 409 when another editor decided first, 422 for bad input.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from news.models import Article
from review import forms, selectors, services
from review.filters import ArticleFilter

may_see = permission_required("news.view_article", raise_exception=True)
may_act = permission_required("news.change_article", raise_exception=True)


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants the panel alone (htmx's history restore, after Back, wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _queue_query(request: HttpRequest) -> str:
    """The queue's filters, carried from the queue to the article view and its actions (next and previous)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _filtered(request: HttpRequest) -> ArticleFilter:
    return ArticleFilter(request.GET, queryset=selectors.pending())


def _searched(request: HttpRequest) -> bool:
    return bool(request.GET.get("search", "").strip())


def _article_url(pk: int, query: str) -> str:
    url = reverse("review:article", kwargs={"pk": pk})
    return f"{url}?{query}" if query else url


@require_GET
@login_required
@may_see
def queue(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    filtered = any(value for key, value in request.GET.items() if key != "page")
    counts = selectors.queue_counts()
    asked = request.GET.get("page")
    pages = selectors.queue_pages(
        filterset.qs, asked=asked, total=None if filtered else counts["total"], searched=_searched(request)
    )
    page = pages.get_page(asked)
    query = _queue_query(request)
    return render(
        request,
        "review/queue.html",
        {
            "title": "Review queue",
            "nav_section": "review",
            "filterset": filterset,
            "filtered": filtered,
            "page": page,
            "rows": [(article, _article_url(article.pk, query)) for article in page],
            "counts": counts,
            "actors": selectors.filter_actors(),
            "query": query,
            "may_act": request.user.has_perm("news.change_article"),
        },
    )


@require_GET
@login_required
@may_see
def article(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_article(request, pk)


def _render_article(
    request: HttpRequest,
    pk: int | None,
    *,
    notice: str = "",
    error: str = "",
    submitted: dict | None = None,
    status: int = 200,
    push: bool = False,
) -> HttpResponse:
    """The article view (the panel alone for htmx); pk None is the cleared queue."""
    query = _queue_query(request)
    context = {
        "nav_section": "review",
        "notice": notice,
        "error": error,
        "submitted": submitted or {},
        "query": query,
        "queue_url": f"{reverse('review:queue')}?{query}" if query else reverse("review:queue"),
        "may_act": request.user.has_perm("news.change_article"),
        # The forms this user may open (review.selectors.RECORD_KINDS): none for editors and viewers.
        "record_kinds": [
            (kind, selectors.RECORD_KINDS[kind][0].lower()) for kind in selectors.record_kinds_for(request.user)
        ],
    }
    if pk is not None:
        try:
            article = selectors.article_for_review(pk)
        except Article.DoesNotExist:
            raise Http404("No such article.") from None
        context.update(_article_context(request, article))
    else:
        context.update(
            {
                "article": None,
                "title": "Queue cleared",
                "remaining": selectors.queue_size(_filtered(request).qs, searched=_searched(request)),
            }
        )
    if context["may_act"]:
        context["last_verdict"] = selectors.last_verdict(request.user)
    template = "review/_panel.html" if _is_htmx(request) else "review/article.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    if push and _is_htmx(request):
        response["HX-Push-Url"] = _article_url(pk, query) if pk is not None else context["queue_url"]
    return response


def _article_context(request: HttpRequest, article: Article) -> dict:
    filterset = _filtered(request)
    previous, following = selectors.neighbours(article, filterset.qs)
    threshold = selectors.preselect_threshold()
    suggestions = [(s, selectors.record_url(s.record)) for s in selectors.suggestions_for(article)]
    mentioned = {mention.actor_id: mention.actor for mention in article.mentions.all()}
    return {
        "title": article.title,
        "article": article,
        "paragraphs": selectors.body_paragraphs(article),
        "mentioned": sorted(mentioned.values(), key=lambda actor: actor.name.casefold()),
        "preselected": [item for item in suggestions if item[0].score >= threshold],
        "more_suggestions": [item for item in suggestions if item[0].score < threshold],
        "same_story": selectors.same_story(article),
        "previous_url": previous and _article_url(previous.pk, _queue_query(request)),
        "next_url": following and _article_url(following.pk, _queue_query(request)),
        "remaining": selectors.queue_size(filterset.qs, searched=_searched(request)),
    }


def _refused(request: HttpRequest, pk: int, error: Exception | str, submitted: dict) -> HttpResponse:
    """The article again with the reason its action was refused; nothing was changed."""
    status = 409 if isinstance(error, services.ReviewConflict) else 422
    return _render_article(request, pk, error=str(error), submitted=submitted, status=status)


def _decided(request: HttpRequest, article: Article, notice: str) -> HttpResponse:
    """After a verdict: the next pending article of the queue (as filtered), or the cleared queue."""
    _, following = selectors.neighbours(article, _filtered(request).qs)
    if _is_htmx(request):
        return _render_article(request, following and following.pk, notice=notice, push=True)
    messages.success(request, notice)
    if following is None:
        return redirect(f"{reverse('review:queue')}?{_queue_query(request)}")
    return redirect(_article_url(following.pk, _queue_query(request)))


def _article_to_review(pk: int) -> Article:
    return get_object_or_404(Article.objects.defer("raw_html", "content_html", "feed_content"), pk=pk)


@require_POST
@login_required
@may_act
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_to_review(pk)
    form = forms.AcceptForm(request.POST)
    submitted = {"quote": request.POST.get("quote", ""), "note": request.POST.get("note", "")}
    if not form.is_valid():
        return _refused(request, pk, forms.first_error(form), submitted)
    try:
        citations = services.article_accept(
            article=article,
            reviewer=request.user,
            suggestion_ids=form.cleaned_data["suggestion"],
            note=form.cleaned_data["note"],
            quote=form.cleaned_data["quote"],
        )
    except services.ReviewError as error:
        return _refused(request, pk, error, submitted)
    quoted = " with the quote" if citations and form.cleaned_data["quote"].strip() else ""
    return _decided(request, article, f"Accepted “{article.title}”: {len(citations)} citation(s) made{quoted}.")


@require_POST
@login_required
@may_act
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_to_review(pk)
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, forms.first_error(form), {})
    try:
        services.article_reject(article=article, reviewer=request.user, reason=form.cleaned_data["reason"])
    except services.ReviewError as error:
        return _refused(request, pk, error, {"reason": form.cleaned_data["reason"]})
    return _decided(request, article, f"Rejected “{article.title}”.")


@require_POST
@login_required
@may_act
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_to_review(pk)
    form = forms.DuplicateForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, forms.first_error(form), {})
    try:
        services.article_mark_duplicate(article=article, reviewer=request.user, original=form.cleaned_data["article"])
    except services.ReviewError as error:
        return _refused(request, pk, error, {})
    return _decided(request, article, f"Marked “{article.title}” a duplicate of article {article.duplicate_of_id}.")


@require_POST
@login_required
@may_act
def undo(request: HttpRequest) -> HttpResponse:
    form = forms.UndoForm(request.POST)
    if not form.is_valid():
        raise Http404("No such article.")
    article = _article_to_review(form.cleaned_data["article"])
    try:
        services.article_undo(article=article, reviewer=request.user)
    except services.ReviewError as error:
        if _is_htmx(request):
            return _refused(request, article.pk, error, {})
        messages.error(request, str(error))
        return redirect(_article_url(article.pk, _queue_query(request)))
    notice = f"Undone: “{article.title}” is pending again."
    if _is_htmx(request):
        return _render_article(request, article.pk, notice=notice, push=True)
    messages.success(request, notice)
    return redirect(_article_url(article.pk, _queue_query(request)))


@require_POST
@login_required
@may_act
def bulk(request: HttpRequest) -> HttpResponse:
    form = forms.BulkForm(request.POST)
    if form.is_valid():
        try:
            decided, refusals = services.articles_review_bulk(
                article_ids=form.cleaned_data["article"],
                reviewer=request.user,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
            )
        except services.ReviewError as error:
            messages.error(request, str(error))
        else:
            verb = "Accepted" if form.cleaned_data["verdict"] == "accept" else "Rejected"
            if decided:
                messages.success(request, f"{verb} {decided} article(s).")
            for refusal in refusals:
                messages.error(request, refusal)
    else:
        messages.error(request, forms.first_error(form))
    query = _queue_query(request)
    return redirect(f"{reverse('review:queue')}?{query}" if query else reverse("review:queue"))
