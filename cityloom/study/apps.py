from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "cityloom.study"
    verbose_name = _("Smart Cities Study")
