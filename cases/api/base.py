"""The API's base view for a person's records: the pages' access rule for one person (SPEC §7).

A record of a person of the user's areas but outside the caseload needs the reason stated in
X-Access-Reason, exactly as the pages ask for one; every access is logged with its purpose
(cases.access)."""

from __future__ import annotations

from samverkan.api import ScopedViewSet, stated_reason

from ..access import grant_stated_reason, log_person_access


class PersonScopedViewSet(ScopedViewSet):
    """ScopedViewSet for records that belong to one person (`person_of`)."""

    def person_of(self, obj):
        return obj

    def log_object_access(self, obj) -> None:
        person = self.person_of(obj)
        grant_stated_reason(request=self.request, person=person, reason=stated_reason(self.request))
        log_person_access(request=self.request, obj=obj, person=person)
