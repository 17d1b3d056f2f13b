"""The admin's page for the organisation's files (docs/ORGANISATION.md): upload the units file,
the staff file or both; they are imported at once, in the request (a few hundred units and a few
thousand staff take seconds), and the page shows the counts or every rejected row with its line,
column and reason. For administrators who may add and change the organisation (403 for other
staff; the admin's login for everyone else)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from samverkan.services import AccessContext

from ..reading import MAX_FILE_BYTES
from ..results import ImportRejected
from .services import ORGANISATION_IMPORTERS, organisation_import, user_may_import_organisation


class OrganisationImportForm(forms.Form):
    units = forms.FileField(
        label=gettext_lazy("Enheter"),
        required=False,
        help_text=gettext_lazy(
            "Områden, kontor, team och beredningsgrupper: kind;code;name;area_code;active"
        ),
    )
    staff = forms.FileField(
        label=gettext_lazy("Personal"),
        required=False,
        help_text=gettext_lazy(
            "username;first_name;last_name;email;agency;role;area_codes;team;"
            "working_time_share;office_code"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        for name in ORGANISATION_IMPORTERS:
            upload = cleaned.get(name)
            if upload is not None and upload.size > MAX_FILE_BYTES:
                self.add_error(
                    name,
                    _("Filen är större än %(mb)d MB; dela upp den.")
                    % {"mb": MAX_FILE_BYTES // 2**20},
                )
        if not self.errors and not any(cleaned.get(name) for name in ORGANISATION_IMPORTERS):
            raise forms.ValidationError(_("Välj en fil med enheter, en med personal eller båda."))
        return cleaned


@require_http_methods(["GET", "POST"])
def organisation_upload(request):
    if not user_may_import_organisation(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = OrganisationImportForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    results = rejected = None
    if posted and form.is_valid():
        files = {
            kind: (upload.file, upload.name)
            for kind in ORGANISATION_IMPORTERS
            if (upload := form.cleaned_data[kind]) is not None
        }
        try:
            results = organisation_import(context=AccessContext.from_request(request), files=files)
        except ImportRejected as exc:
            rejected = exc
    return render(
        request,
        "imports/organisation.html",
        {
            **admin.site.each_context(request),
            "title": _("Importera organisationen"),
            "form": form,
            "results": results,
            "rejected": rejected,
        },
    )


# In the admin's frame: staff only, never cached.
organisation_upload = admin.site.admin_view(organisation_upload)
