"""Writes of people, cases and status entries (SPEC §3). Views, forms, commands and tasks call
these, never `save()`. Each service validates everything before it writes anything, runs in one
transaction, records the change in the access log, and the models' history keeps old → new."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record
from samverkan.dates import add_days

from .flags import rules_for
from .models import (
    Case,
    CaseAreaMove,
    Consent,
    ExitReason,
    Person,
    Phase,
    PhaseTransition,
    Situation,
    StatusCode,
    StatusEntry,
)
from .secrecy import AF_FIELDS, FK_FIELDS, editable_case_fields
from .validators import parse_identity_number, validate_plausible_date

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "born_abroad",
    "education_level",
    "disability",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
)
CASE_FIELDS = (
    "target_group",
    "fk_officer",
    "af_officer",
    "referral_date",
    "benefit",
    "benefit_end_date",
    "sick_leave_start",
    "return_unlikely_before_181",
    "fk_notes",
    "af_notes",
    "closing_doc_date",
)


class ConcurrentEditError(ValidationError):
    """Someone saved the record after the form was opened (SPEC §7: no silent overwrite)."""

    def __init__(self):
        super().__init__(
            _(
                "Någon annan har ändrat uppgifterna medan du skrev. Inget av det du skrev är "
                "sparat: jämför med de nya uppgifterna nedan och spara igen."
            ),
            code="concurrent_edit",
        )


def _today(today):
    return today or timezone.localdate()


def _log(*, action, obj, request, user, purpose):
    if request is not None or user is not None:
        access_log_record(action=action, request=request, user=user, obj=obj, purpose=purpose)


def _actor(request, user):
    return user or (request.user if request is not None and request.user.is_authenticated else None)


def _plausible(**days):
    """Every date a service stores lies within samverkan.dates' range (forms check it too; this
    covers the API and imports)."""
    for field, day in days.items():
        if day is not None:
            try:
                validate_plausible_date(day)
            except ValidationError as exc:
                raise ValidationError({field: exc.messages}) from None


def _not_future(field, day, today, message=None):
    _plausible(**{field: day})
    if day and day > today:
        raise ValidationError({field: message or _("Datumet får inte ligga i framtiden.")})


def _lock(model, pk, expected_version):
    """Row lock, then the optimistic check: the form's version must still be the stored one."""
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _save_new_version(current, changed, *, request, user):
    """Save an edited Person or Case as its next version, with history and an access-log entry
    naming the changed fields (never their values)."""
    current.version += 1
    current._history_user = _actor(request, user)
    current.save()
    _log(
        action=AccessLog.Action.UPDATE,
        obj=current,
        request=request,
        user=user,
        purpose="ändrade: " + ", ".join(changed),
    )
    return current


# --- people -----------------------------------------------------------------------------------


def person_create(
    *,
    personnummer: str,
    first_name: str,
    last_name: str,
    area,
    request=None,
    user=None,
    **fields,
) -> Person:
    identity = parse_identity_number(personnummer)
    existing = Person.objects.filter(personnummer=identity.number).first()
    if existing is not None:
        # The answer tells the user the person is registered, perhaps in another area; that
        # area's coordinator sees who asked (logged outside the transaction, which the refusal
        # would roll back).
        actor = _actor(request, user)
        if existing.area_id not in scope_for(actor).area_ids:
            access_log_record(
                action=AccessLog.Action.DENIED,
                request=request,
                user=user,
                obj=existing,
                purpose="registrering: personen finns i ett annat område",
            )
        raise ValidationError({"personnummer": _("Personen finns redan registrerad.")})
    return _person_insert(
        identity=identity,
        first_name=first_name,
        last_name=last_name,
        area=area,
        request=request,
        user=user,
        **fields,
    )


@transaction.atomic
def _person_insert(*, identity, first_name, last_name, area, request, user, **fields) -> Person:
    if Person.objects.filter(personnummer=identity.number).exists():
        raise ValidationError({"personnummer": _("Personen finns redan registrerad.")})
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    person = Person(
        personnummer=identity.number,
        is_coordination_number=identity.is_coordination_number,
        sex=identity.sex,
        birth_date=identity.birth_date,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        area=area,
        **fields,
    )
    person.full_clean()
    person._history_user = _actor(request, user)
    person.save()
    _log(
        action=AccessLog.Action.CREATE,
        obj=person,
        request=request,
        user=user,
        purpose="registrering",
    )
    return person


@transaction.atomic
def person_update(
    *, person: Person, expected_version: int | None, data: dict, request=None, user=None
) -> Person:
    current = _lock(Person, person.pk, expected_version)
    changed = []
    for field, value in data.items():
        if field not in PERSON_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    current.full_clean()
    return _save_new_version(current, changed, request=request, user=user)


@transaction.atomic
def consent_record(
    *,
    person: Person,
    given_on: dt.date,
    covers_sharing: bool,
    covers_follow_up: bool,
    legal_basis: str = "",
    request=None,
    user=None,
    today=None,
) -> Consent:
    _not_future("given_on", given_on, _today(today))
    if not (covers_sharing or covers_follow_up):
        raise ValidationError(_("Ange vad samtycket eller den rättsliga grunden omfattar."))
    consent = Consent(
        person=person,
        given_on=given_on,
        covers_sharing=covers_sharing,
        covers_follow_up=covers_follow_up,
        legal_basis=legal_basis.strip(),
        recorded_by=_actor(request, user),
    )
    consent.full_clean()
    consent._history_user = _actor(request, user)
    consent.save()
    _log(
        action=AccessLog.Action.CREATE,
        obj=consent,
        request=request,
        user=user,
        purpose="samtycke registrerat",
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, withdrawn_on: dt.date, request=None, user=None, today=None
) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise ValidationError({"withdrawn_on": _("Samtycket är redan återkallat.")})
    _not_future("withdrawn_on", withdrawn_on, _today(today))
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("Återkallandet kan inte ligga före samtycket.")})
    consent.withdrawn_on = withdrawn_on
    consent._history_user = _actor(request, user)
    consent.save(update_fields=["withdrawn_on"])
    _log(
        action=AccessLog.Action.UPDATE,
        obj=consent,
        request=request,
        user=user,
        purpose="samtycke återkallat",
    )
    return consent


# --- cases ------------------------------------------------------------------------------------


def _check_officers(area, fk_officer, af_officer):
    from accounts.models import StaffProfile

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
    target_group: str = "",
    benefit: str = "",
    benefit_end_date=None,
    sick_leave_start=None,
    referral_date=None,
    start_date=None,
    phase=Phase.REFERRED,
    request=None,
    user=None,
    today=None,
) -> Case:
    """Open a case in the referral phase (dated by the preparation group) or directly in the
    needs analysis (dated by its start, the registration day)."""
    today = _today(today)
    if area is not None and area.pk != person.area_id:
        # A case is run in the person's area; moving a person moves their case (SPEC §3).
        raise ValidationError({"area": _("Ärendet måste höra till personens samverkansområde.")})
    if phase not in (Phase.REFERRED, Phase.NEEDS_ANALYSIS):
        raise ValidationError({"phase": _("Ett ärende börjar som anmält eller i behovsanalys.")})
    if phase == Phase.REFERRED and not referral_date:
        raise ValidationError({"referral_date": _("Ange datum för beredningsgruppen.")})
    if phase == Phase.NEEDS_ANALYSIS and not start_date:
        raise ValidationError({"start_date": _("Ange dagen då behovsanalysen startar.")})
    _not_future("referral_date", referral_date, today)
    _not_future("sick_leave_start", sick_leave_start, today)
    _plausible(benefit_end_date=benefit_end_date)
    _not_future("start_date", start_date, today)
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
    _check_officers(person.area, fk_officer, af_officer)
    case = Case(
        person=person,
        area=person.area,
        fk_officer=fk_officer,
        af_officer=af_officer,
        target_group=target_group,
        benefit=benefit,
        benefit_end_date=benefit_end_date,
        sick_leave_start=sick_leave_start,
        referral_date=referral_date,
        start_date=start_date if phase == Phase.NEEDS_ANALYSIS else None,
        phase=phase,
    )
    case.full_clean(validate_constraints=False)
    case._history_user = _actor(request, user)
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
        by=_actor(request, user),
    )
    _log(
        action=AccessLog.Action.CREATE,
        obj=case,
        request=request,
        user=user,
        purpose="ärende öppnat",
    )
    return case


@transaction.atomic
def case_update(
    *, case: Case, expected_version: int | None, data: dict, request=None, user=None, today=None
) -> Case:
    """Change a case's details. FK's benefit facts are FK's to record and AF's notes AF's
    (cases.secrecy); phases, start and end change only through `case_transition`."""
    today = _today(today)
    current = _lock(Case, case.pk, expected_version)
    actor = _actor(request, user)
    own = editable_case_fields(user=actor) if actor is not None else FK_FIELDS | AF_FIELDS
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
    _not_future("referral_date", current.referral_date, today)
    _not_future("closing_doc_date", current.closing_doc_date, today)
    _not_future("sick_leave_start", current.sick_leave_start, today)
    _plausible(benefit_end_date=current.benefit_end_date)
    if current.closing_doc_date and not current.end_date:
        raise ValidationError(
            {
                "closing_doc_date": _(
                    "Slutdokumentation kan registreras först när ärendet är avslutat."
                )
            }
        )
    if (
        current.closing_doc_date
        and current.end_date
        and current.closing_doc_date < current.end_date
    ):
        raise ValidationError(
            {"closing_doc_date": _("Slutdokumentationen kan inte ligga före avslutet.")}
        )
    if current.referral_date and current.start_date and current.start_date < current.referral_date:
        raise ValidationError(
            {"referral_date": _("Beredningsgruppen kan inte ligga efter starten.")}
        )
    _check_officers(current.area, current.fk_officer, current.af_officer)
    current.full_clean(validate_constraints=False)
    return _save_new_version(current, changed, request=request, user=user)


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
    request=None,
    user=None,
    today=None,
) -> Case:
    """Move a case to its next phase (SPEC §3 lifecycle), dated and kept as history."""
    today = _today(today)
    current = _lock(Case, case.pk, expected_version)
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
    _not_future("on", on, today)
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
    current._history_user = _actor(request, user)
    current.save()
    PhaseTransition.objects.create(
        case=current,
        from_phase=from_phase,
        to_phase=to_phase,
        date=on,
        note=note.strip(),
        by=_actor(request, user),
    )
    if to_phase == Phase.CLOSED:
        # Support ends with the case: running interventions end on its end date (SPEC §4).
        from mapping.services import interventions_end_with_case

        interventions_end_with_case(case=current, on=on, request=request, user=user)
    _log(
        action=AccessLog.Action.UPDATE,
        obj=current,
        request=request,
        user=user,
        purpose=f"fas: {from_phase} → {to_phase}",
    )
    return current


@transaction.atomic
def case_move_area(
    *, case: Case, to_area, on: dt.date, request=None, user=None, today=None
) -> Case:
    """The person moved: case and person go to the new area, history stays with them. The old
    area's staff lose access at once (scoping follows the area)."""
    today = _today(today)
    current = Case.objects.select_for_update().get(pk=case.pk)
    if not current.is_open:
        raise ValidationError(_("Ett avslutat ärende flyttas inte."))
    if to_area.pk == current.area_id:
        raise ValidationError({"to_area": _("Ärendet finns redan i det området.")})
    _not_future("on", on, today, _("Flytten registreras den dag den sker, inte i förväg."))
    from_area = current.area
    # Logged before the move, against the old area, so its coordinator sees who moved it.
    _log(
        action=AccessLog.Action.UPDATE,
        obj=current,
        request=request,
        user=user,
        purpose=f"flyttat till {to_area.name}",
    )
    CaseAreaMove.objects.create(
        case=current, from_area=from_area, to_area=to_area, date=on, by=_actor(request, user)
    )
    actor = _actor(request, user)
    person = current.person
    person.area = to_area
    person.version += 1
    person._history_user = actor
    person.save(update_fields=["area", "version", "updated_at"])
    current.area = to_area
    # Officers of the old area no longer work the case.
    current.fk_officer = None
    current.af_officer = None
    current.version += 1
    current._history_user = actor
    current.save()
    # The person's open joint mapping goes with them; its officers and any confirmations were
    # the old area's (ADR 0008).
    from mapping.services import mapping_move_area

    mapping_move_area(person=person, to_area=to_area, request=request, user=user)
    return current


# --- status timeline --------------------------------------------------------------------------


@transaction.atomic
def status_entry_save(
    *,
    person: Person,
    on: dt.date,
    code: StatusCode,
    note: str = "",
    request=None,
    user=None,
    today=None,
) -> StatusEntry:
    """Record the person's AF status on a day; a second entry the same day replaces it."""
    _not_future("date", on, _today(today))
    if not code.is_active:
        raise ValidationError({"code": _("Statuskoden används inte längre.")})
    # Lock the person first: with no entry for the day yet there is no row to lock, and two
    # first saves at once would both insert (the second a unique-constraint error, not a
    # replacement).
    Person.objects.select_for_update().filter(pk=person.pk).first()
    entry = StatusEntry.objects.select_for_update().filter(person=person, date=on).first()
    actor = _actor(request, user)
    action = AccessLog.Action.UPDATE if entry else AccessLog.Action.CREATE
    if entry is None:
        entry = StatusEntry(person=person, date=on)
    entry.code = code
    entry.note = note.strip()
    entry.created_by = entry.created_by or actor
    entry.full_clean(validate_constraints=False)
    entry._history_user = actor
    entry.save()
    _log(action=action, obj=entry, request=request, user=user, purpose=f"status {code.code}")
    return entry


# --- registration points ----------------------------------------------------------------------

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
def situation_save(*, case: Case, moment: str, data: dict, request=None, user=None) -> Situation:
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
    situation._history_user = _actor(request, user)
    situation.save()
    _log(
        action=AccessLog.Action.UPDATE,
        obj=situation,
        request=request,
        user=user,
        purpose=f"situation {moment}",
    )
    return situation
