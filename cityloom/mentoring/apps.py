from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "cityloom.mentoring"
    verbose_name = _("City-to-city mentoring")
