from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cityloom.core.views import report_errors, report_form_errors
from cityloom.network.models import City, Commission
from cityloom.network.permissions import secretariat_commissions

from . import permissions, queries, services
from .forms import (
    ActivityForm,
    AnswerForm,
    CapacityForm,
    EvaluationForm,
    MessageForm,
    MilestoneForm,
    ObjectiveForm,
    ProposeForm,
    ReportForm,
    RequestForm,
)
from .models import MentoringRequest, Milestone, Programme


def programme_list(request):
    return render(
        request,
        "mentoring/programme_list.html",
        {"programmes": queries.public_programmes()},
    )


def city_programmes(request, geonames_id):
    city = get_object_or_404(City, geonames_id=geonames_id)
    programmes = queries.city_programmes(city)
    return render(
        request,
        "mentoring/city_programmes.html",
        {
            "city": city,
            "as_mentor": [p for p in programmes if p.mentor_id == city.pk],
            "as_mentee": [p for p in programmes if p.mentee_id == city.pk],
            "capacity": queries.capacity_of(city),
        },
    )


@login_required
def my_mentoring(request):
    city = request.user.city
    if city is None:
        # An account with no city yet: its space says how to join one.
        messages.info(request, _("Your account is not linked to a city yet."))
        return redirect(reverse("network:dashboard") + "#join")
    if request.method == "POST":
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                services.set_capacity(
                    city, by=request.user, max_programmes=form.cleaned_data["max_programmes"]
                )
            except services.MentoringError as exc:
                report_errors(request, exc)
            else:
                messages.success(request, _("Your city's capacity is saved."))
                return redirect("mentoring:my")
    else:
        form = CapacityForm(initial={"max_programmes": queries.capacity_of(city)})
    programmes = queries.city_programmes(city)
    return render(
        request,
        "mentoring/my.html",
        {
            "city": city,
            "requests": queries.requests_of_city(city),
            "proposals": queries.proposals_to_city(city),
            "programmes": programmes,
            "form": form,
            "can_request": permissions.can_request_for(request.user, city),
        },
    )


class _CommissionForm(RequestForm):
    commission = forms.ModelChoiceField(
        label=gettext_lazy("Commission"), queryset=None, empty_label=None
    )


@login_required
def request_create(request):
    city = request.user.city
    if city is None or not permissions.can_request_for(request.user, city):
        raise PermissionDenied
    form = _CommissionForm(request.POST or None)
    form.fields["commission"].queryset = queries.member_commissions(city)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_mentoring(
                city,
                by=request.user,
                commission=data["commission"],
                axes=data["axes"],
                need=data["need"],
                topics=data["topics"],
                languages=data["languages"],
                mode=data["mode"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except services.MentoringError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your request is sent to the secretariat."))
            return redirect(created)
    return render(request, "mentoring/request_form.html", {"form": form, "city": city})


def _visible_request(request, pk) -> MentoringRequest:
    obj = get_object_or_404(
        MentoringRequest.objects.select_related("city", "mentor", "commission"), pk=pk
    )
    # Not found rather than forbidden: a third city learns nothing of the request.
    if not permissions.can_view_request(request.user, obj):
        raise Http404
    return obj


@login_required
def request_detail(request, pk):
    obj = _visible_request(request, pk)
    can_pair = permissions.can_pair(request.user, obj)
    show_suggestions = obj.status == MentoringRequest.Status.OPEN and (
        can_pair or request.user.city_id == obj.city_id
    )
    context = {
        "obj": obj,
        "can_pair": can_pair,
        "can_answer": permissions.can_answer(request.user, obj)
        and obj.status == MentoringRequest.Status.PROPOSED,
        "can_withdraw": permissions.can_request_for(request.user, obj.city)
        and obj.status in (MentoringRequest.Status.OPEN, MentoringRequest.Status.PROPOSED),
        "answer_form": AnswerForm(),
        "declined": list(obj.declined_by.all()),
    }
    if show_suggestions:
        try:
            context["result"] = queries.suggest_mentors(obj)
        except services.MentoringError as exc:
            context["suggestion_error"] = exc.messages[0]
    if can_pair and obj.status == MentoringRequest.Status.OPEN:
        context["members"] = queries.possible_mentors(obj)
    context["programme"] = queries.programme_of_request(obj)
    return render(request, "mentoring/request_detail.html", context)


@login_required
@require_POST
def request_propose(request, pk):
    obj = _visible_request(request, pk)
    if not permissions.can_pair(request.user, obj):
        raise PermissionDenied
    form = ProposeForm(request.POST)
    mentor = None
    if form.is_valid():
        mentor = queries.city_by_pk(form.cleaned_data["mentor"])
    if mentor is None:
        messages.error(request, _("Choose a mentor city from the list."))
        return redirect(obj)
    try:
        services.propose_mentor(obj, mentor=mentor, by=request.user)
    except services.MentoringError as exc:
        report_errors(request, exc)
    else:
        messages.success(
            request,
            _("%(city)s is asked to mentor %(mentee)s.")
            % {"city": mentor.name, "mentee": obj.city.name},
        )
    return redirect(obj)


@login_required
@require_POST
def request_unpropose(request, pk):
    obj = _visible_request(request, pk)
    if not permissions.can_pair(request.user, obj):
        raise PermissionDenied
    try:
        services.cancel_proposal(obj, by=request.user)
    except services.MentoringError as exc:
        report_errors(request, exc)
    return redirect(obj)


@login_required
@require_POST
def request_answer(request, pk):
    obj = _visible_request(request, pk)
    if not permissions.can_answer(request.user, obj):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        return redirect(obj)
    data = form.cleaned_data
    try:
        programme = services.answer_pairing(
            obj,
            by=request.user,
            accept=data["accept"],
            message=data["message"],
            methodology=data["methodology"],
        )
    except services.MentoringError as exc:
        report_errors(request, exc)
        return redirect(obj)
    if programme is None:
        messages.success(request, _("You declined; the secretariat will propose another city."))
        return redirect("mentoring:my")
    messages.success(request, _("The programme has started."))
    return redirect(programme)


@login_required
@require_POST
def request_withdraw(request, pk):
    obj = _visible_request(request, pk)
    if not permissions.can_request_for(request.user, obj.city):
        raise PermissionDenied
    try:
        services.withdraw_request(obj, by=request.user)
    except services.MentoringError as exc:
        report_errors(request, exc)
    return redirect(obj)


def _programme(pk) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("mentor", "mentee", "commission"), pk=pk
    )


def programme_detail(request, pk):
    programme = _programme(pk)
    private = permissions.can_read_private(request.user, programme)
    context = {"programme": programme, "private": private}
    context["milestones"] = list(programme.milestones.all())
    if private:
        can_manage = permissions.can_manage(request.user, programme) and not programme.is_closed
        context.update(
            can_manage=can_manage,
            can_write=request.user.city_id in (programme.mentor_id, programme.mentee_id),
            can_evaluate=permissions.can_evaluate(request.user, programme)
            and programme.is_closed
            and not programme.evaluations.filter(city_id=request.user.city_id).exists(),
            objectives=queries.objectives_progress(programme),
            activities=programme.activities.select_related("by"),
            reports=programme.reports.select_related("by"),
            evaluations=programme.evaluations.select_related("city"),
            conversation=programme.messages.select_related("author__city"),
            objective_form=ObjectiveForm(auto_id="objective-%s"),
            milestone_form=MilestoneForm(auto_id="milestone-%s"),
            activity_form=ActivityForm(auto_id="activity-%s"),
            report_form=ReportForm(auto_id="report-%s"),
            evaluation_form=EvaluationForm(auto_id="evaluation-%s"),
            message_form=MessageForm(auto_id="message-%s"),
        )
    return render(request, "mentoring/programme_detail.html", context)


def _programme_action(form_class, call, success):
    """A POST inside a programme: the private-parts rule first, then the form, then one service."""

    @login_required
    @require_POST
    def view(request, pk, **kwargs):
        programme = _programme(pk)
        if not permissions.can_read_private(request.user, programme):
            raise PermissionDenied
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            report_form_errors(request, form)
            return redirect(programme)
        try:
            call(request, programme, form.cleaned_data if form else {}, **kwargs)
        except services.MentoringError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, success())
        return redirect(programme)

    return view


def _complete(request, programme, data, milestone_id):
    milestone = get_object_or_404(Milestone, pk=milestone_id, programme=programme)
    services.complete_milestone(milestone, by=request.user)


add_objective = _programme_action(
    ObjectiveForm,
    lambda r, p, d: services.add_objective(p, by=r.user, **d),
    lambda: _("The objective is added."),
)
add_milestone = _programme_action(
    MilestoneForm,
    lambda r, p, d: services.add_milestone(p, by=r.user, **d),
    lambda: _("The milestone is added."),
)
complete_milestone = _programme_action(None, _complete, lambda: _("The milestone is done."))
log_activity = _programme_action(
    ActivityForm,
    lambda r, p, d: services.log_activity(p, by=r.user, **d),
    lambda: _("The activity is logged."),
)
file_report = _programme_action(
    ReportForm,
    lambda r, p, d: services.file_report(p, by=r.user, **d),
    lambda: _("The monitoring report is filed."),
)
close_programme = _programme_action(
    None,
    lambda r, p, d: services.close_programme(p, by=r.user),
    lambda: _("The programme is closed."),
)
evaluate = _programme_action(
    EvaluationForm,
    lambda r, p, d: services.evaluate_programme(p, by=r.user, **d),
    lambda: _("Thank you for your evaluation."),
)
post_message = _programme_action(
    MessageForm,
    lambda r, p, d: services.post_message(p, by=r.user, **d),
    lambda: _("Your message is posted."),
)


@login_required
def dashboard(request):
    if not permissions.is_any_secretariat(request.user):
        raise PermissionDenied
    return render(
        request,
        "mentoring/dashboard.html",
        {
            "programmes": queries.dashboard_programmes(request.user).order_by("-started_on", "id"),
            "requests": queries.requests_for_secretariat(request.user),
            "commissions": secretariat_commissions(request.user),
        },
    )


@login_required
def pairing(request, slug):
    commission = get_object_or_404(Commission, slug=slug)
    if not permissions.is_secretariat_of(request.user, commission.pk):
        raise PermissionDenied
    if request.method == "POST":
        try:
            n = services.apply_pairings(commission, by=request.user)
        except services.MentoringError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("Pairings proposed: %(n)s.") % {"n": n})
            return redirect("mentoring:dashboard")
    try:
        plan = queries.plan_pairings(commission)
    except services.MentoringError as exc:
        report_errors(request, exc)
        plan = None
    return render(request, "mentoring/pairing.html", {"commission": commission, "plan": plan})
