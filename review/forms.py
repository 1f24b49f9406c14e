"""Inputs of review: each workspace action's form checks its fields (review.services checks the rest); the
forms that turn an article into a record, pre-filled from the article.

A record form offers its choices from review.selectors.record_choices (the actors the article names first)
and hands `record_values()` to review.services.record_from_article, which writes through the record's
own services. Choices are plain ids there, resolved against the rows the selector already read, so that
drawing a form costs the same queries however many actors, tracks or proposals the record holds."""

import datetime
import zoneinfo

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone

from actors.models import Actor
from negotiations.api.serializers import day_stand_in
from negotiations.models import Figure, Meeting, Participant, Position, Proposal, ProposalEvent, Response, TrackActor
from news.models import Article

from . import selectors, services
from .selectors import RecordChoices


class IdsField(forms.Field):
    """Several ids under one name (checkboxes): whole positive numbers."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, noun: str, **kwargs):
        self.noun = noun
        super().__init__(**kwargs)

    def to_python(self, value):
        ids = []
        for item in value or []:
            if not str(item).isdigit():
                raise forms.ValidationError(f"Unknown {self.noun}: {str(item)[:40]!r}.")
            ids.append(int(item))
        return ids


class AcceptForm(forms.Form):
    suggestion = IdsField(noun="suggestion", required=False)
    quote = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, max_length=2000)


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2000, error_messages={"required": "Say why the article is rejected."})


class DuplicateForm(forms.Form):
    original = forms.IntegerField(required=False, min_value=1)
    original_id = forms.IntegerField(required=False, min_value=1, label="or its id")

    def clean(self):
        data = super().clean()
        original_id = data.get("original_id") or data.get("original")
        if not original_id:
            if not self.errors:
                raise forms.ValidationError("Choose the original article, or give its id.")
            return data
        data["article"] = Article.objects.only("id", "duplicate_of_id").filter(pk=original_id).first()
        if data["article"] is None:
            raise forms.ValidationError(f"There is no article {original_id}.")
        return data


class UndoForm(forms.Form):
    article = forms.IntegerField(min_value=1)


class BulkForm(forms.Form):
    article = IdsField(noun="article", error_messages={"required": "Select at least one article."})
    verdict = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    reason = forms.CharField(required=False, max_length=2000)


def first_error(form: forms.Form) -> str:
    """The form's first error, as one sentence for a message."""
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else f"{form.fields[field].label or field.replace('_', ' ').capitalize()}: "
        return f"{label}{errors[0]}"
    return ""


QUOTE_MAX = 5000
TEXT_INPUTS = (forms.TextInput, forms.Textarea)


class IdChoiceField(forms.TypedChoiceField):
    """A choice of a row by id among `rows` (the selector's), cleaned to the row itself."""

    def __init__(self, *, rows, choices, **kwargs):
        self.rows = {row.pk: row for row in rows}
        super().__init__(choices=choices, coerce=int, empty_value=None, **kwargs)

    def clean(self, value):
        row_id = super().clean(value)
        return None if row_id is None else self.rows[row_id]


def _actor_choices(choices: RecordChoices, *, blank: str | None = None) -> list:
    """Actors in two groups: those the article names (most named first), then everyone else by name."""
    named = {actor.pk for actor in choices.mentioned}
    groups = [
        ("Named in this article", [(actor.pk, actor.name) for actor in choices.mentioned]),
        ("Other actors", [(actor.pk, actor.name) for actor in choices.actors if actor.pk not in named]),
    ]
    groups = [group for group in groups if group[1]]
    return [("", blank), *groups] if blank is not None else groups


def _track_choices(choices: RecordChoices) -> list:
    return [(track.pk, track.name) for track in choices.tracks]


class RecordForm(forms.Form):
    """What every kind shares: the quoted passage, checked against the article; and how it is pre-filled."""

    model: type
    model_fields: tuple[str, ...] = ()
    date_field = ""

    quote = forms.CharField(
        label="Quoted passage",
        max_length=QUOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The article's words that support the record; saved with its citation.",
    )

    def __init__(self, data=None, *, article: Article, choices: RecordChoices, quote: str = ""):
        self.article, self.choices = article, choices
        super().__init__(data, initial={"quote": quote.strip()[:QUOTE_MAX]})
        model_fields = fields_for_model(self.model, fields=self.model_fields)
        self.fields = {**model_fields, **self.fields}
        if self.date_field:
            self.fields[self.date_field].widget = forms.DateInput(attrs={"type": "date"})
            self.initial[self.date_field] = selectors.article_day(article)
        self.add_choice_fields()
        first = [name for name in self.field_order_for() if name in self.fields]
        rest = [name for name in self.fields if name not in first and name != "quote"]
        self.order_fields([*first, *rest, "quote"])
        for name, field in self.fields.items():
            if isinstance(field.widget, TEXT_INPUTS):
                field.widget.attrs["dir"] = "auto"
            if isinstance(field.widget, forms.Textarea) and name != "quote":
                field.widget.attrs["rows"] = 3

    def add_choice_fields(self) -> None:
        pass

    def field_order_for(self) -> list[str]:
        return list(self.fields)

    def first_mentioned(self) -> int | None:
        return self.choices.mentioned[0].pk if self.choices.mentioned else None

    def clean_quote(self) -> str:
        quote = self.cleaned_data["quote"]
        if problem := services.quote_problem(self.article, quote):
            raise forms.ValidationError(problem)
        return quote

    def record_values(self) -> dict:
        """The record's fields, for the record's service."""
        return {name: value for name, value in self.cleaned_data.items() if name != "quote"}


class MeetingForm(RecordForm):
    """A meeting on the article's day; each actor the article names is a participant unless unticked."""

    model = Meeting
    model_fields = ("title", "format", "status", "time_zone", "location", "summary")
    date_field = "day"

    day = forms.DateField(label="Day")
    start_time = forms.TimeField(
        label="Start time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="In the meeting's time zone; leave empty when only the day is known.",
    )
    OTHER_ROLE = Participant.Role.DELEGATE

    def add_choice_fields(self) -> None:
        self.fields["time_zone"].help_text = "IANA zone of the venue, e.g. America/New_York."
        states = [actor for actor in self.choices.actors if actor.kind == Actor.Kind.STATE]
        self.fields["country"] = IdChoiceField(
            label="Host country", rows=states, choices=[("", "—"), *((s.pk, s.name) for s in states)], required=False
        )
        self.fields["tracks"] = forms.TypedMultipleChoiceField(
            label="Tracks",
            choices=_track_choices(self.choices),
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="Tracks with an actor the article names come first.",
        )
        for actor in self.choices.mentioned:
            self.fields[f"participant_{actor.pk}"] = forms.BooleanField(label=actor.name, required=False, initial=True)
            roles = self.choices.track_roles.get(actor.pk, set())
            self.fields[f"role_{actor.pk}"] = forms.ChoiceField(
                label=f"Role of {actor.name}",
                choices=Participant.Role.choices,
                initial=Participant.Role.MEDIATOR if TrackActor.Role.MEDIATOR in roles else Participant.Role.DELEGATE,
            )
        named = {actor.pk for actor in self.choices.mentioned}
        self.fields["other_participants"] = forms.TypedMultipleChoiceField(
            label="Other participants",
            choices=[(a.pk, a.name) for a in self.choices.actors if a.pk not in named],
            coerce=int,
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text="Actors the article does not name; they take part as delegates.",
        )

    def field_order_for(self) -> list[str]:
        return ["title", "format", "status", "day", "start_time", "time_zone", "location", "country", "tracks"]

    def participant_rows(self) -> list[tuple[Actor, forms.BoundField, forms.BoundField]]:
        """One row per actor the article names: its "took part" box and its role."""
        return [(a, self[f"participant_{a.pk}"], self[f"role_{a.pk}"]) for a in self.choices.mentioned]

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        if cleaned.get("day") and zone:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.add_error("time_zone", f"{zone!r} is not an IANA time zone (e.g. Asia/Qatar).")
                return cleaned
            if cleaned.get("start_time"):
                moment = datetime.datetime.combine(cleaned["day"], cleaned["start_time"])
                cleaned["starts_at"] = timezone.make_aware(moment, zoneinfo.ZoneInfo(zone))
                cleaned["time_known"] = True
            else:
                cleaned["starts_at"] = day_stand_in(cleaned["day"], zone)
                cleaned["time_known"] = False
        if not self._participants(cleaned):
            raise forms.ValidationError("Tick at least one participant, or choose one among the other actors.")
        return cleaned

    def _participants(self, cleaned: dict) -> list[dict]:
        actors = {actor.pk: actor for actor in self.choices.actors}
        rows = [
            {"actor": actor, "role": cleaned.get(f"role_{actor.pk}") or self.OTHER_ROLE}
            for actor in self.choices.mentioned
            if cleaned.get(f"participant_{actor.pk}")
        ]
        rows += [{"actor": actors[pk], "role": self.OTHER_ROLE} for pk in cleaned.get("other_participants", [])]
        return rows

    def record_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.model_fields}
        values.update(
            starts_at=data["starts_at"],
            time_known=data["time_known"],
            country=data["country"],
            tracks=data["tracks"],
            participants=self._participants(data),
        )
        return values


class PositionForm(RecordForm):
    """An actor's stance on a sticking point, as stated on the article's day."""

    model = Position
    model_fields = ("stated_on", "stance", "summary", "channel", "confidence")
    date_field = "stated_on"

    def add_choice_fields(self) -> None:
        points = self.choices.sticking_points
        groups: dict[str, list] = {}
        for point in points:
            groups.setdefault(point.track.name, []).append((point.pk, point.title))
        suggested = [point for point in points if point.suggested is not None]
        self.fields["sticking_point"] = IdChoiceField(
            label="Sticking point",
            rows=points,
            choices=[("", "—"), *groups.items()],
            help_text="Grouped by track; the tracks of actors the article names come first.",
        )
        if suggested:
            self.initial["sticking_point"] = max(suggested, key=lambda point: point.suggested).pk
        self.fields["actor"] = IdChoiceField(
            label="Actor", rows=self.choices.actors, choices=_actor_choices(self.choices, blank="—")
        )
        self.initial["actor"] = self.first_mentioned()

    def field_order_for(self) -> list[str]:
        return ["sticking_point", "actor", "stated_on", "stance", "summary", "channel", "confidence"]


class FigureForm(RecordForm):
    """A number someone claimed, as of the article's day; the claimant is the actor the article names most."""

    model = Figure
    model_fields = ("metric", "label", "value", "value_low", "value_high", "unit", "as_of", "claimant_name", "note")
    date_field = "as_of"

    def add_choice_fields(self) -> None:
        self.fields["claimed_by"] = IdChoiceField(
            label="Claimed by",
            rows=self.choices.actors,
            choices=_actor_choices(self.choices, blank="— (name the claimant below)"),
            required=False,
        )
        self.initial["claimed_by"] = self.first_mentioned()
        self.fields["track"] = IdChoiceField(
            label="Track", rows=self.choices.tracks, choices=[("", "—"), *_track_choices(self.choices)], required=False
        )

    def field_order_for(self) -> list[str]:
        return ["metric", "label", "value", "value_low", "value_high", "unit", "as_of", "claimed_by", "claimant_name"]


class ProposalChoiceMixin:
    """A proposal from the list the article bears on, or any other by its slug (`<name>_slug`)."""

    required_proposals: tuple[str, ...] = ("proposal",)

    def add_proposal_field(self, name: str, label: str) -> None:
        proposals = self.choices.proposals
        self.fields[name] = IdChoiceField(
            label=label,
            rows=proposals,
            choices=[("", "—"), *((p.pk, str(p)) for p in proposals)],
            required=False,  # or by slug: clean_proposals() checks that one of the two is given
            help_text="Proposals suggested for this article or put forward in its actors' tracks.",
        )
        self.fields[f"{name}_slug"] = forms.SlugField(
            label=f"{label}: another, by its slug", required=False, help_text="When it is not in the list above."
        )
        suggested = [p for p in proposals if p.suggested is not None]
        if name in self.required_proposals and suggested:
            self.initial[name] = max(suggested, key=lambda p: p.suggested).pk

    def clean_proposals(self, cleaned: dict, names: tuple[str, ...]) -> None:
        for name in names:
            slug = cleaned.pop(f"{name}_slug", "")
            if slug:
                if cleaned.get(name) is not None:
                    self.add_error(f"{name}_slug", "Choose from the list or give a slug, not both.")
                    continue
                cleaned[name] = Proposal.objects.filter(slug=slug).first()
                if cleaned[name] is None:
                    self.add_error(f"{name}_slug", f"No proposal has the slug “{slug}”.")
            elif cleaned.get(name) is None and name in self.required_proposals:
                self.add_error(name, "Choose the proposal, or give its slug below.")


class ProposalEventForm(ProposalChoiceMixin, RecordForm):
    """A dated step in a proposal's life (tabled, accepted, violated…), on the article's day."""

    model = ProposalEvent
    model_fields = ("kind", "occurred_on", "note")
    date_field = "occurred_on"

    def add_choice_fields(self) -> None:
        self.add_proposal_field("proposal", "Proposal")
        self.fields["actor"] = IdChoiceField(
            label="Actor", rows=self.choices.actors, choices=_actor_choices(self.choices, blank="—"), required=False
        )
        self.initial["actor"] = self.first_mentioned()

    def field_order_for(self) -> list[str]:
        return ["proposal", "proposal_slug", "kind", "occurred_on", "actor", "note"]

    def clean(self):
        cleaned = super().clean()
        self.clean_proposals(cleaned, ("proposal",))
        return cleaned


class ResponseForm(ProposalChoiceMixin, RecordForm):
    """An actor's answer to a proposal, on the article's day."""

    model = Response
    model_fields = ("kind", "responded_on", "summary")
    date_field = "responded_on"

    def add_choice_fields(self) -> None:
        self.add_proposal_field("proposal", "Proposal")
        self.fields["actor"] = IdChoiceField(
            label="Responding actor", rows=self.choices.actors, choices=_actor_choices(self.choices, blank="—")
        )
        self.initial["actor"] = self.first_mentioned()
        self.add_proposal_field("counter_proposal", "Counter-proposal")

    def field_order_for(self) -> list[str]:
        return ["proposal", "proposal_slug", "actor", "kind", "responded_on", "summary"]

    def clean(self):
        cleaned = super().clean()
        self.clean_proposals(cleaned, ("proposal", "counter_proposal"))
        return cleaned


FORMS: dict[str, type[RecordForm]] = {
    "meeting": MeetingForm,
    "position": PositionForm,
    "figure": FigureForm,
    "proposal-event": ProposalEventForm,
    "response": ResponseForm,
}
