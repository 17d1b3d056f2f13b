"""The header row of an export file: the columns' stable code names (exports.columns) for
machine clients, or headers in words for a person who opens the file in a spreadsheet; and, in
a file for people, the coded cells in words too (`value_labeller`)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from .columns import Column

# The columns' headers for people (a spreadsheet opened by an officer): the default of the
# browser's exports; the API keeps the stable code names unless asked (`headers=labels`).
HEADERS = {
    "case_id": _("Ärende"),
    "person_key": _("Personnyckel"),
    "personnummer": _("Personnummer"),
    "first_name": _("Förnamn"),
    "last_name": _("Efternamn"),
    "birth_date": _("Födelsedatum"),
    "sex": _("Kön"),
    "birth_year": _("Födelseår"),
    "age_band": _("Åldersgrupp"),
    "age_at_start": _("Ålder vid start"),
    "area_code": _("Samverkansområde"),
    "fk_office_code": _("FK-kontor (LFC)"),
    "af_office_code": _("AF-kontor (AMO)"),
    "anonymous": _("Anonym"),
    "generalised": _("Generaliseringsnivå"),
    "target_group": _("Målgrupp"),
    "benefit": _("Ersättning"),
    "benefit_end_date": _("Förmånstidens slut"),
    "sick_leave_start": _("Sjukfallets första dag"),
    "fk_facts_hidden": _("FK:s uppgifter dolda"),
    "referral_date": _("Anmäld till beredningsgrupp"),
    "start_date": _("Registrerad i samverkan"),
    "end_date": _("Avslutad"),
    "exit_reason": _("Avslutsorsak"),
    "phase": _("Fas"),
    "born_abroad": _("Utrikes född"),
    "education_level": _("Utbildningsnivå"),
    "disability": _("Funktionsnedsättning"),
    "start_registered_with_af": _("Vid start: inskriven på AF"),
    "start_employed": _("Vid start: anställd"),
    "start_employer_orgnr": _("Vid start: arbetsgivarens organisationsnummer"),
    "start_own_business": _("Vid start: eget företag"),
    "start_working": _("Vid start: arbetar"),
    "start_work_share_percent": _("Vid start: andel av heltid (%)"),
    "start_studying": _("Vid start: studerar"),
    "start_public_support_months": _("Vid start: månader med offentlig försörjning"),
    "end_registered_with_af": _("Vid avslut: inskriven på AF"),
    "end_employed": _("Vid avslut: anställd"),
    "end_employer_orgnr": _("Vid avslut: arbetsgivarens organisationsnummer"),
    "end_own_business": _("Vid avslut: eget företag"),
    "end_working": _("Vid avslut: arbetar"),
    "end_work_share_percent": _("Vid avslut: andel av heltid (%)"),
    "end_studying": _("Vid avslut: studerar"),
    "end_public_support_months": _("Vid avslut: månader med offentlig försörjning"),
    "day_365": _("Dag 365"),
    "status_day_365": _("Status dag 365"),
    "outcome_counted": _("Räknas i utfallet"),
    "intervention_id": _("Insats"),
    "category": _("Insatsslag"),
    "kind": _("Typ av insats"),
    "provider": _("Anordnare"),
    "hours_per_week": _("Timmar per vecka"),
    "planned_start": _("Planerad start"),
    "outcome": _("Utfall"),
    "moved_from_intervention_id": _("Flyttad från insats"),
    "mapping_id": _("Kartläggning"),
    "age_at_mapping": _("Ålder vid kartläggningen"),
    "initiated_by": _("Initierad av"),
    "requested_on": _("Begäran skickad"),
    "request_received_on": _("Begäran mottagen"),
    "first_meeting_on": _("Första kartläggningsmötet"),
    "mapping_date": _("Kartläggningens datum"),
    "ended_on": _("Kartläggningen avslutad"),
    "sick_leave_band": _("Tid i sjukfallet"),
    "participants": _("Deltog"),
    "decision": _("Beslut"),
    "decision_date": _("Beslutsdatum"),
    "point_id": _("Registreringspunkt (id)"),
    "point": _("Registreringspunkt"),
    "point_date": _("Datum"),
    "ended_how": _("Avslut"),
    "situation_registered_with_af": _("Inskriven på AF"),
    "situation_employed": _("Anställd"),
    "situation_employer_orgnr": _("Arbetsgivarens organisationsnummer"),
    "situation_own_business": _("Eget företag"),
    "situation_working": _("Arbetar"),
    "situation_work_share_percent": _("Andel av heltid (%)"),
    "situation_studying": _("Studerar"),
    "situation_public_support_months": _("Månader med offentlig försörjning"),
    "sus_registered_on": _("Registrerad i SUS"),
    "sus_id": _("Id i SUS"),
    "ais_registered_on": _("Registrerad i AIS"),
    "ais_id": _("Id i AIS"),
}
# What a file's header row holds: the code names, or the headers above.
CODES = "codes"
LABELS = "labels"


def headers_of(columns: list[Column], *, headers: str) -> list[str]:
    """The header row of a file of `columns`."""
    if headers == LABELS:
        return [str(HEADERS[column.name]) for column in columns]
    return [column.name for column in columns]


def _coded_columns() -> dict[str, dict]:
    """Each coded column's codes and what the interface calls them (the models' choices and
    the statistics' labels: one source for each code list)."""
    from accounts.models import Area, OfficeUnit
    from cases.models import (
        Benefit,
        EducationLevel,
        ExitReason,
        OutcomeCategory,
        Person,
        Phase,
        Situation,
        TargetGroup,
    )
    from mapping.models import (
        AgencyCode,
        Category,
        Decision,
        Kind,
        Outcome,
        Participant,
        Provider,
        SickLeaveBand,
    )
    from national.models import EndedHow, Point
    from reporting.metrics.labels import LEVELS

    return {
        "sex": dict(Person.Sex.choices),
        "age_band": LEVELS["age_band"],
        "area_code": dict(Area.objects.values_list("code", "name")),
        **{
            f"{prefix}_office_code": dict(
                OfficeUnit.objects.filter(kind=kind).values_list("code", "name")
            )
            for prefix, kind in (("fk", OfficeUnit.Kind.LFC), ("af", OfficeUnit.Kind.AMO))
        },
        "benefit": dict(Benefit.choices),
        "target_group": dict(TargetGroup.choices),
        "exit_reason": dict(ExitReason.choices),
        "phase": dict(Phase.choices),
        "education_level": dict(EducationLevel.choices),
        "start_working": dict(Situation.Working.choices),
        "situation_working": dict(Situation.Working.choices),
        "point": dict(Point.choices),
        "ended_how": dict(EndedHow.choices),
        "end_working": dict(Situation.Working.choices),
        "status_day_365": dict(OutcomeCategory.choices),
        "category": dict(Category.choices),
        "kind": dict(Kind.choices),
        "provider": dict(Provider.choices),
        "outcome": dict(Outcome.choices),
        "initiated_by": dict(AgencyCode.choices),
        "sick_leave_band": dict(SickLeaveBand.choices),
        "decision": dict(Decision.choices),
        "participants": dict(Participant.choices),
    }


YES_NO = {True: _("Ja"), False: _("Nej")}


def column_labels(columns: list[Column]) -> list[dict | None]:
    """For each column of a file for people, the words of its codes (`YES_NO` for a boolean),
    or None for a column whose cells stay as written: the one list that both `value_labeller`
    and the file written by the database (exports.selectors.csv) put in words."""
    coded = _coded_columns()
    return [
        coded[column.name]
        if column.name in coded
        else (YES_NO if column.type == "boolean" else None)
        for column in columns
    ]


def value_labeller(columns: list[Column], *, headers: str) -> Callable[[list], list] | None:
    """For a file with headers in words: a function that puts a row's codes in words (a code
    not in its list, say one since removed, stays as written; empty stays empty). None for a
    file with the code names, whose cells keep the documented codes."""
    if headers != LABELS:
        return None

    def words(codes: dict) -> Callable:
        return lambda value: str(codes.get(value, value))

    def participants(codes: dict) -> Callable:
        return lambda value: ", ".join(str(codes.get(code, code)) for code in value.split("|"))

    shown: list[Callable | None] = [
        None
        if codes is None
        else (participants(codes) if column.name == "participants" else words(codes))
        for column, codes in zip(columns, column_labels(columns), strict=True)
    ]

    def label(values: list) -> list:
        return [
            value if show is None or value is None or value == "" else show(value)
            for show, value in zip(shown, values, strict=True)
        ]

    return label
