"""Demo money (issue 21): for every demo area the last twelve whole months' consumption of both
agencies' default categories, the current year's allocation per area and a cost per FTE, so the
follow-up page (/statistik/medel/) shows figures in the demo. Idempotent: what is there already
is left as it is. The amounts are made up for the demo, in the proportions of Tabell 7 and 8
(a month of the 2012 tertial spread over the demo areas), never shown as published figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps

from accounts.models import Agency
from funds.models import ActivityCategory, Allocation, Consumption, FteCost
from funds.reference_data import ensure_default_categories
from samverkan.dates import add_months

# kronor per month and area, by category code: about a twelfth of the tertial's figure of
# Tabell 7 and 8 per demo area (illustrative only).
MONTHLY = {
    "utveckling-samarbete": 52_000,
    "vo-samverkanssamordning": 50_000,
    "hpl-fran-2011": 620_000,
    "insatser-med-af": 194_000,
    "gemensam-kartlaggning": 252_000,
    "forvaltningskostnader": 2_022_000,
    "kop-av-utbildning": 42_000,
    "aktiva-rehabiliteringsinsatser": 271_000,
    "stod-till-arbetsgivare": 23_000,
    "aktivitetsstod": 18_000,
}
COST_PER_FTE = {"FK": 640_000, "AF": 610_000}


def funds_demo_load(*, areas, today: dt.date) -> None:
    ensure_default_categories(apps.get_model)
    categories = {c.code: c for c in ActivityCategory.objects.filter(code__in=MONTHLY)}
    last = add_months(today.replace(day=1), -1)
    months = [add_months(last, -n) for n in range(12)]
    stored = set(
        Consumption.objects.filter(area__in=areas, month__in=months).values_list(
            "month", "area_id", "category_id"
        )
    )
    new = []
    for index, area in enumerate(areas):
        for month in months:
            for code, amount in MONTHLY.items():
                category = categories.get(code)
                if category is None or (month, area.pk, category.pk) in stored:
                    continue
                # a little variation per area and month, the same on every load
                factor = Decimal(100 + (index * 7 + month.month * 3) % 15) / 100
                new.append(
                    Consumption(
                        month=month,
                        area=area,
                        category=category,
                        amount=(Decimal(amount) * factor).quantize(Decimal("1")),
                        source=Consumption.Source.IMPORT,
                    )
                )
    Consumption.objects.bulk_create(new)
    for area in areas:
        for code, amount in MONTHLY.items():
            if code in categories:
                Allocation.objects.get_or_create(
                    year=today.year,
                    area=area,
                    category=categories[code],
                    defaults={"amount": Decimal(amount) * 12},
                )
    for agency in Agency.objects.filter(code__in=COST_PER_FTE):
        for year in (today.year - 1, today.year):
            FteCost.objects.get_or_create(
                year=year, agency=agency, defaults={"cost_per_fte": COST_PER_FTE[agency.code]}
            )
