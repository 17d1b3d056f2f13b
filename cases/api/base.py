"""The API's base view for a person's records: the pages' access rule for one person (SPEC §7).

A record of a person of the user's areas but outside the caseload needs the reason stated in
X-Access-Reason, exactly as the pages ask for one; every access is logged with its purpose
(cases.access)."""

from __future__ import annotations

from samverkan.api import ScopedViewSet, stated_reason
from samverkan.services import AccessContext

from ..access import grant_stated_reason, log_person_access


class PersonScopedViewSet(ScopedViewSet):
    """ScopedViewSet for records that belong to one person (`person_of`)."""

    def person_of(self, obj):
        return obj

    def access_context(self) -> AccessContext:
        """The context of this call's writes: with the reason stated in X-Access-Reason, which
        the access log then keeps with each change it covers (SPEC §7)."""
        return AccessContext.from_request(self.request, reason=stated_reason(self.request)[:500])

    def log_object_access(self, obj) -> None:
        person = self.person_of(obj)
        grant_stated_reason(request=self.request, person=person, reason=stated_reason(self.request))
        log_person_access(request=self.request, obj=obj, person=person)
