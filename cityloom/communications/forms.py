from django import forms
from django.utils.translation import gettext_lazy as _

from . import audiences
from .models import Circular


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked against the upload policy by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CircularForm(forms.ModelForm):
    audience = forms.ChoiceField(label=_("Audience"))
    audience_value = forms.ChoiceField(
        label=_("Region or meeting"),
        required=False,
        help_text=_("For an audience of a region or of a meeting's participants."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, office documents or images; 10 MB each at most."),
    )

    class Meta:
        model = Circular
        fields = [
            "commission",
            "subject",
            "body",
            "subject_fr",
            "body_fr",
            "subject_es",
            "body_es",
            "audience",
            "audience_value",
            "is_formal",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "body_fr": forms.Textarea(attrs={"rows": 8}),
            "body_es": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, commissions, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions
        self.fields["commission"].empty_label = None
        self.fields["audience"].choices = [(k.key, k.label) for k in audiences.kinds()]
        options = [("", "—")]
        commission = (
            self.instance.commission if self.instance.commission_id else commissions.first()
        )
        for kind in audiences.kinds():
            if kind.options is not None and commission is not None:
                group = [(v, label) for v, label in kind.options(commission, user)]
                if group:
                    options.append((str(kind.value_label), group))
        self.fields["audience_value"].choices = options
        if self.instance.pk:
            del self.fields["commission"]


class SendForm(forms.Form):
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(label=_("I have read the preview: send the circular now."))
