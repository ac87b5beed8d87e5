from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityloom.core import uploads
from cityloom.core.views import report_errors, report_form_errors

from . import permissions, queries, services
from .forms import (
    BoardForm,
    EditForm,
    MoveForm,
    ReplyForm,
    ReportForm,
    SearchForm,
    SubscribeForm,
    ThreadForm,
)
from .models import Board, Post, Thread


def _board(request, slug) -> Board:
    board = queries.board(slug)
    # A board one may not read does not exist for them (its name tells too much).
    if board is None or not permissions.can_read_board(request.user, board):
        raise Http404
    return board


def _thread(request, pk) -> Thread:
    thread = queries.thread(pk)
    if thread is None or not permissions.can_read_board(request.user, thread.board):
        raise Http404
    return thread


def _post(request, pk) -> Post:
    post = queries.post(pk)
    if post is None or not permissions.can_read_board(request.user, post.thread.board):
        raise Http404
    return post


def _page(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def board_list(request):
    return render(
        request,
        "forum/board_list.html",
        {
            "boards": queries.board_list(request.user),
            "can_create": permissions.can_create_board(request.user),
            "search_form": SearchForm(),
        },
    )


def board_detail(request, slug):
    board = _board(request, slug)
    user = request.user
    page = queries.board_threads(board, cursor=request.GET.get("after", ""))
    subscription = queries.subscription(user, board=board)
    return render(
        request,
        "forum/board_detail.html",
        {
            "board": board,
            "page": page,
            "is_first_page": not request.GET.get("after"),
            "can_post": permissions.can_post(user, board),
            "can_subscribe": permissions.can_subscribe(user, board),
            "subscription": subscription,
            "subscribe_form": SubscribeForm(
                initial={"mode": subscription.mode if subscription else ""}
            ),
            "search_form": SearchForm(),
        },
    )


@login_required
def thread_create(request, slug):
    board = _board(request, slug)
    if not permissions.can_post(request.user, board):
        raise PermissionDenied
    form = ThreadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(board, by=request.user, **form.cleaned_data)
        except services.ForumError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your thread is started."))
            return redirect(thread)
    return render(request, "forum/thread_form.html", {"board": board, "form": form})


def thread_detail(request, pk):
    thread = _thread(request, pk)
    user = request.user
    board = thread.board
    pages = queries.page_count(thread)
    page = min(_page(request), pages)
    posts = queries.thread_posts(thread, page)
    can_moderate = permissions.can_moderate(user, board)
    for post in posts:
        post.thread = thread  # the rules below read it: no query per post
        quoted = post.quoted if post.quoted_id and not post.quoted.is_hidden else None
        post.quoted_html = quoted.rendered if quoted else ""
        post.can_edit = permissions.can_edit_post(user, post)
        # `can_report` less its board check: the reader may read this board.
        post.can_report = user.is_authenticated and post.author_id != user.pk and not post.is_hidden
    subscription = queries.subscription(user, thread=thread)
    quote = request.GET.get("quote")
    reply_form = None
    if permissions.can_reply(user, thread):
        reply_form = ReplyForm(user=user, initial={"quote": quote} if quote else None)
    return render(
        request,
        "forum/thread_detail.html",
        {
            "thread": thread,
            "board": board,
            "posts": posts,
            "page": page,
            "pages": range(1, pages + 1),
            "page_total": pages,
            "reply_form": reply_form,
            "can_post": permissions.can_post(user, board),
            "can_moderate": can_moderate,
            "move_form": MoveForm(boards=queries.boards_to_move_to(thread))
            if can_moderate
            else None,
            "subscription": subscription,
            "subscribe_form": SubscribeForm(
                initial={"mode": subscription.mode if subscription else ""}
            ),
            "report_form": ReportForm(),
        },
    )


@login_required
@require_POST
def reply(request, pk):
    thread = _thread(request, pk)
    form = ReplyForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            post = services.reply(
                thread,
                by=request.user,
                body=data["body"],
                language=data["language"],
                quote=data["quote"],
                attachment=data["attachment"],
            )
        except services.ForumError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(post)
    return render(request, "forum/reply_form.html", {"thread": thread, "form": form})


@login_required
def post_edit(request, pk):
    post = _post(request, pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied
    form = EditForm(
        request.POST or None,
        is_opening=post.is_opening,
        initial={"body": post.body, "title": post.thread.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(post, by=request.user, **form.cleaned_data)
        except services.ForumError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your message is saved; the previous text is kept."))
            return redirect(post)
    return render(
        request,
        "forum/post_edit.html",
        {"post": post, "form": form, "versions": queries.post_versions(post)},
    )


def post_attachment(request, pk):
    post = _post(request, pk)
    if post.is_hidden and not permissions.can_moderate(request.user, post.thread.board):
        raise Http404
    file_type = uploads.TYPES.get(post.attachment_type, uploads.UNKNOWN)
    return uploads.file_response(
        post.attachment,
        content_type=post.attachment_type,
        filename=uploads.download_name(post.attachment_name, file_type, fallback="attachment"),
        private=post.thread.board.visibility != Board.Visibility.PUBLIC,
    )


@login_required
@require_POST
def post_report(request, pk):
    post = _post(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(post)
    try:
        services.report_post(post, by=request.user, reason=form.cleaned_data["reason"])
    except services.ForumError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("Thank you: the secretariat will look at this message."))
    return redirect(post)


@login_required
@require_POST
def post_hide(request, pk):
    post = _post(request, pk)
    hidden = request.POST.get("hidden") != "0"
    services.set_hidden(post, by=request.user, hidden=hidden, note=request.POST.get("note", ""))
    messages.success(
        request, _("The message is hidden.") if hidden else _("The message is shown again.")
    )
    return redirect(post)


@login_required
@require_POST
def thread_moderate(request, pk):
    thread = _thread(request, pk)
    action = request.POST.get("action")
    user = request.user
    if action in ("lock", "unlock"):
        services.set_locked(thread, by=user, locked=action == "lock")
        messages.success(
            request,
            _("The thread is locked.") if action == "lock" else _("The thread is open again."),
        )
    elif action in ("pin", "unpin"):
        services.set_pinned(thread, by=user, pinned=action == "pin")
        messages.success(
            request,
            _("The thread is pinned.") if action == "pin" else _("The thread is no longer pinned."),
        )
    elif action == "move":
        try:
            services.move_thread(thread, by=user, to_board_id=request.POST.get("board"))
        except services.ForumError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("The thread is moved."))
    else:
        raise Http404
    return redirect(thread)


@login_required
@require_POST
def board_subscribe(request, slug):
    board = _board(request, slug)
    form = SubscribeForm(request.POST)
    if form.is_valid():
        mode = form.cleaned_data["mode"]
        services.subscribe(request.user, board=board, mode=mode)
        messages.success(
            request, _("Your choice is saved.") if mode else _("You no longer follow this board.")
        )
    return redirect(board)


@login_required
@require_POST
def thread_subscribe(request, pk):
    thread = _thread(request, pk)
    form = SubscribeForm(request.POST)
    if form.is_valid():
        mode = form.cleaned_data["mode"]
        services.subscribe(request.user, thread=thread, mode=mode)
        messages.success(
            request, _("Your choice is saved.") if mode else _("You no longer follow this thread.")
        )
    return redirect(thread)


def unsubscribe(request, token):
    """The link in each e-mail: one click (a button, so link checkers do not unsubscribe)."""
    if services.subscription_of_token(token) is None:
        raise Http404
    done = False
    if request.method == "POST":
        try:
            services.unsubscribe(token)
        except services.ForumError as exc:
            report_errors(request, exc)
        else:
            done = True
    return render(request, "forum/unsubscribe.html", {"token": token, "done": done})


def search(request):
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        result = queries.search_threads(request.user, form.cleaned_data["q"], page=_page(request))
    return render(request, "forum/search.html", {"form": form, "result": result})


@login_required
def moderation(request):
    """The secretariat's reports to handle and the moderation log."""
    if not permissions.can_create_board(request.user):
        raise PermissionDenied
    return render(
        request,
        "forum/moderation.html",
        {
            "reports": queries.open_reports(request.user),
            "log": queries.moderation_log(request.user),
        },
    )


@login_required
def board_create(request):
    commissions = permissions.secretariat_commissions(request.user)
    if not permissions.can_create_board(request.user):
        raise PermissionDenied
    form = BoardForm(request.POST or None, commissions=commissions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            board = services.create_board(
                data.pop("commission"), by=request.user, group_emails=data.pop("group"), **data
            )
        except services.ForumError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The board is created."))
            return redirect(board)
    return render(request, "forum/board_form.html", {"form": form})
