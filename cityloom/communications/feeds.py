"""RSS and Atom feeds of the circulars archive and of the news."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import queries

ITEMS = 30


class CircularsFeed(Feed):
    title = _("Circulars of the commission")
    description = _("The informative circulars sent to the members.")
    link = reverse_lazy("communications:circular-list")

    def items(self):
        return queries.sent_circulars()[:ITEMS]

    def item_title(self, item):
        return f"{item.label}: {item.display_subject}"

    def item_description(self, item):
        return item.display_body

    def item_pubdate(self, item):
        return item.sent_at

    def item_link(self, item):
        return item.get_absolute_url()


class CircularsAtomFeed(CircularsFeed):
    feed_type = Atom1Feed
    subtitle = CircularsFeed.description


class NewsFeed(Feed):
    title = _("News of the commission")
    description = _("News about the commission's and its members' activities.")
    link = reverse_lazy("communications:news-list")

    def items(self):
        return queries.published_news()[:ITEMS]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.display_body

    def item_pubdate(self, item):
        return item.published_at

    def item_link(self, item):
        return item.get_absolute_url()

    def item_enclosure_url(self, item):
        if not item.image:
            return None
        return settings.SITE_URL + reverse_lazy("communications:news-image", args=[item.slug])


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
