from django.urls import path

from . import views, views_password, views_two_factor
from .mfa import second_factor_not_required

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", second_factor_not_required(views.LogoutView.as_view()), name="logout"),
    path("losenord/", views_password.PasswordChangeView.as_view(), name="password_change"),
    path(
        "losenord/bytt/",
        views_password.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "losenord/ny/<uidb64>/<token>/",
        views_password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/ny/klart/",
        views_password.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tvastegsinloggning/", views_two_factor.second_factor, name="second_factor"),
    path(
        "tvastegsinloggning/aktivera/",
        views_two_factor.second_factor_enrol_view,
        name="second_factor_enrol",
    ),
]
