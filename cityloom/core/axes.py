"""The six axes of the network's work (the report's smart city model), shared by every domain.

Study frameworks map their top level onto these through the crosswalk; practices, publications,
meetings and mentoring requests are filed under them.
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
