from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cityloom.accounts.queries import has_verified, owner_of
from cityloom.core import confirm, ratelimit, workspace
from cityloom.core.ratelimit import Rate
from cityloom.core.views import report_errors, report_form_errors

from . import geo, permissions, queries, services
from .forms import (
    CityProfileForm,
    DecisionForm,
    DirectoryFilterForm,
    InvitationForm,
    MembershipApplicationForm,
    NewAccountForm,
    RoleForm,
)
from .models import City, Commission, MembershipRequest

User = get_user_model()

# Per address: the form is anonymous, each submission writes a row and mails a link.
APPLICATIONS_PER_ADDRESS = Rate(limit=10, period=60 * 60)


def home(request):
    counts = queries.member_counts()
    return render(
        request,
        "network/home.html",
        {
            "commissions": queries.commissions_overview(),
            "featured": queries.featured_commission(),
            "member_count": counts["cities"],
            "country_count": counts["countries"],
            "members_map": geo.render_map(queries.map_members),
        },
    )


def commission_list(request):
    return render(
        request,
        "network/commission_list.html",
        {
            "commissions": queries.commissions_overview(),
        },
    )


def commission_detail(request, slug):
    commission = get_object_or_404(queries.commissions_in_full(), slug=slug)
    return render(
        request,
        "network/commission_detail.html",
        {
            "commission": commission,
            "by_region": queries.members_by_region(commission),
            "focal_points": queries.commission_focal_points(commission),
            "relations": queries.commission_relations(commission),
            "joint_activities": queries.joint_activities(commission),
        },
    )


def member_directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    commission = None
    if slug := filters.get("commission"):
        commission = get_object_or_404(Commission, slug=slug)
    rows = queries.member_directory(
        commission=commission,
        q=filters.get("q", ""),
        country=filters.get("country", ""),
        region=filters.get("region", ""),
        year=filters.get("year"),
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "commission": commission,
        "commissions": queries.commissions(),
        "facets": queries.directory_facets(commission),
        # A row per city and commission, but the count says how many cities.
        "city_count": queries.directory_city_count(rows),
        "filters": filters,
        "query": query.urlencode(),
    }
    template = (
        "network/_directory_results.html"
        if request.headers.get("HX-Request")
        else "network/directory.html"
    )
    return render(request, template, context)


def city_detail(request, geonames_id):
    city = get_object_or_404(City, geonames_id=geonames_id)
    return render(
        request,
        "network/city_detail.html",
        {
            "city": city,
            "memberships": queries.city_memberships(city),
            "focal_points": queries.city_focal_points(city),
            "can_edit": permissions.can_edit_city(request.user, city),
            "study_results": queries.city_study_results(city),
        },
    )


def members_map(request):
    commission = None
    if slug := request.GET.get("commission"):
        commission = get_object_or_404(Commission, slug=slug)
    return render(
        request,
        "network/map.html",
        {
            "commission": commission,
            "commissions": queries.commissions(),
            "members_map": geo.render_map(
                lambda: queries.map_members(commission),
                scope=commission.slug if commission else "",
                on_map_page=True,
            ),
        },
    )


@require_GET
def city_search(request):
    """The city picker: up to 15 matches, biggest first, in any spelling GeoNames knows."""
    q = request.GET.get("city_query", "")[:100]
    cities = queries.city_matches(q)
    return render(request, "network/_city_choices.html", {"cities": cities, "q": q})


def apply(request):
    form = MembershipApplicationForm(request.POST or None, initial=request.GET)
    chosen, cities = None, []
    searching = "search" in request.POST  # the no-script path: search, then choose
    if searching:
        q = request.POST.get("city_query", "")[:100]
        cities = queries.city_matches(q)
    elif request.method == "POST" and not ratelimit.consume(
        "membership-apply", ratelimit.client_address(request), APPLICATIONS_PER_ADDRESS
    ):
        return ratelimit.too_many_requests(request)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.apply_for_membership(
                commission=data["commission"],
                city=data["city"],
                contact_name=data["contact_name"],
                contact_position=data["contact_position"],
                email=data["email"],
                motivation=data["motivation"],
                language=translation.get_language(),
            )
        except services.MembershipError as exc:
            report_errors(request, exc, form)
        else:
            return redirect("network:apply-sent")
    city_id = form.data.get("city") if form.is_bound else request.GET.get("city")
    if city_id and str(city_id).isdigit():
        chosen = queries.city_by_geonames_id(int(city_id))
    if searching:
        form = MembershipApplicationForm(initial=request.POST.dict())
    return render(request, "network/apply.html", {"form": form, "chosen": chosen, "cities": cities})


def apply_sent(request):
    return render(request, "network/apply_sent.html")


def confirm_application(request, token):
    """The link mailed to the applicant: a page with a button, as mail scanners open links."""
    application = queries.application_for_token(token)
    if application is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.confirm_application(application)
        except services.MembershipError as exc:
            error = exc.messages[0]
        else:
            return redirect("network:apply-done")
    return render(
        request, "network/apply_confirm.html", {"application": application, "error": error}
    )


def apply_done(request):
    return render(request, "network/apply_done.html")


def invitation(request, token):
    """The link mailed to an invited address: its verified owner accepts, or, if no account holds
    the address, the visitor creates one (the link proves the address)."""
    invitation = queries.invitation_for_token(token)
    if invitation is None:
        raise Http404
    context = {"invitation": invitation, "form": None}
    if not invitation.is_open:
        context["state"] = "closed"
    elif has_verified(request.user, invitation.email):
        context["state"] = "accept"
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, by=request.user)
            except services.MembershipError as exc:
                context["error"] = exc.messages[0]
            else:
                return _welcome(request, invitation)
    elif request.user.is_authenticated:
        context["state"] = "other_account"
    elif owner_of(invitation.email) is not None:
        context["state"] = "sign_in"
    else:
        context["state"] = "new_account"
        form = context["form"] = NewAccountForm(request.POST or None, invitation=invitation)
        if request.method == "POST" and form.is_valid():
            try:
                person = services.create_account_from_invitation(
                    invitation, password=form.cleaned_data["password1"]
                )
            except services.MembershipError as exc:
                report_errors(request, exc, form)
            else:
                login(request, person, backend="cityloom.accounts.backends.ThrottledModelBackend")
                return _welcome(request, invitation)
    return render(request, "network/invitation.html", context)


def _welcome(request, invitation):
    messages.success(
        request, _("Welcome to the team of %(city)s.") % {"city": invitation.city.name}
    )
    return redirect("network:dashboard")


@login_required
def dashboard(request):
    user = request.user
    context = {
        "is_secretariat": permissions.is_secretariat(user),
        "workspace": workspace.grouped(workspace.pending(user)),
    }
    if context["is_secretariat"]:
        context.update(queries.secretariat_work(user))
        context["decision_form"] = DecisionForm()
        context["role_choices"] = User.Role.choices
    if user.city_id:
        context["city"] = user.city
        context["colleagues"] = queries.colleagues(user.city)
        context["can_edit_city"] = permissions.can_edit_city(user, user.city)
        context["invitation_form"] = InvitationForm(
            initial={"language": translation.get_language()}
        )
        if context["can_edit_city"]:
            context["invitations"] = queries.open_invitations(user.city)
        context["is_member_city"] = queries.is_active_member(user.city_id)
    return render(request, "network/dashboard.html", context)


@login_required
def decide_request(request, pk):
    """Approve or reject: the dashboard's form (or a link) lands on a page that says who is
    e-mailed; only its POST, carrying the confirmation, decides."""
    application = get_object_or_404(MembershipRequest, pk=pk)
    if not permissions.can_decide_request(request.user, application):
        raise PermissionDenied
    form = DecisionForm(request.POST if request.method == "POST" else request.GET)
    is_valid = form.is_valid()
    decision = form.cleaned_data.get("decision")
    if decision is None:
        report_form_errors(request, form)
        return redirect("network:dashboard")
    if not (is_valid and confirm.is_confirmed(request)):
        return _confirm_decision(request, application, form, decision)
    try:
        if decision == "approve":
            services.approve_membership(
                application, by=request.user, message=form.cleaned_data["message"]
            )
            messages.success(
                request, _("%(city)s is now a member.") % {"city": application.city.name}
            )
        else:
            services.reject_membership(
                application, by=request.user, message=form.cleaned_data["message"]
            )
            messages.success(
                request,
                _("The request from %(city)s was rejected.") % {"city": application.city.name},
            )
    except services.MembershipError as exc:
        report_errors(request, exc)
    return redirect("network:dashboard")


def _confirm_decision(request, application, form, decision):
    names = {
        "city": application.city.name,
        "commission": application.commission.display_name,
        "contact": application.contact_name,
        "email": application.email,
        "language": application.get_language_display(),
    }
    if decision == "approve":
        title = _("Approve %(city)s?") % names
        consequences = [
            _("%(city)s becomes an active member of %(commission)s from today.") % names,
            _(
                "%(contact)s (%(email)s) is e-mailed in %(language)s, with your message and a "
                "link to become the focal point of %(city)s."
            )
            % names,
        ]
        label = _("Yes, approve %(city)s") % names
    else:
        title = _("Reject the request from %(city)s?") % names
        consequences = [
            _("The request of %(city)s to join %(commission)s is closed as rejected.") % names,
            _("%(contact)s (%(email)s) is e-mailed in %(language)s, with your message.") % names,
        ]
        label = _("Yes, reject the request from %(city)s") % names
    # A first visit shows the message field clean; a refused confirmation shows its error.
    shown = form if request.method == "POST" else DecisionForm(initial={"decision": decision})
    return confirm.page(
        request,
        title=title,
        consequences=consequences,
        action=reverse("network:request-decide", args=[application.pk]),
        confirm_label=label,
        cancel_url=reverse("network:dashboard") + "#requests",
        hidden=[("decision", decision)],
        fields=[shown["message"]],
        form=shown,
    )


@login_required
@require_POST
def invite(request):
    city = request.user.city
    if city is None or not permissions.can_invite_to_city(request.user, city):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite_colleague(city, by=request.user, **form.cleaned_data)
        except services.MembershipError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
    else:
        report_form_errors(request, form)
    return redirect("network:dashboard")


@login_required
def edit_city(request, geonames_id):
    city = get_object_or_404(City, geonames_id=geonames_id)
    if not permissions.can_edit_city(request.user, city):
        raise PermissionDenied
    form = CityProfileForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        services.update_city_profile(city, by=request.user, **form.cleaned_data)
        messages.success(request, _("The profile of %(city)s was saved.") % {"city": city.name})
        return redirect(city)
    return render(request, "network/city_form.html", {"form": form, "city": city})


@login_required
@require_POST
def set_role(request, pk):
    person = get_object_or_404(User, pk=pk)
    if not permissions.can_assign_role(request.user, person):
        raise PermissionDenied
    form = RoleForm(request.POST)
    if form.is_valid():
        services.assign_role(person, role=form.cleaned_data["role"], by=request.user)
        messages.success(request, _("%(person)s's role was changed.") % {"person": person})
    return redirect("network:dashboard")
