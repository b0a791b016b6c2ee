from django.forms.renderers import DjangoTemplates

# Django draws each input through two templates and each radio or checkbox
# option through five (multiple_input, *_option, input_option, input, attrs):
# a check-in form's four scales were over a hundred includes per page. These
# draw the same markup in one template each.
_INPUT = "instep/forms/widgets/input.html"
_FLAT = {
    "django/forms/widgets/radio.html": "instep/forms/widgets/choices.html",
    "django/forms/widgets/checkbox_select.html": "instep/forms/widgets/choices.html",
    **{
        f"django/forms/widgets/{name}.html": _INPUT
        for name in [
            "checkbox",
            "color",
            "date",
            "datetime",
            "email",
            "hidden",
            "number",
            "password",
            "search",
            "tel",
            "text",
            "time",
            "url",
        ]
    },
}


class FormRenderer(DjangoTemplates):
    """Renders every form, ours and allauth's, with Instep's field layout."""

    field_template_name = "instep/forms/field.html"

    def get_template(self, template_name: str):
        return super().get_template(_FLAT.get(template_name, template_name))
