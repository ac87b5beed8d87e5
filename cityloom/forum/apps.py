from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "cityloom.forum"
    verbose_name = _("Forum")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .services.boards import ensure_axis_boards_after_migrate

        # Not business flow: the six axis boards of each commission exist once the schema does.
        post_migrate.connect(ensure_axis_boards_after_migrate, sender=self)
