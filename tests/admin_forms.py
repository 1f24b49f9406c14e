"""Turn a rendered admin change page back into the POST data a browser would send."""

from django.forms import BaseForm, MultiWidget


def _form_fields(form: BaseForm) -> dict[str, object]:
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if value is None or value is False:
            continue
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, MultiWidget):
            for sub in widget.get_context(bound.html_name, value, {})["widget"]["subwidgets"]:
                data[sub["name"]] = sub["value"] or ""
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [getattr(item, "pk", item) for item in value]
        else:
            data[bound.html_name] = getattr(value, "pk", value)
    return data


def change_form_data(response) -> dict[str, object]:
    """The page's main form and every inline formset (management form included), as rendered."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_fields(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_fields(form))
    return data
