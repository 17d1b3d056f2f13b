from django.urls import path

from . import views

app_name = "mapping"

urlpatterns = [
    # joint mappings and meetings
    path("personer/<int:pk>/kartlaggning/ny/", views.mapping_create, name="mapping_create"),
    path("kartlaggningar/<int:pk>/", views.mapping_detail, name="mapping_detail"),
    path("kartlaggningar/<int:pk>/andra/", views.mapping_edit, name="mapping_edit"),
    path("kartlaggningar/<int:pk>/beslut/", views.mapping_decide, name="mapping_decide"),
    path("kartlaggningar/<int:pk>/bekrafta/", views.mapping_sign, name="mapping_sign"),
    path(
        "kartlaggningar/<int:pk>/begar-andring/",
        views.mapping_change_request,
        name="mapping_change_request",
    ),
    path(
        "kartlaggningar/<int:pk>/moten/nytt/",
        views.mapping_meeting_create,
        name="mapping_meeting_create",
    ),
    path(
        "personer/<int:pk>/moten/nytt/", views.person_meeting_create, name="person_meeting_create"
    ),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    # a case's plan and meetings (shown on the case page)
    path("arenden/<int:pk>/plan/ny/", views.plan_create, name="plan_create"),
    path("arenden/<int:pk>/moten/nytt/", views.case_meeting_create, name="case_meeting_create"),
    # a case's closing documentation (slutdokumentation)
    path("arenden/<int:pk>/slutdokumentation/", views.closing_document, name="closing_document"),
    path(
        "arenden/<int:pk>/slutdokumentation/skriv/",
        views.closing_document_edit,
        name="closing_document_edit",
    ),
    path(
        "arenden/<int:pk>/slutdokumentation/bekrafta/",
        views.closing_document_confirm,
        name="closing_document_confirm",
    ),
    path(
        "arenden/<int:pk>/slutdokumentation/skicka-tillbaka/",
        views.closing_document_return,
        name="closing_document_return",
    ),
    # interventions
    path("arenden/<int:pk>/insatser/ny/", views.intervention_create, name="intervention_create"),
    path("insatser/<int:pk>/", views.intervention_detail, name="intervention_detail"),
    path("insatser/<int:pk>/andra/", views.intervention_edit, name="intervention_edit"),
    path("insatser/<int:pk>/starta/", views.intervention_start, name="intervention_start"),
    path("insatser/<int:pk>/byt/", views.intervention_move, name="intervention_move"),
    path("insatser/<int:pk>/avsluta/", views.intervention_end, name="intervention_end"),
    # the person's whole story
    path("personer/<int:pk>/oversikt/", views.person_overview, name="person_overview"),
]
