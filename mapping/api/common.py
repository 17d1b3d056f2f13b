"""What the mapping app's resources share: ids in request bodies looked up through the scoping
selectors, the list of people a user opens without stating a reason, and the base view that
opens the person a write concerns the way the pages do (SPEC §7).

Another area's id in a request body answers exactly as an unknown id does: 400 with the field
named and the same message, and the attempt is logged as a denied access against the record's
own area (as `audit.access.get_visible_or_404` does for addresses), so the client learns nothing
and that area's coordinator sees who tried."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record
from cases.access import grant_stated_reason, log_person_access
from cases.api import fields
from cases.api.base import PersonScopedViewSet
from cases.api.filters import IdFilter  # noqa: F401  (re-exported for the resources)
from cases.selectors import (
    case_list_visible_to,
    person_list_on_caseload,
    person_list_visible_to,
)
from samverkan.api import (
    stated_reason,
)

from ..models import Participant
from ..selectors import mapping_list_visible_to

# --- request bodies ---------------------------------------------------------------------------


class ScopedIdField(fields.ScopedIdField):
    """A record of the caller's scope, by id (cases.api.fields), and an id outside it logged as
    a denied access against the record's own area."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if exc.get_codes() == ["does_not_exist"]:
                self._log_refusal(data)
            raise

    def _log_refusal(self, pk):
        model = self.get_queryset().model
        request = self.context.get("request")
        if request is None or model is get_user_model():
            return  # staff are no personal data of the register
        # The id as DRF read it: "12.0" and " 12 " are 12 too.
        text = re.sub(r"\.0*\Z", "", str(pk).strip())[:40]
        number = int(text) if text.isdigit() and len(text) <= 18 else None
        target = model._base_manager.filter(pk=number).first() if number is not None else None
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            obj=target,
            object_type=model._meta.model_name,
            object_id=text,
            purpose="id i API-anrop",
        )


def people_in_scope(user):
    return person_list_visible_to(user=user)


def cases_in_scope(user):
    return case_list_visible_to(user=user)


def mappings_in_scope(user):
    return mapping_list_visible_to(user=user)


def officers_in_scope(user):
    """Officers of the caller's areas: who may be named on a mapping (the service checks that
    the officer works at the right agency in the mapping's own area)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__is_officer=True,
            staff_profile__areas__in=scope_for(user).area_ids,
        )
        .distinct()
    )


def participants_field(**kwargs):
    kwargs.setdefault("required", False)
    return serializers.ListField(
        child=serializers.ChoiceField(choices=Participant.choices), max_length=20, **kwargs
    )


class WriteSerializer(fields.KnownFieldsMixin, fields.VersionRequiredMixin, serializers.Serializer):
    """En begäran som skriver: bara kända fält, och `version` där en sparad post ändras."""

    # (Docstrings of serializers are the schema's descriptions of the bodies: Swedish.)


# --- views ------------------------------------------------------------------------------------


class PersonRecordViewSet(PersonScopedViewSet):
    """A resource whose records hang off a person (directly or through a case). Lists hold the
    records of the people on the caller's caseload; a write names its person or case in the
    body, and that person is opened as the page that writes would open it: the purpose logged,
    and outside the caseload only with a stated reason (header X-Access-Reason)."""

    def caseload_filter(self, queryset, user, person_path: str):
        return queryset.filter(**{f"{person_path}__in": person_list_on_caseload(user=user)})

    def open_person(self, *, obj, person) -> None:
        """As `ScopedReadOnlyViewSet.get_object` does for the object in the address."""
        grant_stated_reason(request=self.request, person=person, reason=stated_reason(self.request))
        log_person_access(request=self.request, obj=obj, person=person)

    def action_body(self, serializer_class):
        """The validated body of a POST action on one record (its own serializer)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return data, data.pop("version", None)
