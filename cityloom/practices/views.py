from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cityloom.core import uploads
from cityloom.core.languages import language_name
from cityloom.core.views import report_errors
from cityloom.network.models import City
from cityloom.network.permissions import secretariat_commissions

from . import exports, permissions, queries, search, services
from .forms import (
    AttachmentForm,
    CompendiumForm,
    ConversationForm,
    LabelReviewForm,
    PracticeForm,
    ReplyForm,
    SearchForm,
    TransferForm,
    TransferStageForm,
    TranslationForm,
)
from .models import Compendium, Practice, PracticeTranslation

PAGE_SIZE = 20
FACET_LABELS = {
    "axis": gettext_lazy("Axis"),
    "country": gettext_lazy("Country"),
    "region": gettext_lazy("Region"),
    "size": gettext_lazy("City size"),
    "sdg": gettext_lazy("Sustainable Development Goal"),
    "labelled": gettext_lazy("Label"),
    "language": gettext_lazy("Language"),
}
FACET_PARAMS = {}


def practice_list(request):
    form = SearchForm(request.GET or None)
    params = form.params()
    result = search.search(params)
    page = Paginator(result.practices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    selected = form.data if form.is_bound else {}
    facets = [
        (f.name, FACET_LABELS[f.name], f.values, selected.get(FACET_PARAMS.get(f.name, f.name), ""))
        for f in result.facets
    ]
    context = {
        "form": form,
        "params": params,
        "page": page,
        "facets": facets,
        "query": query.urlencode(),
        "can_draft": request.user.is_authenticated and request.user.city_id is not None,
    }
    template = (
        "practices/_results.html" if request.headers.get("HX-Request") else "practices/list.html"
    )
    return render(request, template, context)


def _practice(pk, user) -> Practice:
    practice = get_object_or_404(queries.practices_in_full(), pk=pk)
    if not permissions.can_view(user, practice):
        raise Http404
    return practice


def practice_detail(request, pk):
    practice = _practice(pk, request.user)
    user = request.user
    transfers = queries.transfers_of(practice)
    context = {
        "practice": practice,
        "version": queries.reader_version(practice),
        "texts": queries.reader_texts(practice),
        "transfers": transfers,
        "reviews": queries.label_reviews(practice)
        if permissions.can_view_reviews(user, practice)
        else [],
        "can_edit": permissions.can_edit(user, practice),
        "can_publish": permissions.can_publish(user, practice),
        "can_label": permissions.can_label(user, practice),
        "can_contact": permissions.can_contact(user, practice),
        "has_adopted": user.is_authenticated
        and any(t.adopting_city_id == user.city_id for t in transfers),
        "compendiums": queries.compendiums_open_to(practice, user=user),
        "missing_languages": [
            (code, name)
            for code, name in PracticeTranslation._meta.get_field("language").choices
            if code != practice.language
        ],
    }
    return render(request, "practices/detail.html", context)


@login_required
def practice_create(request):
    user = request.user
    if user.city is None or not permissions.can_draft_for(user, user.city):
        raise PermissionDenied
    form = PracticeForm(
        request.POST or None,
        city=user.city,
        initial={"language": translation.get_language(), "contact": user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.draft_practice(user.city, by=user, **form.service_kwargs())
        except ValidationError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(practice)
    return render(request, "practices/form.html", {"form": form, "city": user.city})


@login_required
def practice_edit(request, pk):
    practice = _practice(pk, request.user)
    if not permissions.can_edit(request.user, practice):
        raise PermissionDenied
    form = PracticeForm(request.POST or None, instance=practice, city=practice.city)
    if request.method == "POST" and form.is_valid():
        try:
            # The form changed the instance in memory; the service reloads it, locked, and writes.
            services.update_practice(practice, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The practice is saved."))
            return redirect("practices:detail", pk=pk)
    return render(
        request, "practices/form.html", {"form": form, "city": practice.city, "practice": practice}
    )


@login_required
@require_POST
def practice_publish(request, pk):
    practice = _practice(pk, request.user)
    try:
        if request.POST.get("action") == "unpublish":
            services.unpublish_practice(practice, by=request.user)
            messages.success(request, _("The practice is back to draft."))
        else:
            services.publish_practice(practice, by=request.user)
            messages.success(request, _("The practice is published."))
    except services.PracticeError as exc:
        report_errors(request, exc)
    return redirect(practice)


@login_required
def translation_edit(request, pk, language):
    practice = _practice(pk, request.user)
    if not permissions.can_edit(request.user, practice):
        raise PermissionDenied
    if language not in dict(PracticeTranslation._meta.get_field("language").choices):
        raise Http404
    existing = queries.translation_into(practice, language)
    initial = {f: getattr(existing, f) for f in TranslationForm.base_fields} if existing else None
    form = TranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_translation(
                practice, language=language, by=request.user, **form.cleaned_data
            )
        except services.PracticeError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect(practice)
    return render(
        request,
        "practices/translation_form.html",
        {
            "form": form,
            "practice": practice,
            "language": language,
            "language_name": language_name(language),
        },
    )


@login_required
def attachment_add(request, pk):
    practice = _practice(pk, request.user)
    if not permissions.can_edit(request.user, practice):
        raise PermissionDenied
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(
                practice,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(practice)
    return render(request, "practices/attachment_form.html", {"form": form, "practice": practice})


def attachment_download(request, pk, attachment_pk):
    """Whoever may read the practice (everyone once published; its city and secretariat while
    a draft) downloads its files; for anyone else the draft's files do not exist."""
    practice = _practice(pk, request.user)
    attachment = get_object_or_404(practice.attachments, pk=attachment_pk)
    file_type = uploads.TYPES.get(attachment.content_type, uploads.UNKNOWN)
    return uploads.file_response(
        attachment.file,
        content_type=file_type.content_type,
        filename=uploads.download_name(
            attachment.original_name or attachment.caption,
            file_type,
            fallback=f"practice-{practice.pk}-{attachment.pk}",
        ),
    )


@login_required
def label_review(request, pk):
    practice = _practice(pk, request.user)
    if not permissions.can_label(request.user, practice):
        raise PermissionDenied
    form = LabelReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_label(practice, by=request.user, **form.cleaned_data)
        except services.PracticeError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, review.get_decision_display())
            return redirect(practice)
    return render(request, "practices/label_form.html", {"form": form, "practice": practice})


@login_required
def contact(request, pk):
    practice = _practice(pk, request.user)
    if not permissions.can_contact(request.user, practice):
        raise PermissionDenied
    form = ConversationForm(request.POST or None, initial={"subject": practice.title})
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.start_conversation(
                practice, by=request.user, **form.cleaned_data
            )
        except services.PracticeError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(conversation)
    return render(request, "practices/contact_form.html", {"form": form, "practice": practice})


@login_required
def conversation_detail(request, pk):
    conversation = get_object_or_404(queries.conversations_in_full(), pk=pk)
    if not permissions.can_view_conversation(request.user, conversation):
        raise Http404  # not even the fact that it exists
    can_reply = permissions.can_reply(request.user, conversation)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not can_reply:
            raise PermissionDenied
        if form.is_valid():
            services.reply(conversation, by=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Your reply is sent."))
            return redirect(conversation)
    return render(
        request,
        "practices/conversation.html",
        {
            "conversation": conversation,
            "thread": queries.thread(conversation),
            "form": form,
            "can_reply": can_reply,
        },
    )


@login_required
def adopt(request, pk):
    practice = _practice(pk, request.user)
    if not permissions.can_adopt(request.user, practice):
        raise PermissionDenied
    form = TransferForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_transfer(practice, by=request.user, **form.cleaned_data)
        except services.PracticeError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("The adoption by %(city)s is recorded.") % {"city": request.user.city.name},
            )
            return redirect(practice)
    return render(request, "practices/adopt_form.html", {"form": form, "practice": practice})


@login_required
def transfer_edit(request, pk):
    transfer = get_object_or_404(queries.transfers_in_full(), pk=pk)
    if not permissions.can_update_transfer(request.user, transfer):
        raise PermissionDenied
    form = TransferStageForm(
        request.POST or None,
        initial={"stage": transfer.stage, "on": timezone.localdate(), "notes": transfer.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_transfer(transfer, by=request.user, **form.cleaned_data)
        except services.PracticeError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The transfer is updated."))
            return redirect(transfer.practice)
    return render(request, "practices/transfer_form.html", {"form": form, "transfer": transfer})


def city_practices(request, geonames_id):
    city = get_object_or_404(City, geonames_id=geonames_id)
    return render(request, "practices/city.html", {"city": city, **queries.city_practices(city)})


@login_required
def mine(request):
    user = request.user
    context = queries.own_city_work(user)
    if permissions.can_manage_compendiums(user):
        context["followed"] = queries.followed_conversations(user)
    return render(request, "practices/mine.html", context)


# Compendiums


def compendium_list(request):
    compendiums = [
        c for c in queries.compendiums() if permissions.can_view_compendium(request.user, c)
    ]
    return render(
        request,
        "practices/compendium_list.html",
        {
            "compendiums": compendiums,
            "can_create": permissions.can_manage_compendiums(request.user),
        },
    )


@login_required
def compendium_create(request):
    commission = queries.compendium_commission(request.user)
    if commission is None:
        raise PermissionDenied
    form = CompendiumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            compendium = services.create_compendium(
                commission=commission, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The compendium is created."))
            return redirect(compendium)
    return render(request, "practices/compendium_form.html", {"form": form})


def _compendium(request, slug) -> Compendium:
    compendium = get_object_or_404(queries.compendiums(), slug=slug)
    if not permissions.can_view_compendium(request.user, compendium):
        raise Http404
    return compendium


def _entries(compendium):
    entries = queries.compendium_entries(compendium)
    for entry in entries:
        entry.version = queries.reader_version(entry.practice)
    return entries


def compendium_detail(request, slug):
    compendium = _compendium(request, slug)
    return render(
        request,
        "practices/compendium_detail.html",
        {
            "compendium": compendium,
            "entries": _entries(compendium),
            "can_edit": permissions.can_edit_compendium(request.user, compendium),
        },
    )


def compendium_export(request, slug, fmt):
    if fmt not in ("html", "pdf"):
        raise Http404
    compendium = _compendium(request, slug)
    context = {"compendium": compendium, "entries": _entries(compendium), "now": timezone.now()}
    html = render_to_string("practices/compendium_print.html", context, request=request)
    language = translation.get_language()
    filename = f"{compendium.slug}-{language}"
    if fmt == "html":
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.html"'
        return response
    response = HttpResponse(exports.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


@login_required
@require_POST
def compendium_add(request, pk):
    practice = _practice(pk, request.user)
    compendium = get_object_or_404(Compendium, pk=request.POST.get("compendium") or 0)
    try:
        services.add_to_compendium(compendium, practice, by=request.user)
    except services.PracticeError as exc:
        report_errors(request, exc)
    else:
        messages.success(
            request,
            _("Added to %(compendium)s.") % {"compendium": compendium.display_title},
        )
    return redirect(practice)


@login_required
@require_POST
def compendium_entry(request, slug, entry_pk):
    compendium = get_object_or_404(Compendium, slug=slug)
    entry = get_object_or_404(compendium.entries.select_related("compendium"), pk=entry_pk)
    action = request.POST.get("action")
    if action == "remove":
        services.remove_from_compendium(entry, by=request.user)
    else:
        services.move_entry(entry, by=request.user, up=action == "up")
    return redirect(compendium)


# Secretariat exports


def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not permissions.can_export(request.user):
        raise PermissionDenied
    practices = exports.practices_for_export(secretariat_commissions(request.user))
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(practices), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(practices),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="practices-{stamp}.{fmt}"'
    return response
