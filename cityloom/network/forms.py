from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from .models import City, Commission

User = get_user_model()


class CommissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commission) -> str:
        return obj.display_name


class MembershipApplicationForm(forms.Form):
    commission = CommissionChoiceField(
        label=_("Commission or working group"),
        queryset=Commission.objects.all(),
        empty_label=None,
    )
    city = forms.IntegerField(
        label=_("City"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose your city from the list.")},
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_position = forms.CharField(label=_("Position"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    motivation = forms.CharField(
        label=_("Why does your city want to join?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_city(self) -> City:
        try:
            return City.objects.get(geonames_id=self.cleaned_data["city"])
        except City.DoesNotExist:
            raise forms.ValidationError(
                _("This city is not in the list of cities; search again and choose one."),
                code="unknown_city",
            ) from None


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    message = forms.CharField(
        label=_("Message to the applicant"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("message"):
            self.add_error("message", _("Tell the applicant why the request is rejected."))
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )


class NewAccountForm(forms.Form):
    """The password of an account created from an invitation link."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", _("You must type the same password each time."))
        elif password:
            person = User(email=self.invitation.email, name=self.invitation.name)
            try:
                password_validation.validate_password(password, person)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CityProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = City
        fields = ["description", "website", "languages"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    commission = forms.SlugField(required=False)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    region = forms.CharField(label=_("Region"), required=False, max_length=20)
    year = forms.IntegerField(
        label=_("Member since"), required=False, min_value=1900, max_value=2100
    )
