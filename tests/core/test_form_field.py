"""One field template for the whole project, with the help text linked to its field."""

from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the city's letterhead.")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="One."
    )


def test_as_field_group_draws_the_project_template_with_described_inputs():
    html = Template("{{ form.name.as_field_group }}{{ form.kind.as_field_group }}").render(
        Context({"form": _Form()})
    )
    assert '<div class="field">' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'id="id_name_helptext">As on the city&#x27;s letterhead.</span>' in html
    # Radio buttons are a fieldset described by the help text, its legend the label.
    assert '<fieldset aria-describedby="id_kind_helptext">' in html
    assert "<legend>" in html


def test_errors_are_announced_with_the_field():
    form = _Form(data={"kind": "a"})
    html = Template("{{ form.name.as_field_group }}").render(Context({"form": form}))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
