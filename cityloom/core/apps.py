from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cityloom.core"
    verbose_name = _("Core")

    def ready(self):
        # Made when the application starts, not when settings are read: SQLite's file lives in
        # the data directory, and WhiteNoise warns on every start without STATIC_ROOT.
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # Every write moves the anonymous page cache's data version on (core/cache.py).
        from .cache import watch_writes

        watch_writes()
