from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TextsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of these texts"), choices=settings.LANGUAGES)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The commission, its president city, its mission. Empty: the commission's description."
        ),
    )
    relations = forms.CharField(
        label=_("Relations with other commissions and networks"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
