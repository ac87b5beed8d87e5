from django.urls import path

from . import feeds, views

app_name = "communications"

urlpatterns = [
    path("circulars/", views.circular_list, name="circular-list"),
    path("circulars/feed.rss", feeds.CircularsFeed(), name="circular-feed"),
    path("circulars/feed.atom", feeds.CircularsAtomFeed(), name="circular-feed-atom"),
    path("circulars/new/", views.circular_create, name="circular-create"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular-detail"),
    path("circulars/<int:pk>/edit/", views.circular_edit, name="circular-edit"),
    path("circulars/<int:pk>/preview/", views.circular_preview, name="circular-preview"),
    path("circulars/<int:pk>/send/", views.circular_send, name="circular-send"),
    path("circulars/<int:pk>/deliveries/", views.circular_log, name="circular-log"),
    path(
        "circulars/<int:pk>/attachments/<int:attachment_pk>/",
        views.circular_attachment,
        name="circular-attachment",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("news/", views.news_list, name="news-list"),
    path("news/feed.rss", feeds.NewsFeed(), name="news-feed"),
    path("news/feed.atom", feeds.NewsAtomFeed(), name="news-feed-atom"),
    path("news/<slug:slug>/", views.news_detail, name="news-detail"),
    path("news/<slug:slug>/image", views.news_image, name="news-image"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("pages/<slug:slug>/documents/<int:pk>/", views.document_download, name="document"),
    path("events/", views.event_list, name="event-list"),
    path("events/calendar/", views.event_calendar, name="event-calendar"),
    path(
        "events/calendar/<int:year>/<int:month>/",
        views.event_calendar,
        name="event-calendar-month",
    ),
    path("events/calendar.ics", views.events_ics, name="events-ics"),
    path("events/my/", views.my_calendar, name="my-calendar"),
    path("events/my/<str:token>.ics", views.my_events_ics, name="my-events-ics"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("events/<slug:slug>/register/", views.event_register, name="event-register"),
    path("events/<slug:slug>/cancel/", views.event_cancel, name="event-cancel"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event-ics"),
    path("events/<slug:slug>/participants.csv", views.participants_csv, name="participants-csv"),
]
