"""The pages between the password and the product (SPEC §7, ADR 0015): the code page, and the
enrolment of an authenticator app for a user who has none (first login, or after an
administrator's reset), which ends by showing the recovery codes once."""

from __future__ import annotations

import math

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from .mfa import has_second_factor, mark_second_factor, second_factor_not_required
from .two_factor import (
    app_device_of,
    enrolment_device,
    qr_code_data_uri,
    second_factor_check,
    second_factor_enrol,
    secret_for_typing,
)

# Marks the failed-login signal of a wrong code, so the access log records it as a second-factor
# failure (accounts.signals) while django-axes counts it like a wrong password.
SECOND_FACTOR_CREDENTIAL = "second_factor"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod"),
        max_length=32,
        help_text=gettext_lazy(
            "Sex siffror från autentiseringsappen, eller en av dina reservkoder."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod från appen"),
        max_length=16,
        help_text=gettext_lazy("De sex siffror som appen visar just nu."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, request):
    url, query = resolve_url(url_name), request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _locked_out(request):
    """The user name or address is locked (django-axes): the half-done login ends, and the
    lock-out page says why (its limit counts wrong codes like wrong passwords)."""
    logout(request)
    return render(request, "accounts/locked_out.html", status=429)


def _is_locked(request) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": request.user.get_username()})


def _complete(request, device, method):
    otp_login(request, device)
    mark_second_factor(request, method)
    # A new session key for the now complete login, as Django gives one at the password.
    request.session.cycle_key()


@second_factor_not_required
@never_cache
@sensitive_post_parameters("code")
def second_factor(request):
    if has_second_factor(request):
        return redirect(_next_url(request))
    user = request.user
    if app_device_of(user) is None:
        return _with_next("accounts:second_factor_enrol", request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _is_locked(request):
            return _locked_out(request)
        check = second_factor_check(user=user, code=form.cleaned_data["code"], request=request)
        if check.accepted:
            _complete(request, check.device, check.method)
            if check.method == "recovery":
                left = check.device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "Du loggade in med en reservkod. Du har %(count)d reservkod kvar.",
                        "Du loggade in med en reservkod. Du har %(count)d reservkoder kvar.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), SECOND_FACTOR_CREDENTIAL: True},
            request=request,
        )
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request)
        if check.wait_until is not None:
            seconds = max(1, math.ceil((check.wait_until - timezone.now()).total_seconds()))
            form.add_error(
                "code",
                ngettext(
                    "För många fel koder i rad. Vänta %(seconds)d sekund och försök igen.",
                    "För många fel koder i rad. Vänta %(seconds)d sekunder och försök igen.",
                    seconds,
                )
                % {"seconds": seconds},
            )
        else:
            form.add_error("code", _("Fel kod. Kontrollera koden och försök igen."))
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)}
    )


@second_factor_not_required
@never_cache
@sensitive_post_parameters("code")
def second_factor_enrol_view(request):
    if has_second_factor(request):
        return redirect(_next_url(request))
    user = request.user
    if app_device_of(user) is not None:
        # Whoever knows only the password must never add an app of their own next to the user's.
        return _with_next("accounts:second_factor", request)
    device = enrolment_device(user, request.session)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _is_locked(request):
            return _locked_out(request)
        codes = second_factor_enrol(device=device, code=form.cleaned_data["code"], request=request)
        if codes is not None:
            device.refresh_from_db()
            _complete(request, device, "totp")
            return render(
                request,
                "accounts/second_factor_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _(
                "Fel kod. Kontrollera att telefonens klocka går rätt och skriv in "
                "den kod som appen visar nu."
            ),
        )
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": qr_code_data_uri(device),
            "secret": secret_for_typing(device),
            "account_name": user.get_username(),
        },
    )
