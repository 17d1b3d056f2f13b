"""The columns of each export kind (SPEC §6), in file order: the product's export interface.

Names are English snake_case and stable: a client may rely on them (docs/exports.md documents
them, and a test keeps that document and this list together). Descriptions are Swedish, as the
API's help texts; they also describe the JSON rows in the OpenAPI schema.

`identity` columns appear only in full-identity exports (users with case access). A coarsened
export (roles without case access, SPEC §6: no row-level personal data) has no identity
columns and coarsens the rest: every date becomes its month (`YYYY-MM`), a birth year or an age
becomes an age band (`age_band`), a record's id becomes a key of this export only (as
`person_key`), and `generalised` says which background variables the k-anonymity check hid
(exports.selectors.kanon). `kept_for_anonymous` columns keep their value for an anonymous
participant in a coarsened export (SPEC §3: outside the officers' own pages only age, sex and
area); every other column is empty for them.

Long because it is the export interface's one list of columns, kind by kind, which
docs/exports.md mirrors line by line (exports/tests/test_docs.py); split, the two would drift."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "integer", "string", "date", "boolean", "number" (the JSON Schema type)
    description: str
    identity: bool = False
    kept_for_anonymous: bool = False
    # In a coarsened export: left out (a birth year, an exact age) ...
    full_only: bool = False
    # ... or only there (the age band, the generalisation level).
    coarsened_only: bool = False
    # An id of this record type ("case", "intervention", "mapping"): a keyed string when coarsened.
    record: str = ""

    @property
    def coarsened(self) -> Column:
        """The column as a coarsened export has it."""
        if self.type == "date":
            return replace(
                self, type="string", description=f"{self.description} Grovindelad: ÅÅÅÅ-MM."
            )
        if self.record:
            return replace(
                self,
                type="string",
                description=f"{self.description} Grovindelad: en nyckel som bara gäller i "
                "den här exporten (som person_key).",
            )
        return self


def _situation(moment: str, when: str) -> list[Column]:
    prefix = f"{moment}_"
    return [
        Column(
            f"{prefix}registered_with_af",
            "boolean",
            f"Inskriven på Arbetsförmedlingen direkt {when} (1/0, tomt = okänt).",
        ),
        Column(f"{prefix}employed", "boolean", f"Anställd {when} (1/0, tomt = okänt)."),
        Column(
            f"{prefix}employer_orgnr",
            "string",
            f"Arbetsgivarens organisationsnummer {when} (bara med full identitet: en enskild "
            "firmas nummer är ägarens personnummer).",
            identity=True,
        ),
        Column(f"{prefix}own_business", "boolean", f"Eget företag {when} (1/0)."),
        Column(
            f"{prefix}working",
            "string",
            f"Arbetar {when}: no, unsubsidised (utan stöd) eller subsidised (med stöd).",
        ),
        Column(
            f"{prefix}work_share_percent",
            "integer",
            f"Andel av heltid i procent {when} (100 = 40 timmar i veckan).",
        ),
        Column(f"{prefix}studying", "boolean", f"Studerar {when} (1/0)."),
        Column(
            f"{prefix}public_support_months",
            "integer",
            f"Månader med offentlig försörjning före start (registrerat {when}).",
        ),
    ]


PERSON_KEY = Column(
    "person_key",
    "string",
    "Personens nyckel: HMAC-SHA256 av personnumret med exportens egen nyckel, 20 hexadecimala "
    "tecken. Samma person har samma nyckel i alla filer från samma export (export_id) och en "
    "annan nyckel i nästa export. Tom för anonyma deltagare i grovindelade exporter.",
)
IDENTITY = [
    Column("personnummer", "string", "Personnummer, 12 siffror.", identity=True),
    Column("first_name", "string", "Förnamn.", identity=True),
    Column("last_name", "string", "Efternamn.", identity=True),
]
SEX = Column("sex", "string", "Kön: K eller M.", kept_for_anonymous=True)
BIRTH_YEAR = Column("birth_year", "integer", "Födelseår.", kept_for_anonymous=True, full_only=True)


def _age_band(when: str) -> Column:
    return Column(
        "age_band",
        "string",
        f"Åldersgrupp {when}, som i statistiken: under_18, 18_24, 25_34, 35_44, 45_54, "
        "55_64, 65_plus.",
        kept_for_anonymous=True,
        coarsened_only=True,
    )


GENERALISED = Column(
    "generalised",
    "integer",
    "Vad k-anonymitetskontrollen dolde (minst 5 personer per kombination av område, kön, "
    "åldersgrupp, utrikes född, funktionsnedsättning och utbildningsnivå): 0 inget; 1 utrikes "
    "född, funktionsnedsättning och utbildningsnivå; 2 dessutom kön och åldersgrupp.",
    kept_for_anonymous=True,
    coarsened_only=True,
)
AREA_CODE = Column(
    "area_code", "string", "Samverkansområdets kod (där posten finns nu).", kept_for_anonymous=True
)
# The record's offices (SPEC §2), in full exports only: an office is a finer place than the area,
# and a coarsened export's k-anonymity check (exports.selectors.kanon) groups by the area.
OFFICES = [
    Column(
        "fk_office_code",
        "string",
        "FK-kontorets kod (lokalt försäkringscenter) i området, tomt = okänt.",
        full_only=True,
    ),
    Column(
        "af_office_code",
        "string",
        "AF-kontorets kod (arbetsmarknadsområde) i området, tomt = okänt.",
        full_only=True,
    ),
]
ANONYMOUS = Column(
    "anonymous",
    "boolean",
    "Anonym deltagare i dag (skyddad identitet eller inget samtycke till registrering för "
    "uppföljning, SPEC §3): 1/0. I grovindelade exporter är då bara åldersgrupp, kön och "
    "område ifyllda (inga id, inga datum).",
    kept_for_anonymous=True,
)
FK_FACTS_HIDDEN = Column(
    "fk_facts_hidden",
    "boolean",
    "1 när Försäkringskassans uppgifter (ersättning, förmånstidens slut, sjukfallets första "
    "dag) är dolda för den som exporterar (sekretessen mellan myndigheterna, SPEC §7); tomma "
    "celler betyder då dolt, inte okänt.",
)


def _benefit_facts(what: str) -> list[Column]:
    return [
        Column(
            "benefit",
            "string",
            f"Ersättning {what} (sjukpenning, rehabiliteringspenning, "
            "tidsbegransad_sjukersattning, sjukersattning, aktivitetsersattning, ingen). "
            "Försäkringskassans uppgift: dold enligt fk_facts_hidden.",
        ),
        Column(
            "benefit_end_date",
            "date",
            "Förmånstidens slut. Försäkringskassans uppgift: dold enligt fk_facts_hidden.",
        ),
        Column(
            "sick_leave_start",
            "date",
            "Sjukfallets första dag. Försäkringskassans uppgift: dold enligt fk_facts_hidden.",
        ),
    ]


PARTICIPANTS = [
    Column("case_id", "integer", "Ärendets id i Samverkan.", record="case"),
    PERSON_KEY,
    *IDENTITY,
    Column("birth_date", "date", "Födelsedatum.", identity=True),
    SEX,
    BIRTH_YEAR,
    _age_band("på registreringsdagen (anmälningsdagen för den som inte har registrerats än)"),
    Column("age_at_start", "integer", "Ålder i hela år på registreringsdagen.", full_only=True),
    AREA_CODE,
    *OFFICES,
    ANONYMOUS,
    GENERALISED,
    Column(
        "target_group",
        "string",
        "Målgrupp: sick_unemployed, unemployed_sickness_comp, young_activity_comp, "
        "employed_cannot_return, exhausted_insurance (tomt = okänt).",
    ),
    *_benefit_facts("vid start"),
    FK_FACTS_HIDDEN,
    Column("referral_date", "date", "Anmäld till beredningsgrupp (datum)."),
    Column(
        "start_date",
        "date",
        "Registrerad i samverkan: behovsanalysen startar (dag 0).",
    ),
    Column("end_date", "date", "Avslutad i samverkan (datum)."),
    Column(
        "exit_reason",
        "string",
        "Avslutsorsak: completed, benefit_ended, too_ill, aborted_consent_withdrawn, "
        "aborted_own_initiative, moved, died, other, not_admitted (inte antagen i "
        "beredningsgruppen: ärendet startade aldrig).",
    ),
    Column(
        "phase",
        "string",
        "Fas: referred, needs_analysis, introduction_trial, work_oriented, closed.",
    ),
    Column("born_abroad", "boolean", "Utrikes född (1/0, tomt = okänt)."),
    Column(
        "education_level",
        "string",
        "Utbildningsnivå: forgymnasial, gymnasial, eftergymnasial, okand.",
    ),
    Column(
        "disability",
        "boolean",
        "Funktionsnedsättning som medför nedsatt arbetsförmåga (1/0, tomt = okänt).",
    ),
    *_situation("start", "före start"),
    *_situation("end", "efter avslut"),
    Column(
        "day_365",
        "date",
        "Dag 365: registreringsdagen + 365 dagar (SPEC §5). Tom utan registreringsdag.",
    ),
    Column(
        "status_day_365",
        "string",
        "Utfallskategori dag 365 enligt AF:s senaste status den dagen eller före: "
        "work_unsubsidised, work_subsidised, education, self_employed, labour_market_programme, "
        "openly_unemployed, other. Tom så länge dag 365 inte har kommit.",
    ),
    Column(
        "outcome_counted",
        "boolean",
        "Räknas i utfallet dag 365 (1/0): ingen skyddad identitet och samtycke till "
        "registrering för uppföljning som gäller dag 365. Tom så länge dag 365 inte har kommit.",
    ),
]

INTERVENTIONS = [
    Column("intervention_id", "integer", "Insatsens id i Samverkan.", record="intervention"),
    Column("case_id", "integer", "Ärendets id (participants.case_id).", record="case"),
    PERSON_KEY,
    *IDENTITY,
    AREA_CODE,
    ANONYMOUS,
    GENERALISED,
    Column("category", "string", "Slag: work_preparatory eller work_oriented."),
    Column(
        "kind",
        "string",
        "Insats: computer_training, wellness, ergonomics, psychological_support, "
        "other_preparatory, guidance, work_trial, job_search, matching, work_life_introduction, "
        "labour_market_training, other_oriented.",
    ),
    Column("provider", "string", "Anordnare: AF, FK, healthcare, employer, purchased."),
    Column("hours_per_week", "number", "Planerade timmar per vecka."),
    Column("planned_start", "date", "Planerad start."),
    Column("start_date", "date", "Startade (datum)."),
    Column("end_date", "date", "Avslutades (datum)."),
    Column(
        "outcome",
        "string",
        "Resultat: goal_reached, partly_reached, not_reached, aborted (tomt medan den pågår).",
    ),
    Column(
        "moved_from_intervention_id",
        "integer",
        "Insatsen som den här följde efter vid byte från arbetsförberedande till "
        "arbetslivsinriktad (intervention_id).",
        record="intervention",
    ),
]

MAPPINGS = [
    Column("mapping_id", "integer", "Kartläggningens id i Samverkan.", record="mapping"),
    PERSON_KEY,
    *IDENTITY,
    SEX,
    BIRTH_YEAR,
    _age_band("på kartläggningens datum"),
    Column(
        "age_at_mapping",
        "integer",
        "Ålder i hela år på kartläggningens datum.",
        full_only=True,
    ),
    AREA_CODE,
    *OFFICES,
    ANONYMOUS,
    GENERALISED,
    Column(
        "case_id",
        "integer",
        "Ärendet som kartläggningen ledde till (participants.case_id), annars tomt.",
        record="case",
    ),
    Column("initiated_by", "string", "Initierad av: FK eller AF."),
    Column("requested_on", "date", "Begäran skickad (datum)."),
    Column("request_received_on", "date", "Begäran mottagen (datum)."),
    Column("first_meeting_on", "date", "Första kartläggningsmötet (datum)."),
    Column(
        "mapping_date",
        "date",
        "Kartläggningens datum: första mötet, annars begäran (exportens period gäller den).",
    ),
    Column("ended_on", "date", "Kartläggningen avslutad (datum)."),
    *_benefit_facts("vid kartläggningen"),
    Column(
        "sick_leave_band",
        "string",
        "Tid i sjukfallet vid kartläggningen: under_90, 90_180, 180_365, over_365. Härleds ur "
        "Försäkringskassans uppgift: dold enligt fk_facts_hidden.",
    ),
    FK_FACTS_HIDDEN,
    Column(
        "participants",
        "string",
        "Vilka som deltog, koder åtskilda med | (person, FK, AF, employer, healthcare, other).",
    ),
    Column(
        "decision",
        "string",
        "Beslut: joint_active_support, job_seeker_without_joint_support, "
        "employer_and_fk_support_only, no_action (tomt medan kartläggningen pågår).",
    ),
    Column("decision_date", "date", "Beslutsdatum."),
]

# The SUS-style export (issue 20 point 7): one row per registration point of SPEC §3
# (national.models.RegistrationPoint), with the case's registration in SUS and AIS.
REGISTRATIONS = [
    Column(
        "point_id",
        "integer",
        "Registreringspunktens id: källpostens id × 16 + punktens nummer (stabilt).",
        record="point",
    ),
    Column(
        "case_id", "integer", "Ärendet (participants.case_id), tomt före ärendet.", record="case"
    ),
    Column(
        "mapping_id",
        "integer",
        "Kartläggningen (mappings.mapping_id) för kartläggningens punkter.",
        record="mapping",
    ),
    Column(
        "intervention_id",
        "integer",
        "Insatsen (interventions.intervention_id) för insatsernas punkter.",
        record="intervention",
    ),
    PERSON_KEY,
    *IDENTITY,
    SEX,
    BIRTH_YEAR,
    _age_band(
        "som i ärendets rad (participants) eller kartläggningens rad (mappings): på "
        "registreringsdagen, annars anmälningsdagen, respektive kartläggningens datum"
    ),
    AREA_CODE,
    ANONYMOUS,
    GENERALISED,
    Column(
        "point",
        "string",
        "Registreringspunkt: mapping_requested (begäran om gemensam kartläggning skickad), "
        "mapping_request_received (begäran mottagen), waiting_first_meeting (väntar på första "
        "kartläggningsmötet), mapping_first_meeting, mapping_ended, registered (registrerad i "
        "samverkan), waiting_intervention (planerad insats, väntar), intervention_started (aktiv "
        "insats startad), intervention_moved (byte mellan arbetsförberedande och "
        "arbetslivsinriktad), ended (samverkan avslutad).",
    ),
    Column(
        "point_date",
        "date",
        "Punktens datum; för ett vänteläge dagen det började (exportens period gäller det).",
    ),
    Column(
        "category",
        "string",
        "Insatsens slag för insatspunkterna: work_preparatory eller work_oriented.",
    ),
    Column(
        "ended_how",
        "string",
        "För ended: completed (avslutat samarbete) eller aborted (avbrutet: samtycket återkallat "
        "eller på egen begäran).",
    ),
    Column("exit_reason", "string", "För ended: avslutsorsaken (som participants.exit_reason)."),
    *_situation("situation", "vid punkten (registered: före start, ended: efter avslut)"),
    Column("sus_registered_on", "date", "Ärendet registrerat i SUS (datum), tomt = inte än."),
    Column("sus_id", "string", "Ärendets id i SUS, tomt = okänt.", identity=True),
    Column("ais_registered_on", "date", "Ärendet registrerat i AIS (datum), tomt = inte än."),
    Column("ais_id", "string", "Ärendets id i AIS, tomt = okänt.", identity=True),
]

KINDS: dict[str, list[Column]] = {
    "participants": PARTICIPANTS,
    "interventions": INTERVENTIONS,
    "mappings": MAPPINGS,
    "registrations": REGISTRATIONS,
}


def columns_for(kind: str, *, full_identity: bool) -> list[Column]:
    """The kind's columns in file order: with full identity (case access), or coarsened."""
    if full_identity:
        return [c for c in KINDS[kind] if not c.coarsened_only]
    return [c.coarsened for c in KINDS[kind] if not (c.identity or c.full_only)]
