"""Virtual discussion boards: boards, threads, posts and their versions, subscriptions,
notifications, reports and the moderation log.

Counters (`thread_count`, `reply_count`, `last_post_at`) are denormalised and kept by the
services, so a board page never counts its threads and a thread page never counts its posts.
A post's `position` (0 for the opening post, then 1, 2, ...) gives pages by an indexed range,
as fast for page 50 as for page 1.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.core.axes import Axis
from cityloom.core.i18n import translated
from cityloom.core.text import render_markdown
from cityloom.meetings.models import Meeting
from cityloom.network.models import City, Commission
from cityloom.projects.models import Project

# A thread's page holds this many posts (positions 0-19 on page 1, and so on).
POSTS_PER_PAGE = 20


class Board(models.Model):
    class Kind(models.TextChoices):
        AXIS = "axis", pgettext_lazy("board kind", "axis")
        PROJECT = "project", pgettext_lazy("board kind", "collaborative project")
        MEETING = "meeting", pgettext_lazy("board kind", "working meeting")
        CUSTOM = "custom", pgettext_lazy("board kind", "secretariat's board")

    class Visibility(models.TextChoices):
        PUBLIC = "public", pgettext_lazy("board visibility", "public")
        MEMBERS = "members", pgettext_lazy("board visibility", "members only")
        RESTRICTED = "restricted", pgettext_lazy("board visibility", "restricted group")

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.CUSTOM)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis, blank=True)
    project = models.OneToOneField(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    visibility = models.CharField(
        _("who may read"), max_length=10, choices=Visibility, default=Visibility.MEMBERS
    )
    # The restricted group of a secretariat's board (project and meeting boards have theirs).
    group = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("restricted group"),
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=100)
    thread_count = models.PositiveIntegerField(_("threads"), default=0, editable=False)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "axis"],
                condition=Q(kind="axis"),
                name="forum_one_axis_board",
            ),
            models.CheckConstraint(
                condition=Q(kind="project", project__isnull=False)
                | Q(~Q(kind="project"), project__isnull=True),
                name="forum_project_board_has_project",
            ),
            models.CheckConstraint(
                condition=Q(kind="meeting", meeting__isnull=False)
                | Q(~Q(kind="meeting"), meeting__isnull=True),
                name="forum_meeting_board_has_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:board-detail", args=[self.slug])

    @property
    def display_title(self) -> str:
        return translated(self, "title")

    @property
    def display_description(self) -> str:
        return translated(self, "description")


class Thread(models.Model):
    board = models.ForeignKey(
        Board, verbose_name=_("board"), on_delete=models.CASCADE, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    reply_count = models.PositiveIntegerField(_("replies"), default=0, editable=False)
    # The position the next post takes (hidden posts keep theirs: pages never shift).
    next_position = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"))
    last_post_at = models.DateTimeField(_("last post"))

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_pinned", "-last_post_at", "-id"]
        indexes = [
            # A board's page: pinned first, then the latest activity (keyset pages).
            models.Index(
                fields=["board", "-is_pinned", "-last_post_at", "-id"], name="forum_board_page"
            ),
            models.Index(fields=["-last_post_at", "-id"], name="forum_thread_latest"),
            models.Index(fields=["created_at"], name="forum_thread_created"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread-detail", args=[self.pk])


def _attachment_path(instance, filename: str) -> str:
    return f"forum/{filename}"


class Post(models.Model):
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    position = models.PositiveIntegerField(pgettext_lazy("order", "position"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("text"), help_text=_("Markdown."))
    # The body rendered (and sanitised) by `core.text.render_markdown` when it is written, so a
    # page of posts renders no Markdown.
    html = models.TextField(editable=False, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attachment = models.FileField(_("attachment"), upload_to=_attachment_path, blank=True)
    attachment_name = models.CharField(max_length=150, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "position"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "position"], name="forum_post_position"),
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="forum_post_author")]

    def __str__(self) -> str:
        return f"{self.thread} #{self.position}"

    def get_absolute_url(self) -> str:
        page = self.position // POSTS_PER_PAGE + 1
        suffix = f"?page={page}" if page > 1 else ""
        return reverse("forum:thread-detail", args=[self.thread_id]) + f"{suffix}#post-{self.pk}"

    @property
    def is_opening(self) -> bool:
        return self.position == 0

    @property
    def rendered(self) -> SafeString:
        """The body as HTML: rendered when written; a row loaded without it is rendered now."""
        # `html` only ever holds render_markdown's output, which escapes what people write.
        return mark_safe(self.html) if self.html else render_markdown(self.body)


class PostVersion(models.Model):
    """The text of a post before an edit: every edit keeps the previous text."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="versions"
    )
    body = models.TextField(_("text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("post version")
        verbose_name_plural = _("post versions")
        ordering = ["post", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.post} ({self.created_at:%Y-%m-%d %H:%M})"


class Subscription(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", pgettext_lazy("subscription mode", "an e-mail for each post")
        DIGEST = "digest", pgettext_lazy("subscription mode", "a daily digest")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="forum_subscriptions",
    )
    board = models.ForeignKey(
        Board,
        verbose_name=_("board"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    thread = models.ForeignKey(
        Thread,
        verbose_name=_("thread"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    mode = models.CharField(_("e-mails"), max_length=10, choices=Mode, default=Mode.IMMEDIATE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(board__isnull=False, thread__isnull=True)
                | Q(board__isnull=True, thread__isnull=False),
                name="forum_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["person", "board"],
                condition=Q(board__isnull=False),
                name="forum_one_board_subscription",
            ),
            models.UniqueConstraint(
                fields=["person", "thread"],
                condition=Q(thread__isnull=False),
                name="forum_one_thread_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.board or self.thread}"


class Notification(models.Model):
    """One post to tell one person about, once: at once, or in their next digest."""

    class Reason(models.TextChoices):
        SUBSCRIPTION = "subscription", pgettext_lazy("notification reason", "subscription")
        MENTION = "mention", pgettext_lazy("notification reason", "mention")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=12, choices=Reason)
    mode = models.CharField(max_length=10, choices=Subscription.Mode)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set in the transaction that queues the e-mail: a digest never takes a notification twice.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["person", "post"], name="forum_notify_once"),
        ]
        indexes = [
            models.Index(
                fields=["mode", "person", "id"],
                condition=Q(mailed_at__isnull=True),
                name="forum_digest_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.post}"


class Mention(models.Model):
    """Who a post mentions: a person, or a city (whose focal points are told)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"@{self.city or self.person}"


class Report(models.Model):
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = pgettext_lazy("report abuse", "report")
        verbose_name_plural = pgettext_lazy("report abuse", "reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="forum_one_open_report_each",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post}: {self.reason[:40]}"


class ModerationLog(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", pgettext_lazy("moderation", "hid a post")
        UNHIDE = "unhide", pgettext_lazy("moderation", "showed a post again")
        LOCK = "lock", pgettext_lazy("moderation", "locked a thread")
        UNLOCK = "unlock", pgettext_lazy("moderation", "unlocked a thread")
        PIN = "pin", pgettext_lazy("moderation", "pinned a thread")
        UNPIN = "unpin", pgettext_lazy("moderation", "unpinned a thread")
        MOVE = "move", pgettext_lazy("moderation", "moved a thread")
        REPORT = "report", pgettext_lazy("moderation", "reported a post")
        CREATE_BOARD = "create_board", pgettext_lazy("moderation", "created a board")

    action = models.CharField(_("action"), max_length=14, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="+"
    )
    board = models.ForeignKey(
        Board, verbose_name=_("board"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d})"
