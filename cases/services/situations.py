"""The person's situation at the start and end of a case (SPEC §3 registration points)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.services import AccessContext, save_logged

from ..models import Case, Situation

SITUATION_FIELDS = (
    "registered_with_af",
    "employed",
    "employer_orgnr",
    "own_business",
    "working",
    "work_share_percent",
    "studying",
    "public_support_months",
)


@transaction.atomic
def situation_save(*, case: Case, moment: str, data: dict, context: AccessContext) -> Situation:
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.se import orgnr

    if moment not in Situation.Moment.values:
        raise ValueError(moment)
    situation = Situation.objects.select_for_update().filter(case=case, moment=moment).first()
    situation = situation or Situation(case=case, moment=moment)
    for field, value in data.items():
        if field not in SITUATION_FIELDS:
            raise ValueError(f"{field} is not part of the situation")
        setattr(situation, field, value)
    if situation.employer_orgnr:
        try:
            situation.employer_orgnr = orgnr.format(orgnr.validate(situation.employer_orgnr))
        except StdnumError:
            raise ValidationError(
                {"employer_orgnr": _("Organisationsnumret är inte giltigt (NNNNNN-NNNN).")}
            ) from None
    if situation.working == Situation.Working.NO and situation.work_share_percent:
        raise ValidationError(
            {"work_share_percent": _("Ange andel av heltid bara för den som arbetar.")}
        )
    if moment == Situation.Moment.END and situation.public_support_months is not None:
        raise ValidationError(
            {"public_support_months": _("Månader med offentlig försörjning anges vid start.")}
        )
    situation.full_clean(validate_constraints=False)
    return save_logged(
        situation, context=context, action=AccessLog.Action.UPDATE, purpose=f"situation {moment}"
    )
