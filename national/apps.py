from django.apps import AppConfig


class NationalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "national"
    verbose_name = "Nationell uppföljning"
