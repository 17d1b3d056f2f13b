from django.urls import path

from . import views

app_name = "preparation"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("nytt-mote/", views.session_create, name="session_create"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/ta-upp/", views.referral_add, name="referral_add"),
    path("<int:pk>/deltagare/", views.session_notes, name="session_notes"),
    path("<int:pk>/justera/", views.session_close, name="session_close"),
    path("<int:pk>/protokoll/", views.protocol, name="protocol"),
    path("beslut/<int:pk>/", views.referral_decide, name="referral_decide"),
]
