"""The review workspace's inputs: each action's form checks its fields; review.services checks the rest."""

from django import forms

from news.models import Article


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
