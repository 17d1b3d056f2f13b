"""Reference data every installation starts with: the 2010 plan's rule set and AF's default
status codes (one per outcome category, named as the category, as SPEC §6 says)."""

import datetime as dt

STATUS_CODES = [
    ("work_unsubsidised", "Arbete utan stöd"),
    ("work_subsidised", "Arbete med stöd"),
    ("education", "Utbildning"),
    ("self_employed", "Starta eget"),
    ("labour_market_programme", "Arbetsmarknadspolitiskt program"),
    ("openly_unemployed", "Öppet arbetslös"),
    ("other", "Övriga"),
]


def ensure_reference_data(get_model) -> None:
    RuleSet = get_model("cases", "RuleSet")
    StatusCode = get_model("cases", "StatusCode")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(name="Handlingsplan 2010", valid_from=dt.date(2010, 1, 1))
    for code, name in STATUS_CODES:
        StatusCode.objects.get_or_create(
            code=code, defaults={"name": name, "outcome_category": code}
        )
