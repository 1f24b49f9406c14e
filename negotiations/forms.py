"""Forms of the record's pages."""

from django import forms

from actors.models import Actor

from .selectors import TIMELINE_KINDS

TIMELINE_KIND_LABELS = {
    "meeting": "Meetings",
    "proposal_event": "Proposal events",
    "response": "Responses",
    "status_change": "Status changes",
    "position": "Positions",
}


class TrackDashboardForm(forms.Form):
    """The track page's query string: the day it stands on (`as_of`), the start of "what changed"
    (`since`) and the timeline's filters. Every field is optional; a bad value is an error to show."""

    as_of = forms.DateField(
        required=False, label="As of", help_text="Rebuild the page as it stood at the end of this day."
    )
    since = forms.DateField(required=False, label="Changed since", help_text="Default: the seven days before.")
    kind = forms.ChoiceField(
        required=False,
        label="Kind",
        choices=[("", "All kinds"), *((kind, TIMELINE_KIND_LABELS[kind]) for kind in TIMELINE_KINDS)],
    )
    actor = forms.SlugField(required=False, label="Actor")

    def clean_actor(self) -> Actor | None:
        slug = self.cleaned_data.get("actor")
        if not slug:
            return None
        actor = Actor.objects.filter(slug=slug).first()
        if actor is None:
            raise forms.ValidationError(f"No actor has the slug “{slug}”.")
        return actor

    def clean(self):
        cleaned = super().clean()
        as_of, since = cleaned.get("as_of"), cleaned.get("since")
        if as_of and since and since > as_of:
            self.add_error("since", "“Changed since” must be on or before the “as of” date.")
        return cleaned
