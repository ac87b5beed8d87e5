"""One error for a refused request (`ServiceError`), one way to show it (`report_errors`)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import RequestFactory

from cityloom.core.errors import ServiceError
from cityloom.core.views import report_errors, report_form_errors
from cityloom.meetings.services import MeetingError
from cityloom.mentoring.errors import MentoringError
from cityloom.network.services import MembershipError
from cityloom.practices.services import PracticeError


class TitleForm(forms.Form):
    title = forms.CharField()


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _bound_form() -> TitleForm:
    form = TitleForm({"title": "Kick-off"})
    assert form.is_valid()
    return form


def _messages(request) -> list[str]:
    return [m.message for m in get_messages(request)]


@pytest.mark.parametrize(
    "error_class", [MeetingError, MembershipError, MentoringError, PracticeError]
)
def test_every_app_error_is_a_service_error(error_class):
    assert issubclass(error_class, ServiceError)
    assert issubclass(error_class, ValidationError)


def test_service_error_keeps_code_params_and_field():
    exc = ServiceError("%(n)s seats left.", code="full", params={"n": 0}, field="title")
    assert (exc.code, exc.params, exc.field, exc.messages) == (
        "full",
        {"n": 0},
        "title",
        ["0 seats left."],
    )


def test_service_error_can_tie_a_validation_error_to_a_field():
    exc = ServiceError(ValidationError("Too big.", code="too_big"), field="pdf")
    assert (exc.code, exc.field, exc.messages) == ("too_big", "pdf", ["Too big."])


def test_error_with_a_field_goes_under_that_field(request_):
    form = _bound_form()
    report_errors(request_, ServiceError("Too long.", code="long", field="title"), form)
    assert form.errors == {"title": ["Too long."]}
    assert form.has_error("title", code="long")
    assert _messages(request_) == []


def test_error_without_a_field_is_a_non_field_error(request_):
    form = _bound_form()
    report_errors(request_, ServiceError("The meeting is full."), form)
    assert form.errors == {NON_FIELD_ERRORS: ["The meeting is full."]}


def test_error_naming_a_field_the_form_lacks_is_a_non_field_error(request_):
    form = _bound_form()
    report_errors(request_, ServiceError("Pick a room.", field="room"), form)
    assert form.errors == {NON_FIELD_ERRORS: ["Pick a room."]}


def test_dict_of_field_errors_goes_under_each_field(request_):
    # As Model.full_clean raises them: a field the form does not show lands above the form.
    form = _bound_form()
    report_errors(request_, ValidationError({"title": "Taken.", "slug": "Bad slug."}), form)
    assert form.errors == {"title": ["Taken."], NON_FIELD_ERRORS: ["Bad slug."]}


def test_without_a_form_every_message_becomes_a_page_message(request_):
    report_errors(request_, ServiceError(["The call is closed.", "Try next year."]))
    assert _messages(request_) == ["The call is closed.", "Try next year."]


def test_permission_denied_is_not_swallowed(request_):
    form = _bound_form()
    with pytest.raises(PermissionDenied):
        report_errors(request_, PermissionDenied(), form)
    with pytest.raises(PermissionDenied):
        report_errors(request_, PermissionDenied())
    assert form.errors == {}
    assert _messages(request_) == []


class MoveForm(forms.Form):
    room = forms.IntegerField(label="Room")
    slot = forms.IntegerField()

    def clean(self):
        raise ValidationError("The grid is locked.")


def test_invalid_form_errors_become_messages_after_their_labels(request_):
    form = MoveForm({"room": "x"})
    assert not form.is_valid()
    report_form_errors(request_, form)
    assert _messages(request_) == [
        "Room: Enter a whole number.",
        "Slot: This field is required.",
        "The grid is locked.",
    ]


def test_a_field_without_a_label_reports_its_errors_alone(request_):
    form = MoveForm({"room": "1", "slot": "1"})
    form.fields["room"].label = ""
    form.add_error("room", "Taken.")
    report_form_errors(request_, form)
    assert _messages(request_) == ["The grid is locked.", "Taken."]
