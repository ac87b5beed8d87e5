"""The six axes of the Smart Cities Study, shared by the practices and the observatory.

The Study app will own its indicator frameworks; until then the axes live here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Axis(models.TextChoices):
    ECONOMY = "economy", _("Smart economy")
    GOVERNANCE = "governance", _("Smart governance")
    PEOPLE = "people", _("Smart people")
    MOBILITY = "mobility", _("Smart mobility")
    ENVIRONMENT = "environment", _("Smart environment")
    LIVING = "living", _("Smart living")
