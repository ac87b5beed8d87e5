"""RSS and Atom feeds of a project's news: cities joining, activities held, milestones,
deliverables delivered."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import queries


def _headline(item) -> str:
    obj = item["object"]
    if item["kind"] == "joined":
        return _("%(city)s joins the project") % {"city": obj.city.name}
    if item["kind"] == "held":
        return _("%(activity)s: minutes") % {"activity": obj.activity.display_title}
    if item["kind"] == "milestone":
        return obj.display_title
    return _("Delivered: %(title)s") % {"title": obj.display_title}


class ProjectNews(Feed):
    def get_object(self, request, pk):
        project = queries.project(pk)
        if project is None:
            raise Http404
        return project

    def title(self, project):
        return _("Cityloom: news of the project “%(title)s”") % {"title": project.display_title}

    def description(self, project):
        return project.display_question or project.display_title

    def link(self, project):
        return project.get_absolute_url()

    def items(self, project):
        return [dict(item, project=project, n=n) for n, item in enumerate(queries.news(project))]

    def item_title(self, item):
        return _headline(item)

    def item_description(self, item):
        obj = item["object"]
        return getattr(obj, "minutes", "") or getattr(obj, "description", "") or ""

    def item_link(self, item):
        return f"{item['project'].get_absolute_url()}#news-{item['kind']}-{item['object'].pk}"

    def item_guid(self, item):
        return f"project-{item['project'].pk}-{item['kind']}-{item['object'].pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return timezone.make_aware(dt.datetime.combine(item["date"], dt.time(12)), dt.UTC)


class ProjectNewsAtom(ProjectNews):
    feed_type = Atom1Feed

    def subtitle(self, project):
        return self.description(project)
