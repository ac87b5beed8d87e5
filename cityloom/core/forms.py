"""The project's form renderer: every field, wherever it is drawn, through one template.

`{{ field.as_field_group }}` (Django 5's field group) renders `core/_field.html`: label, input,
help text linked by `aria-describedby`, errors. Forms and templates never draw a field another
way, so a help text is announced with its field on every page.
"""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "core/_field.html"
