from django.urls import path

from . import views

app_name = "national"

urlpatterns = [
    path("nationellt/rapportkalender/", views.calendar, name="calendar"),
    path("nationellt/publicera/", views.publish, name="publish"),
    path("nationellt/rapportpaket/<int:pk>/", views.package, name="package"),
    path("nationellt/rapportpaket/<int:pk>/status/", views.package_status, name="package_status"),
    path("nationellt/rapportpaket/<int:pk>/pdf/", views.package_pdf, name="package_pdf"),
    path("nationellt/rapportpaket/<int:pk>/xlsx/", views.package_xlsx, name="package_xlsx"),
]
