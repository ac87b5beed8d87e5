import datetime as dt
import re
import zoneinfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityloom.core.axes import Axis
from cityloom.network import queries as network_queries
from cityloom.network.permissions import secretariat_commissions

from .models import Meeting, Room, Slot, Topic

# A hyphen or the en dash word processors put between two times.
SLOT_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*[-\u2013]\s*(\d{1,2}:\d{2})$")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.Form):
    commission = forms.ModelChoiceField(label=gettext_lazy("Commission"), queryset=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), max_length=200, required=False)
    title_es = forms.CharField(
        label=gettext_lazy("Title (Spanish)"), max_length=200, required=False
    )
    axis = forms.ChoiceField(label=gettext_lazy("Axis"), choices=Axis.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    host_city = forms.ModelChoiceField(
        label=gettext_lazy("Host city"), queryset=None, required=False
    )
    starts_on = forms.DateField(
        label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        initial="Europe/Paris",
        help_text=gettext_lazy("The venue's time zone, e.g. Europe/Madrid: times below are in it."),
    )
    venue = forms.CharField(label=gettext_lazy("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=gettext_lazy("Online link"), required=False)
    languages = Meeting._meta.get_field("languages").formfield(
        label=gettext_lazy("Languages of work")
    )
    registration_opens_at = forms.DateTimeField(
        label=gettext_lazy("Registration opens"), widget=LocalDateTimeInput()
    )
    registration_closes_at = forms.DateTimeField(
        label=gettext_lazy("Registration closes"), widget=LocalDateTimeInput()
    )
    capacity = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=10_000)
    rooms = forms.CharField(
        label=gettext_lazy("Rooms"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One room per line: name; seats; interpretation (optional). "
            "Example: Salle Mably; 30; French ↔ English"
        ),
    )
    slots = forms.CharField(
        label=gettext_lazy("Time slots"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One slot per line: date start-end. Example: 2013-05-31 10:00-11:00"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        commissions = secretariat_commissions(user)
        self.fields["commission"].queryset = commissions
        if commissions.count() == 1:
            self.fields["commission"].initial = commissions.first()
        self.fields["host_city"].queryset = network_queries.active_member_cities(commissions)

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(
                _("Unknown time zone “%(name)s”.") % {"name": name}
            ) from exc
        return name

    def clean_rooms(self):
        rooms = []
        for number, line in enumerate(self.cleaned_data["rooms"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) < 2 or not parts[0] or not parts[1].isdigit() or int(parts[1]) < 1:
                raise forms.ValidationError(
                    _("Line %(number)s: write the room's name, a semicolon and its seats.")
                    % {"number": number}
                )
            rooms.append((parts[0][:100], int(parts[1]), "; ".join(parts[2:])[:100]))
        if not rooms:
            raise forms.ValidationError(_("Add at least one room."))
        return rooms

    def clean(self):
        data = super().clean()
        tz_name = data.get("time_zone")
        if not tz_name:
            return data
        tz = zoneinfo.ZoneInfo(tz_name)
        # The browser sends wall-clock times of the venue, not of the server.
        for name in ("registration_opens_at", "registration_closes_at"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=tz)
        slots = []
        for number, line in enumerate(data.get("slots", "").splitlines(), start=1):
            if not line.strip():
                continue
            match = SLOT_LINE.match(line.strip())
            try:
                day = dt.date.fromisoformat(match.group(1))
                start = dt.datetime.combine(day, dt.time.fromisoformat(match.group(2).zfill(5)), tz)
                end = dt.datetime.combine(day, dt.time.fromisoformat(match.group(3).zfill(5)), tz)
            except (AttributeError, ValueError):
                self.add_error(
                    "slots",
                    _(
                        "Line %(number)s: write a date, a start and an end, e.g. 2013-05-31 10:00-11:00."
                    )
                    % {"number": number},
                )
                return data
            if end <= start:
                self.add_error(
                    "slots",
                    _("Line %(number)s: the slot ends before it starts.") % {"number": number},
                )
                return data
            slots.append((start, end))
        if not slots and "slots" not in self.errors:
            self.add_error("slots", _("Add at least one time slot."))
        data["slots"] = slots
        return data


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["title", "description", "axis", "language", "unavailable_slots"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "unavailable_slots": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=list(zip(meeting.languages, meeting.get_languages_labels(), strict=True)),
        )
        slots = meeting.slots.all()
        self.fields["unavailable_slots"].queryset = slots
        self.fields["unavailable_slots"].label = _("Slots you cannot make")
        self.fields["unavailable_slots"].label_from_instance = lambda slot: _slot_label(
            slot, meeting
        )
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("axis", meeting.axis)
            if meeting.languages:
                self.initial.setdefault("language", meeting.languages[0])


def _slot_label(slot: Slot, meeting: Meeting) -> str:
    slot.meeting = meeting
    return str(slot)


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Move to"))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        rooms = list(meeting.rooms.all())
        self.fields["target"].choices = [
            (f"{room.pk}:{slot.pk}", f"{_slot_label(slot, meeting)} · {room.name}")
            for slot in meeting.slots.all()
            for room in rooms
        ]

    def cell(self, meeting: Meeting) -> tuple[Room, Slot]:
        room_id, slot_id = (int(x) for x in self.cleaned_data["target"].split(":"))
        return meeting.rooms.get(pk=room_id), meeting.slots.get(pk=slot_id)


class NotesForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Notes (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=50_000,
        required=False,
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class OutcomeForm(forms.Form):
    experiences = forms.CharField(
        label=gettext_lazy("Experiences exchanged"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10_000,
    )


class ProjectForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Project title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("What the cities would do together"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
    )
