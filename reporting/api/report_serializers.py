"""The report API's JSON shapes, for the OpenAPI schema (drf-spectacular). The views return the
metrics' own dicts (reporting.metrics) unchanged but for suppression; these serializers only
describe them. Every figure may be null: a value hidden by small-cell suppression (SPEC §7)."""

from __future__ import annotations

from django.utils.translation import override
from rest_framework import serializers

from reporting.metrics.base import CATEGORY_KEYS, WORK_OR_EDUCATION_KEY
from reporting.metrics.labels import CATEGORIES
from reporting.metrics.labels import STATES as STATE_LABELS
from reporting.metrics.status import STATES
from reporting.suppression import SMALL_CELL

REPORTS = ("outcomes", "average_days", "mappings", "inflow", "status")


def count_field(**kwargs):
    return serializers.IntegerField(allow_null=True, min_value=0, **kwargs)


def hidden_as_field():
    """How each hidden figure of a row is marked (reporting.suppression.marks); only in rows
    with a hidden count, only for readers who see suppressed figures."""
    return serializers.DictField(
        child=serializers.ChoiceField(choices=["small", "hidden"]),
        required=False,
        help_text=(
            "För varje dolt fält i raden: small (ett antal 1–4, sidorna visar <5) eller hidden "
            "(dolt utan att säga mer: ett antal som döljs för att skydda ett litet, eller ett "
            "litet antal där <5 tillsammans med summorna skulle avslöja det; sidorna visar dolt). "
            "Saknas när inget i raden är dolt."
        ),
    )


SHARE_HELP = (
    "Andel som i de publicerade tabellerna: hela procent, en decimal under 1 % "
    '(t.ex. "26%", "0,3%"); "–" för en tom rad.'
)


def share_field(help_text: str = "", **kwargs):
    text = f"{help_text} {SHARE_HELP}" if help_text else SHARE_HELP
    return serializers.CharField(allow_null=True, help_text=text, **kwargs)


def _levels():
    return serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Nivåerna för varje dimension, i tabellens ordning.",
    )


def _by_dimension_and_level(row, help_text: str):
    return serializers.DictField(
        child=serializers.DictField(child=row), help_text=f"dimension → nivå → rad. {help_text}"
    )


def _label(labels: dict, key: str) -> str:
    with override("sv"):
        return str(labels[key])


def _fixed_keys(name: str, keys, make_field, labels: dict, what: str):
    """A serializer with one field per key (named after the key), for objects whose keys are
    a fixed code list; each field is described by the code's Swedish label."""
    return type(
        name,
        (serializers.Serializer,),
        {key: make_field(help_text=f"{what}: {_label(labels, key)}.") for key in keys},
    )


class ReportEnvelopeSerializer(serializers.Serializer):
    """What every report answers, around its `data`."""

    report = serializers.ChoiceField(choices=REPORTS, help_text="Rapportens namn.")
    # `from` is a Python keyword, so the fields are named in get_fields.
    area = serializers.CharField(
        allow_null=True, help_text="Områdeskoden som efterfrågades, null utan `area`."
    )
    region = serializers.CharField(
        allow_null=True,
        help_text="Regionens kod som efterfrågades (`region`), null utan den; dess aktiva "
        "områden finns bland `areas`.",
    )
    areas = serializers.ListField(
        child=serializers.CharField(),
        help_text="Koderna för de områden som summeras (alla områden för riket).",
    )
    national = serializers.BooleanField(help_text="Sant när siffrorna gäller hela riket.")
    suppressed = serializers.BooleanField(
        help_text="Sant när små tal är dolda (roller utan ärendeåtkomst); dolda värden är null."
    )
    small_cell = serializers.IntegerField(
        help_text=f"Gränsen för små tal: antal under {SMALL_CELL} personer döljs."
    )
    registration_models = serializers.ListField(
        child=serializers.ChoiceField(choices=["introduction_trial", "needs_analysis"]),
        help_text="Registreringsmodellerna för periodens ärenden (startade i perioden eller "
        "tolv månader före den, eller avslutade i den): introduction_trial (2008: vid "
        "introduktion och prövning), needs_analysis (från 2010: när behovsanalysen startar).",
    )
    registration_mixed = serializers.BooleanField(
        help_text="Sant när perioden blandar de två registreringsmodellerna."
    )

    def get_fields(self):
        fields = super().get_fields()
        period = {
            "from": serializers.CharField(
                allow_null=True, help_text="Första månaden, ÅÅÅÅ-MM (null för en dag)."
            ),
            "to": serializers.CharField(
                allow_null=True, help_text="Sista månaden, ÅÅÅÅ-MM (null för en dag)."
            ),
        }
        return {"report": fields.pop("report"), **period, **fields}


# --- outcomes -------------------------------------------------------------------------------

OutcomeCountsSerializer = _fixed_keys(
    "ReportOutcomeCounts", CATEGORY_KEYS, count_field, CATEGORIES, "Antal"
)
OutcomeSharesSerializer = _fixed_keys(
    "ReportOutcomeShares", CATEGORY_KEYS, share_field, CATEGORIES, "Andel"
)


class OutcomeRowSerializer(serializers.Serializer):
    total = count_field(help_text="Radens totala antal.")
    total_share = share_field()
    counts = OutcomeCountsSerializer(help_text="Antal per utfallskategori.")
    shares = OutcomeSharesSerializer(help_text="Andel av radens total per kategori.")
    hidden_as = hidden_as_field()


class OutcomeCategoriesSerializer(serializers.Serializer):
    fine = serializers.ListField(
        child=serializers.CharField(),
        help_text="De detaljerade utfallskategorierna (arbete och utbildning uppdelade).",
    )
    coarse = serializers.ListField(
        child=serializers.CharField(),
        help_text="De grova kategorierna, med arbete och utbildning sammanslagna.",
    )


class OutcomesDataSerializer(serializers.Serializer):
    cohort_months = serializers.ListField(
        child=serializers.CharField(), help_text="Startmånaderna som mäts (ÅÅÅÅ-MM), M−12."
    )
    categories = OutcomeCategoriesSerializer(help_text="Kategoriernas koder i tabellens ordning.")
    levels = _levels()
    rows = _by_dimension_and_level(
        OutcomeRowSerializer(),
        "Dimensioner: total, sex, age_band, born_abroad, disability, education_level, "
        "target_group.",
    )


class OutcomesReportSerializer(ReportEnvelopeSerializer):
    data = OutcomesDataSerializer(help_text="Status dag 365 för dem som startade månaderna M−12.")


# --- average days ---------------------------------------------------------------------------


class AverageDaysPartSerializer(serializers.Serializer):
    count = count_field(help_text="Antal avslutade.")
    days_total = count_field(
        help_text="Summan av dagarna, så att områden och månader kan läggas ihop."
    )
    mean_days = count_field(
        help_text="Medeltal i hela dagar, halvor avrundade uppåt; null om ingen."
    )
    hidden_as = hidden_as_field()


class AverageDaysRowSerializer(serializers.Serializer):
    all = AverageDaysPartSerializer(help_text="Alla som avslutades under perioden.")

    def get_fields(self):
        fields = super().get_fields()
        fields[WORK_OR_EDUCATION_KEY] = AverageDaysPartSerializer(
            help_text="De som avslutades till arbete eller utbildning."
        )
        return fields


class AverageDaysDataSerializer(serializers.Serializer):
    rows = _by_dimension_and_level(
        AverageDaysRowSerializer(), "Dimensioner: total, sex, target_group."
    )


class AverageDaysReportSerializer(ReportEnvelopeSerializer):
    data = AverageDaysDataSerializer(help_text="Genomsnittlig tid i samverkan för de avslutade.")


# --- joint mappings -------------------------------------------------------------------------


class MappingRowSerializer(serializers.Serializer):
    count = count_field(help_text="Antal gemensamma kartläggningar.")
    share = share_field()
    hidden_as = hidden_as_field()


class MappingsDataSerializer(serializers.Serializer):
    benefit = serializers.CharField(
        allow_null=True,
        help_text="Ersättningen rapporten är avgränsad till, null för alla kartläggningar.",
    )
    levels = _levels()
    rows = _by_dimension_and_level(
        MappingRowSerializer(),
        "Dimensioner: total, sex, age_band, sick_leave_band, benefit, initiated_by; andelen är "
        "av alla kartläggningar som hölls under perioden (med `benefit`: av dem med den "
        "ersättningen).",
    )
    hidden_as = hidden_as_field()
    crossed = serializers.DictField(
        child=serializers.DictField(child=count_field()),
        required=False,
        help_text="Antal per ersättning (nyckel) och initierande myndighet (FK, AF). Saknas för "
        "handläggare utanför Försäkringskassan.",
    )


class MappingsReportSerializer(ReportEnvelopeSerializer):
    data = MappingsDataSerializer(help_text="Gemensamma kartläggningar som Tabell 1.")


# --- inflow ---------------------------------------------------------------------------------


class InflowCellSerializer(serializers.Serializer):
    count = count_field(help_text="Antal nya deltagare.")
    young = count_field(help_text="Unga (ålder vid start högst regelverkets gräns).")
    young_share = share_field()
    hidden_as = hidden_as_field()


class InflowBySexSerializer(serializers.Serializer):
    all = InflowCellSerializer(help_text="Alla.")
    K = InflowCellSerializer(help_text="Kvinnor.")
    M = InflowCellSerializer(help_text="Män.")


class InflowRowSerializer(serializers.Serializer):
    total = count_field(help_text="Radens totala antal.")
    total_share = share_field()
    counts = serializers.DictField(child=count_field(), help_text="Antal per målgrupp.")
    shares = serializers.DictField(child=share_field(), help_text="Andel av radens total.")
    hidden_as = hidden_as_field()


class InflowDataSerializer(serializers.Serializer):
    months = serializers.DictField(
        child=InflowBySexSerializer(), help_text="Per månad (ÅÅÅÅ-MM): alla, kvinnor och män."
    )
    period = InflowBySexSerializer(help_text="Hela perioden.")
    target_groups = serializers.ListField(
        child=serializers.CharField(), help_text="Målgruppernas koder i tabellens ordning."
    )
    levels = _levels()
    rows = _by_dimension_and_level(
        InflowRowSerializer(),
        "Som Tabell 2: dimensioner total, sex, age_band, born_abroad, disability, "
        "education_level; antal per målgrupp.",
    )


class InflowReportSerializer(ReportEnvelopeSerializer):
    data = InflowDataSerializer(help_text="Nya deltagare (inflöde) som Tabell 2.")


# --- status ---------------------------------------------------------------------------------

EndedOccupationSerializer = _fixed_keys(
    "ReportEndedOccupation", CATEGORY_KEYS, count_field, CATEGORIES, "Avslutade till"
)
StatusStatesSerializer = _fixed_keys(
    "ReportStatusStates", STATES, count_field, STATE_LABELS, "Antal"
)


class StatusRowSerializer(StatusStatesSerializer):
    ended_occupation = EndedOccupationSerializer(
        help_text="De avslutade efter sysselsättning efteråt."
    )


class StatusBySexSerializer(serializers.Serializer):
    all = StatusRowSerializer(help_text="Alla.")
    K = StatusRowSerializer(help_text="Kvinnor.")
    M = StatusRowSerializer(help_text="Män.")


def _offices_of_kind(kind: str) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.DictField(child=StatusBySexSerializer()),
        help_text=f"Per områdeskod och kontorets kod ({kind}); `unknown`: utan kontor.",
    )


class StatusOfficesSerializer(serializers.Serializer):
    LFC = _offices_of_kind("lokalt försäkringscenter, ärendets eller kartläggningens FK-kontor")
    AMO = _offices_of_kind("arbetsmarknadsområde, ärendets eller kartläggningens AF-kontor")


class StatusDataSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="Dagen som tillstånden avser (periodens sista dag).")
    months = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Periodens månader (ej för day)."
    )
    total = StatusBySexSerializer(help_text="Summan av de redovisade områdena.")
    areas = serializers.DictField(child=StatusBySexSerializer(), help_text="Per områdeskod.")
    offices = StatusOfficesSerializer(
        required=False,
        help_text="Per kontor: varje område fördelat på Försäkringskassans lokala "
        "försäkringscenter (LFC) och, för sig, på Arbetsförmedlingens arbetsmarknadsområden "
        "(AMO). Ett ärende eller en kartläggning räknas en gång under sitt LFC och en gång "
        "under sitt AMO; inom varje slag summerar ett områdes kontor (med `unknown`) till "
        "områdets rad.",
    )


class StatusReportSerializer(ReportEnvelopeSerializer):
    day = serializers.DateField(allow_null=True, help_text="Dagen, när `day` efterfrågades.")
    data = StatusDataSerializer(help_text="Statusrapporten som SUS standardrapport.")


class ReportErrorSerializer(serializers.Serializer):
    """400: {fältnamn: [meddelanden]}; 403 och 404: {"detail": meddelande}."""

    detail = serializers.CharField(required=False, help_text="Skälet, på svenska.")
