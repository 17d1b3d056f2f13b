"""A user changes their own password: Django's view, with the password rules in force, the
current session kept (the other sessions of the account end) and the change logged."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .passwords import password_change_record


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    # A form: shown by GET, sent by POST. Django's view also takes PUT as POST; not here.
    http_method_names = ["get", "post", "head", "options"]

    def form_valid(self, form):
        # Django saves the password and calls update_session_auth_hash, which keeps this session
        # and invalidates every other one of the account.
        response = super().form_valid(form)
        password_change_record(user=form.user, changed_by=self.request.user, request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link an administrator made (accounts.staff.password_reset_link): the user chooses a
    new password under the password rules, and logs in with it (and the second factor) after.
    Open without login, as Django's own view is; the link's token is the key."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_record(user=form.user, changed_by=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
