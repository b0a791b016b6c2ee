from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Renders every form, ours and allauth's, with Instep's field layout."""

    field_template_name = "instep/forms/field.html"
