from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.home, name="home"),
    path("commissions/", views.commission_list, name="commission-list"),
    path("commissions/<slug:slug>/", views.commission_detail, name="commission-detail"),
    path("members/", views.member_directory, name="directory"),
    path("members/map/", views.members_map, name="map"),
    path("cities/search/", views.city_search, name="city-search"),
    path("cities/<int:geonames_id>/", views.city_detail, name="city-detail"),
    path("cities/<int:geonames_id>/edit/", views.edit_city, name="city-edit"),
    path("membership/apply/", views.apply, name="apply"),
    path("membership/sent/", views.apply_sent, name="apply-sent"),
    path("membership/confirm/<str:token>/", views.confirm_application, name="apply-confirm"),
    path("membership/thanks/", views.apply_done, name="apply-done"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("my/", views.dashboard, name="dashboard"),
    path("my/requests/<int:pk>/decide/", views.decide_request, name="request-decide"),
    path("my/invite/", views.invite, name="invite"),
    path("my/people/<int:pk>/role/", views.set_role, name="person-role"),
]
