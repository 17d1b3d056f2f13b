from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import (
    Agency,
    ApiToken,
    Area,
    OfficeUnit,
    PreparationGroup,
    Region,
    Role,
    StaffProfile,
    Team,
)
from .passwords import password_change_record
from .staff import lockout_clear, password_reset_link, staff_deactivate, staff_reactivated_record
from .tokens import api_token_create, api_token_revoke
from .two_factor import second_factor_reset


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]

    def has_add_permission(self, request):
        return False  # FK and AF are seeded; there are no others

    def has_delete_permission(self, request, obj=None):
        return False


class OfficeUnitInline(admin.TabularInline):
    model = OfficeUnit
    extra = 0


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class PreparationGroupInline(admin.TabularInline):
    model = PreparationGroup
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]
    inlines = [OfficeUnitInline, TeamInline, PreparationGroupInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """FK's verksamhetsområden and AF's marknadsområden: groups of areas (issue 20)."""

    list_display = ["name", "code", "agency", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["areas"]


@admin.register(OfficeUnit)
class OfficeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "area"]
    list_filter = ["kind", "area"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_filter = ["area"]


@admin.register(PreparationGroup)
class PreparationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_filter = ["area"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "agency",
        "case_access",
        "area_wide",
        "area_aggregates",
        "national_aggregates",
        "regional_manager",
        "national_steering",
        "exports_pseudonymised",
        "reviews_access_log",
        "is_officer",
    ]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "agency", "working_time_share"]
    list_filter = ["role", "agency", "areas"]
    filter_horizontal = ["areas", "teams", "regions"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["areas", "teams", "regions"]


admin.site.unregister(User)
# django-otp's own device pages would show the TOTP secrets and the recovery codes in clear and
# let an administrator add a device to someone else's account; the user page below offers the
# one thing an administrator needs: a logged reset of a lost device (ADR 0015).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = [*UserAdmin.list_display, "has_authenticator_app"]
    actions = ["reset_second_factor", "deactivate", "password_reset", "clear_lockout"]

    def user_change_password(self, request, id, form_url=""):
        """Django's "set password" page (the validators in force), logged when it set one."""
        user = self.get_object(request, unquote(id))  # None for an unknown or malformed id
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None:
            user.refresh_from_db(fields=["password"])
            if user.password != before:  # a new password always gets a new salted hash
                password_change_record(user=user, changed_by=request.user, request=request)
        return response

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(_has_app=Exists(app))

    @admin.display(description=_("Tvåstegsinloggning"), boolean=True, ordering="_has_app")
    def has_authenticator_app(self, user):
        return user._has_app

    @admin.action(
        description=_("Återställ tvåstegsinloggning (förlorad telefon)"), permissions=["change"]
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user, reset_by=request.user, request=request)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Tvåstegsinloggningen återställd för %d användare. "
                "Hen aktiverar en ny autentiseringsapp vid nästa inloggning.",
                "Tvåstegsinloggningen återställd för %d användare. "
                "De aktiverar en ny autentiseringsapp vid nästa inloggning.",
                count,
            )
            % count,
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        """The form's "active" box is offboarding too: logged, and tokens revoked, as the
        action does (accounts.staff)."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            if obj.is_active:
                staff_reactivated_record(user=obj, by=request.user, request=request)
            else:
                staff_deactivate(user=obj, by=request.user, request=request)

    @admin.action(
        description=_("Avaktivera (slutat): inloggning och API-nycklar upphör direkt"),
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        done = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            staff_deactivate(user=user, by=request.user, request=request)
            done += 1
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request, _("Du kan inte avaktivera ditt eget konto."), messages.WARNING
            )
        self.message_user(
            request,
            ngettext("%d konto avaktiverat.", "%d konton avaktiverade.", done) % done,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Återställ lösenord: länk där användaren väljer ett nytt"),
        permissions=["change"],
    )
    def password_reset(self, request, queryset):
        inactive = queryset.filter(is_active=False).count()
        if inactive:
            self.message_user(
                request,
                _("Inaktiva konton får ingen länk; aktivera kontot först."),
                messages.WARNING,
            )
        links = [
            (
                user,
                request.build_absolute_uri(
                    password_reset_link(user=user, by=request.user, request=request)
                ),
            )
            for user in queryset.filter(is_active=True)
        ]
        if not links:
            return None
        # The links go straight into this response, never into a message or a log: whoever
        # holds one may set the password (as the API key's secret, ApiTokenAdmin.response_add).
        return TemplateResponse(
            request,
            "admin/auth/user/password_reset_links.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Länkar för nytt lösenord"),
                "links": links,
                "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
                "changelist_url": reverse("admin:auth_user_changelist"),
            },
        )

    @admin.action(
        description=_("Häv utelåsning efter misslyckade inloggningar"), permissions=["change"]
    )
    def clear_lockout(self, request, queryset):
        removed = sum(
            lockout_clear(user=user, by=request.user, request=request) for user in queryset
        )
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Utelåsningen hävd för %(n)d användare (%(r)d poster borttagna).",
                "Utelåsningen hävd för %(n)d användare (%(r)d poster borttagna).",
                count,
            )
            % {"n": count, "r": removed},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for machine clients (ADR 0012): created here, shown once, revoked, never deleted."""

    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["user", "name", "expires_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [
            *self.fields,
            "prefix",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
            "revoked_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        # Nothing changes after creation: a token for another user or purpose is a new token.
        return self.get_fields(request, obj) if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                is_active=True, staff_profile__isnull=False
            ).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the record of who held which key stays

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, secret = api_token_create(
            user=obj.user,
            name=obj.name,
            expires_at=obj.expires_at,
            created_by=request.user,
            request=request,
        )
        obj.pk = token.pk
        obj.refresh_from_db()
        request._api_token_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        # The secret goes straight into this response, not into a message: messages may travel
        # in a (signed, not encrypted) cookie or the session until shown. Never stored, shown once.
        return TemplateResponse(
            request,
            "admin/accounts/apitoken/secret.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Ny API-nyckel"),
                "token": obj,
                "secret": request._api_token_secret,
                "changelist_url": reverse("admin:accounts_apitoken_changelist"),
            },
        )

    @admin.action(description=_("Återkalla"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = sum(
            api_token_revoke(token=token, revoked_by=request.user, request=request)
            for token in queryset
        )
        self.message_user(
            request,
            ngettext("%d API-nyckel återkallad.", "%d API-nycklar återkallade.", revoked) % revoked,
            messages.SUCCESS,
        )
