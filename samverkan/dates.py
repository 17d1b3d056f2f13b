"""Day arithmetic used by every rule and report, so all of them count days the same way.

Day counts are calendar days between two dates: the start date is day 0 and "day 365" is the
date start + 365 days (so in a leap year it falls one calendar date earlier than the start's
anniversary). Months are calendar months; adding a month to 31 January gives the last day of
February, as dateutil's relativedelta does."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The dates the product accepts anywhere (forms, API, imports): wide enough for every real
# person and case, narrow enough that day arithmetic (day 365, six months on) never overflows.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def is_plausible(day: dt.date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def validate_plausible_date(value) -> None:
    """The validator of every date field, in forms, serializers, imports and services."""
    if value is not None and not is_plausible(value):
        raise ValidationError(
            _("Ange ett datum mellan %(first)s och %(last)s.")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
            code="implausible_date",
        )


def days_between(earlier: dt.date, later: dt.date) -> int:
    return (later - earlier).days


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def add_months(day: dt.date, months: int) -> dt.date:
    return day + relativedelta(months=months)


def months_apart(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s (the days are not counted)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months `first`..`last` (first days of months), both included."""
    return [add_months(first, n) for n in range(months_apart(first, last) + 1)]


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years; someone born 29 February turns a year older on 1 March in common years
    (relativedelta would say 28 February)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years
