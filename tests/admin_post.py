"""Admin forms as a browser posts them back, for tests that save through the admin."""


def change_form_data(response) -> dict:
    """The admin change form as the browser posts it back untouched: the record, its inlines, their counts."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)
    return data
