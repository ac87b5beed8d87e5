"""RSS and Atom feeds of newly published practices."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import queries


class NewPractices(Feed):
    title = _("Cityloom: new good practices")
    description = _("Good practices newly shared by the member cities.")
    link = reverse_lazy("practices:list")

    def items(self):
        return queries.newest_published(30)

    def item_title(self, item):
        return f"{item.title} ({item.city.name})"

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.get_axis_display()]


class NewPracticesAtom(NewPractices):
    feed_type = Atom1Feed
    subtitle = NewPractices.description
