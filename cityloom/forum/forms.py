from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cityloom.core.axes import Axis

from .models import Board, Subscription

BODY_HELP = _(
    "Markdown: **bold**, *italics*, lists, links. Quote with > at the start of a line. "
    "Mention a member city or a person with @ (@Bilbao): they are told by e-mail."
)


class _Written(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=BODY_HELP, max_length=20_000)  # fmt: skip
    language = forms.ChoiceField(label=_("Language of the message"), choices=settings.LANGUAGES)
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, an image, or an office document; 10 MB at most."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.is_bound:
            self.fields["language"].initial = user.language


class ThreadForm(_Written):
    title = forms.CharField(label=_("Title"), max_length=200)
    field_order = ["title", "body", "language", "attachment"]


class ReplyForm(_Written):
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=BODY_HELP, max_length=20_000)  # fmt: skip

    def __init__(self, *args, is_opening=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_opening:
            del self.fields["title"]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the secretariat look at this message?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class SubscribeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("E-mail me"),
        choices=[("", _("nothing (stop following)")), *Subscription.Mode.choices],
        required=False,
    )


class MoveForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Move to the board"), queryset=Board.objects.none())

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        if boards is not None:
            self.fields["board"].queryset = boards


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the forum"), max_length=200, required=False)


class BoardForm(forms.Form):
    commission = forms.ModelChoiceField(label=_("Commission"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200, required=False)
    title_es = forms.CharField(label=_("Title (Spanish)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    axis = forms.ChoiceField(label=_("Axis"), choices=[("", "—"), *Axis.choices], required=False)
    visibility = forms.ChoiceField(
        label=_("Who may read"), choices=Board.Visibility.choices, widget=forms.RadioSelect
    )
    group = forms.CharField(
        label=_("Restricted group"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The e-mail addresses of the people who may read, one per line."),
    )

    def __init__(self, *args, commissions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions
        self.fields["visibility"].initial = Board.Visibility.MEMBERS

    def clean_group(self) -> list[str]:
        return [line.strip().lower() for line in self.cleaned_data["group"].split() if line]
