"""Request-body fields and checks shared by the cases app's resources (candidates for
samverkan.api if other apps need them).

Request bodies name other records by id or code and accept only records within the caller's
scope: a record of another area gets the same message as one that does not exist, so a 400 never
tells whether a record exists."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Area, OfficeUnit
from accounts.scoping import scope_for

from .filters import MAX_ID

NOT_IN_SCOPE = _("Finns inte bland de poster du har åtkomst till.")
UNKNOWN_FIELD = _("Fältet finns inte, eller kan inte anges här.")


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


class CodeField(serializers.SlugRelatedField):
    """A record named by its code. What cannot be a code (not a string, too long, a NUL byte)
    is refused before it reaches the database."""

    max_length = 50

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > self.max_length or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class UserAreaField(CodeField):
    """An area given by its code; only the user's own active areas are valid (another area's
    code gets the same "does not exist" message as an unknown one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("help_text", "Samverkansområdets kod, ett av användarens områden.")
        super().__init__(**kwargs)

    def get_queryset(self):
        return Area.objects.filter(pk__in=scope_for(_user(self)).area_ids, is_active=True)


@extend_schema_field(OpenApiTypes.STR)
class OfficeCodeField(CodeField):
    """An office unit (SPEC §2) by its code, among the offices of the user's areas (another
    area's code reads as unknown). Its kind and its area against the record's are the model's
    rule (accounts.offices), checked by the service with a message on the field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_queryset(self):
        return OfficeUnit.objects.filter(area_id__in=scope_for(_user(self)).area_ids)


def office_code_field(agency: str, *, read_only: bool = False):
    """The FK (LFC) or AF (AMO) office of a case or a mapping, by its code."""
    kind = "lokalt försäkringscenter (LFC)" if agency == "FK" else "arbetsmarknadsområde (AMO)"
    help_text = f"Koden för {agency}-kontoret, ett {kind} i postens område; null när okänt."
    if read_only:
        return serializers.SlugRelatedField(
            slug_field="code", read_only=True, allow_null=True, help_text=help_text
        )
    return OfficeCodeField(help_text=help_text)


class ScopedIdField(serializers.PrimaryKeyRelatedField):
    """A record of the caller's scope, by id. `scope(user)` is the resource's scoping selector."""

    default_error_messages = {"does_not_exist": NOT_IN_SCOPE}

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=MAX_ID))
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(_user(self))


class KnownFieldsMixin:
    """A request body with a field the operation does not take is refused, not silently half
    applied (a PATCH of `phase` would otherwise answer 200 and change nothing)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            # The browsable API's HTML forms also send their CSRF token.
            unknown = sorted(
                str(name) for name in set(data) - set(self.fields) - {"csrfmiddlewaretoken"}
            )
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class VersionRequiredMixin:
    """A PATCH is partial, so DRF would not insist on `version`; without it an edit could
    overwrite someone else's unseen change (SPEC §7), so it is required here."""

    def validate(self, attrs):
        version = self.fields.get("version")
        if version is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [version.error_messages["required"]]})
        return super().validate(attrs)
