"""Asking for a change of a joint-mapping decision instead of confirming it (SPEC §4)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views.pages import form_page, reason_required
from samverkan.services import AccessContext
from samverkan.views import bound_form, versioned_edit

from .. import services
from ..forms.mappings import MappingChangeRequestForm
from .mapping_common import _mapping, _mapping_page_context, _sign_refusal
from .mappings import _to_mapping


@reason_required
@require_http_methods(["GET", "POST"])
def mapping_change_request(request, pk):
    """Ask for a change instead of confirming: the decision goes back to the other agency."""
    mapping, _purpose = _mapping(request, pk)
    form = bound_form(request, MappingChangeRequestForm, initial={"version": mapping.version})
    edit = versioned_edit(
        request,
        form,
        record=mapping,
        save=lambda form: services.mapping_change_request(
            mapping=mapping,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            context=AccessContext.from_request(request),
        ),
        message=_("Beslutet är skickat tillbaka med din begäran om ändring."),
        success_url=_to_mapping(mapping),
        conflict_message=_(
            "Beslutet har ändrats sedan du öppnade sidan. Läs igenom det igen innan du begär "
            "en ändring."
        ),
    )
    if edit.response:
        return edit.response
    refusal = _sign_refusal(request.user, mapping)
    return form_page(
        request,
        _mapping_page_context(
            mapping,
            title=_("Begär ändring av beslutet"),
            intro=refusal
            or _(
                "%(decision)s, beslutat %(date)s. Beskriv vad som behöver ändras innan din "
                "myndighet kan bekräfta."
            )
            % {
                "decision": mapping.get_decision_display(),
                "date": mapping.decision_date.isoformat() if mapping.decision_date else "–",
            },
            form=None if refusal else edit.form,
            submit_label=_("Skicka tillbaka beslutet"),
        ),
    )
