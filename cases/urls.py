from django.urls import path

from . import views

app_name = "cases"

# Objects are addressed by their integer id only: no personnummer ever appears in an address.
# A case's plan and meetings are the mapping app's pages (mapping.urls), under arenden/ too.
urlpatterns = [
    path("personer/sok/", views.person_search, name="person_search"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("personer/<int:pk>/skal/", views.person_reason, name="person_reason"),
    path("personer/<int:pk>/andra/", views.person_edit, name="person_edit"),
    path("personer/<int:pk>/samtycke/ny/", views.consent_create, name="consent_create"),
    path("personer/<int:pk>/samtycke/aterkalla/", views.consent_withdraw, name="consent_withdraw"),
    path("personer/<int:pk>/samtycke/bekrafta/", views.consent_confirm, name="consent_confirm"),
    path("personer/<int:pk>/status/ny/", views.status_entry_create, name="status_entry_create"),
    path("personer/<int:pk>/arenden/nytt/", views.case_open, name="case_open"),
    path("arenden/<int:pk>/", views.case_detail, name="case_detail"),
    path("arenden/<int:pk>/historik/", views.case_history, name="case_history"),
    path("arenden/<int:pk>/andra/", views.case_edit, name="case_edit"),
    path("arenden/<int:pk>/fas/", views.case_transition, name="case_transition"),
    path("arenden/<int:pk>/avsluta/", views.case_close, name="case_close"),
    path("arenden/<int:pk>/flytta/", views.case_move, name="case_move"),
    path(
        "arenden/<int:pk>/forslag/<slug:code>/inte-aktuellt/",
        views.flag_dismiss,
        name="flag_dismiss",
    ),
    path(
        "arenden/<int:pk>/situation/start/",
        views.situation_edit,
        {"moment": "start"},
        name="situation_start",
    ),
    path(
        "arenden/<int:pk>/situation/end/",
        views.situation_edit,
        {"moment": "end"},
        name="situation_end",
    ),
    path("samordnare/arendebestand/", views.caseload, name="caseload"),
    path("ej-registrerade/", views.not_registered_list, name="not_registered"),
    path("samordnare/fordela/<int:officer>/", views.reassign, name="reassign"),
]
