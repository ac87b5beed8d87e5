from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "cityloom.reports"
    verbose_name = _("Annual reports")

    def ready(self) -> None:
        from cityloom.core import documents

        from .services import render

        # The stored PDFs of a report: its published state, and the secretariat's draft.
        documents.register(render.PUBLISHED_KIND, render.render_published)
        documents.register(render.DRAFT_KIND, render.render_draft)
