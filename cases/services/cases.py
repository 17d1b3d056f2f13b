"""Writes of cases: opening, details, the phases of SPEC §3's lifecycle and moves between areas.

What happens to a case's mapping and interventions when it closes or moves belongs to the
mapping app, which registers it here (`on_case_closed`, `on_case_moved`): cases know nothing
of the layer above them, and every way of closing or moving a case runs the same steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.models import StaffProfile
from accounts.offices import offices_default, offices_outside
from audit.models import AccessLog
from samverkan.dates import add_days
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    log_access,
    require_not_future,
    require_plausible,
    save_new_version,
    today_or,
)

from ..flags import rules_for
from ..models import Case, CaseAreaMove, ExitReason, Person, Phase, PhaseTransition
from ..registration import REGISTRATION_FIELDS
from ..secrecy import AF_FIELDS, FK_FIELDS, editable_case_fields
from ..worklist_state import cases_changed

CASE_FIELDS = (
    "target_group",
    "fk_officer",
    "af_officer",
    "fk_office",
    "af_office",
    "referral_date",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "return_unlikely_before_181",
    "fk_notes",
    "af_notes",
    *REGISTRATION_FIELDS,  # the registration in SUS and AIS (cases.registration)
)
# Not here: `closing_doc_date`. It is the day FK confirms the closing documentation, written by
# that confirmation alone (mapping.services.closing_document_confirm), so the 21-day rule reads
# one date with one source.

# What the layer above does when a case closes or moves (see the module's docstring). Each hook
# runs inside the service's transaction, with the service's context.
_closed_hooks: list[Callable[..., None]] = []
_moved_hooks: list[Callable[..., None]] = []


def on_case_closed(hook: Callable[..., None]) -> None:
    """Register `hook(case=, on=, context=)`, run when a case closes."""
    if hook not in _closed_hooks:
        _closed_hooks.append(hook)


def on_case_moved(hook: Callable[..., None]) -> None:
    """Register `hook(person=, to_area=, context=)`, run when a case moves to another area."""
    if hook not in _moved_hooks:
        _moved_hooks.append(hook)


def officers_check(area, fk_officer, af_officer) -> None:
    """Each officer is an officer of the right agency in `area` (SPEC §1 teams)."""

    for field, officer, agency in (
        ("fk_officer", fk_officer, "FK"),
        ("af_officer", af_officer, "AF"),
    ):
        if officer is None:
            continue
        profile = StaffProfile.objects.filter(user=officer).select_related("agency").first()
        if (
            profile is None
            or not profile.role.is_officer
            or profile.agency is None
            or profile.agency.code != agency
            or not profile.areas.filter(pk=area.pk).exists()
        ):
            raise ValidationError(
                {field: _("Välj en handläggare från rätt myndighet i ärendets område.")}
            )


@transaction.atomic
def case_open(
    *,
    person: Person,
    area=None,
    fk_officer=None,
    af_officer=None,
    fk_office=None,
    af_office=None,
    target_group: str = "",
    benefit: str = "",
    benefit_end_date=None,
    sick_leave_start=None,
    referral_date=None,
    start_date=None,
    phase=Phase.REFERRED,
    context: AccessContext,
    today=None,
) -> Case:
    """Open a case in the referral phase (dated by the preparation group) or directly in the
    needs analysis (dated by its start, the registration day). An office not given is the
    officer's own where it belongs to the area (accounts.offices)."""
    today = today_or(today)
    if area is not None and area.pk != person.area_id:
        # A case is run in the person's area; moving a person moves their case (SPEC §3).
        raise ValidationError({"area": _("Ärendet måste höra till personens samverkansområde.")})
    if phase not in (Phase.REFERRED, Phase.NEEDS_ANALYSIS):
        raise ValidationError({"phase": _("Ett ärende börjar som anmält eller i behovsanalys.")})
    if phase == Phase.REFERRED and not referral_date:
        raise ValidationError({"referral_date": _("Ange datum för beredningsgruppen.")})
    if phase == Phase.NEEDS_ANALYSIS and not start_date:
        raise ValidationError({"start_date": _("Ange dagen då behovsanalysen startar.")})
    require_not_future("referral_date", referral_date, today)
    require_not_future("sick_leave_start", sick_leave_start, today)
    require_plausible(benefit_end_date=benefit_end_date)
    require_not_future("start_date", start_date, today)
    if referral_date and start_date and start_date < referral_date:
        raise ValidationError({"start_date": _("Starten kan inte ligga före beredningsgruppen.")})
    previous_end = (
        person.cases.filter(phase=Phase.CLOSED)
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    first_day = referral_date or start_date
    if previous_end and first_day < previous_end:
        # Never two open cases at once, also back in time: a new case begins on or after the
        # day the previous one ended.
        field = "referral_date" if referral_date else "start_date"
        raise ValidationError(
            {
                field: _(
                    "Personens förra ärende avslutades %(d)s; det nya kan inte börja före det."
                )
                % {"d": previous_end}
            }
        )
    officers_check(person.area, fk_officer, af_officer)
    case = Case(
        person=person,
        area=person.area,
        fk_officer=fk_officer,
        af_officer=af_officer,
        fk_office=fk_office,
        af_office=af_office,
        target_group=target_group,
        benefit=benefit,
        benefit_end_date=benefit_end_date,
        sick_leave_start=sick_leave_start,
        referral_date=referral_date,
        start_date=start_date if phase == Phase.NEEDS_ANALYSIS else None,
        phase=phase,
    )
    offices_default(case)
    case.full_clean(validate_constraints=False)
    case._history_user = actor(context)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_("Personen har redan ett öppet ärende.")) from None
    PhaseTransition.objects.create(
        case=case,
        from_phase="",
        to_phase=phase,
        date=case.start_date or referral_date,
        by=actor(context),
    )
    cases_changed([case.pk])
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=case,
        purpose="ärende öppnat",
    )
    return case


@transaction.atomic
def case_update(
    *, case: Case, expected_version: int | None, data: dict, context: AccessContext, today=None
) -> Case:
    """Change a case's details. FK's benefit facts are FK's to record and AF's notes AF's
    (cases.secrecy); phases, start and end change only through `case_transition`."""
    today = today_or(today)
    current = lock_for_update(Case, case.pk, expected_version)
    acting = actor(context)
    own = editable_case_fields(user=acting) if acting is not None else FK_FIELDS | AF_FIELDS
    changed = []
    for field, value in data.items():
        if field not in CASE_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        if field in (FK_FIELDS | AF_FIELDS) - own:
            raise ValidationError({field: _("Uppgiften registreras av den andra myndigheten.")})
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    require_not_future("referral_date", current.referral_date, today)
    require_not_future("sick_leave_start", current.sick_leave_start, today)
    require_plausible(benefit_end_date=current.benefit_end_date)
    for system in ("sus", "ais"):
        require_not_future(
            f"{system}_registered_on", getattr(current, f"{system}_registered_on"), today
        )
        if getattr(current, f"{system}_id") and not getattr(current, f"{system}_registered_on"):
            raise ValidationError(
                {f"{system}_registered_on": _("Ange registreringsdagen när id:t är ifyllt.")}
            )
    if current.referral_date and current.start_date and current.start_date < current.referral_date:
        raise ValidationError(
            {"referral_date": _("Beredningsgruppen kan inte ligga efter starten.")}
        )
    officers_check(current.area, current.fk_officer, current.af_officer)
    current.full_clean(validate_constraints=False)
    saved = save_new_version(current, changed, context=context)
    cases_changed([current.pk])
    return saved


def _has_plan(case: Case) -> bool:
    return case.plan_versions.exists()


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_phase: str,
    on: dt.date,
    exit_reason: str = "",
    note: str = "",
    expected_version: int | None = None,
    context: AccessContext,
    today=None,
) -> Case:
    """Move a case to its next phase (SPEC §3 lifecycle), dated and kept as history."""
    today = today_or(today)
    current = lock_for_update(Case, case.pk, expected_version)
    rules = rules_for(current)
    if not current.can_move_to(to_phase):
        raise ValidationError(
            {
                "to_phase": _("Ärendet kan inte gå från %(a)s till %(b)s.")
                % {"a": Phase(current.phase).label, "b": Phase(to_phase).label}
            }
        )
    if on is None:
        raise ValidationError({"on": _("Ange datum.")})
    require_not_future("on", on, today)
    last = current.transitions.order_by("-date", "-id").first()
    if last and on < last.date:
        raise ValidationError(
            {"on": _("Datumet kan inte ligga före förra fasbytet (%(d)s).") % {"d": last.date}}
        )
    if to_phase == Phase.NEEDS_ANALYSIS:
        if current.referral_date and on < current.referral_date:
            raise ValidationError({"on": _("Starten kan inte ligga före beredningsgruppen.")})
        current.start_date = on
    if to_phase == Phase.INTRODUCTION_TRIAL and not _has_plan(current):
        raise ValidationError(
            {"to_phase": _("En individuell plan måste finnas före introduktion och prövning.")}
        )
    if to_phase != Phase.CLOSED and current.start_date:
        limit = add_days(current.start_date, rules.max_days)
        if on > limit:
            raise ValidationError(
                {
                    "to_phase": _(
                        "Ärendet har passerat %(max)d dagar i samverkan och kan bara avslutas."
                    )
                    % {"max": rules.max_days}
                }
            )
    if to_phase == Phase.CLOSED:
        if exit_reason not in ExitReason.values:
            raise ValidationError({"exit_reason": _("Välj avslutsorsak.")})
        if exit_reason == ExitReason.NOT_ADMITTED and current.start_date:
            raise ValidationError(
                {"exit_reason": _("Ett ärende som har startat kan inte avslutas som inte antaget.")}
            )
        if current.start_date and on < current.start_date:
            raise ValidationError({"on": _("Avslutet kan inte ligga före starten.")})
        # Support ends with the case, never after it (SPEC §4).
        latest = current.interventions.aggregate(
            start=models.Max("start_date"), end=models.Max("end_date")
        )
        after = max((d for d in latest.values() if d and d > on), default=None)
        if after:
            raise ValidationError(
                {
                    "on": _("Avslutet kan inte ligga före en insats start eller slut (%(d)s).")
                    % {"d": after}
                }
            )
        current.end_date = on
        current.exit_reason = exit_reason
    from_phase = current.phase
    current.phase = to_phase
    current.version += 1
    current._history_user = actor(context)
    current.save()
    PhaseTransition.objects.create(
        case=current,
        from_phase=from_phase,
        to_phase=to_phase,
        date=on,
        note=note.strip(),
        by=actor(context),
    )
    if to_phase == Phase.CLOSED:
        # Support ends with the case: running interventions end on its end date (SPEC §4).
        for hook in _closed_hooks:
            hook(case=current, on=on, context=context)
    cases_changed([current.pk])
    log_access(
        context,
        action=AccessLog.Action.UPDATE,
        obj=current,
        purpose=f"fas: {from_phase} → {to_phase}",
    )
    return current


@transaction.atomic
def case_move_area(*, case: Case, to_area, on: dt.date, context: AccessContext, today=None) -> Case:
    """The person moved: case and person go to the new area, history stays with them. The old
    area's staff lose access at once (scoping follows the area)."""
    today = today_or(today)
    current = Case.objects.select_for_update().get(pk=case.pk)
    if not current.is_open:
        raise ValidationError(_("Ett avslutat ärende flyttas inte."))
    if to_area.pk == current.area_id:
        raise ValidationError({"to_area": _("Ärendet finns redan i det området.")})
    require_not_future("on", on, today, _("Flytten registreras den dag den sker, inte i förväg."))
    from_area = current.area
    # Logged before the move, against the old area, so its coordinator sees who moved it.
    log_access(
        context,
        action=AccessLog.Action.UPDATE,
        obj=current,
        purpose=f"flyttat till {to_area.name}",
    )
    CaseAreaMove.objects.create(
        case=current, from_area=from_area, to_area=to_area, date=on, by=actor(context)
    )
    acting = actor(context)
    person = current.person
    person.area = to_area
    person.version += 1
    person._history_user = acting
    person.save(update_fields=["area", "version", "updated_at"])
    current.area = to_area
    # Officers of the old area no longer work the case, nor (SPEC §2) its offices.
    current.fk_officer = None
    current.af_officer = None
    offices_outside(current, to_area.pk)
    current.version += 1
    current._history_user = acting
    current.save()
    # The person's open joint mapping goes with them; its officers and any confirmations were
    # the old area's (ADR 0008).
    for hook in _moved_hooks:
        hook(person=person, to_area=to_area, context=context)
    return current
