"""Record pages: an actor, a meeting, a proposal, a sticking point, with citations, history and links.

Read-only pages for every role that may view the record; a user who may change it (an analyst, an
administrator) also gets a link to the record's admin page, where edits go through the admin's services.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Model
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from .. import record_selectors


def _edit_url(user, record: Model) -> str:
    """The record's admin change page, for a user who may change it there; "" for anyone else."""
    opts = record._meta
    if not (user.is_staff and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")):
        return ""
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def _render(request, template: str, page, record: Model, title: str):
    context = {
        "page": page,
        "record": record,
        "title": title,
        "nav_section": "dashboard",
        "edit_url": _edit_url(request.user, record),
    }
    return render(request, f"negotiations/records/{template}", context)


@login_required
@permission_required("actors.view_actor", raise_exception=True)
def actor_detail(request, slug):
    page = record_selectors.actor_page(slug=slug)
    if page is None:
        raise Http404("No actor by that name.")
    return _render(request, "actor.html", page, page.actor, page.actor.name)


@login_required
@permission_required("negotiations.view_meeting", raise_exception=True)
def meeting_detail(request, pk):
    page = record_selectors.meeting_page(pk=pk)
    if page is None:
        raise Http404("No such meeting.")
    return _render(request, "meeting.html", page, page.meeting, page.meeting.title)


@login_required
@permission_required("negotiations.view_proposal", raise_exception=True)
def proposal_detail(request, slug):
    page = record_selectors.proposal_page(slug=slug)
    if page is None:
        raise Http404("No such proposal.")
    return _render(request, "proposal.html", page, page.proposal, str(page.proposal))


@login_required
@permission_required("negotiations.view_stickingpoint", raise_exception=True)
def sticking_point_detail(request, slug):
    page = record_selectors.sticking_point_page(slug=slug)
    if page is None:
        raise Http404("No such sticking point.")
    return _render(request, "sticking_point.html", page, page.sticking_point, page.sticking_point.title)
