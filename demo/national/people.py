"""Synthetic people (SPEC §3): valid, unique personnummer, names drawn with the frequencies of
Faker's Swedish lists, addresses, and the background variables the reports break down by.

A personnummer is the date of birth, a three-digit serial whose last digit is odd for men and
even for women, and the Luhn check digit (a samordningsnummer adds 60 to the day). Uniqueness
needs no set of every number written: each (birth date, sex, kind) hands out its 500 serials in
a fixed scrambled order, so memory grows with the number of birth dates, not of people."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools

from faker.providers.address.sv_SE import Provider as Addresses
from faker.providers.person.sv_SE import Provider as Names
from stdnum import luhn

from .copying import text
from .draws import between, one_of, within

SERIALS = 500  # per birth date, sex and kind (personnummer or samordningsnummer)
SCRAMBLE = 337  # coprime with 500: serial k is (k * 337 + 71) % 500, a permutation


class NameLists:
    """Weighted first and last names and street names, escaped for COPY once."""

    def __init__(self):
        self.female = self._weighted(Names.first_names_female)
        self.male = self._weighted(Names.first_names_male)
        self.surnames = self._weighted(Names.last_names)
        self.streets = [
            text(prefix + suffix)
            for prefix, suffix in itertools.product(
                Addresses.street_prefixes, Addresses.street_suffixes
            )
        ]

    @staticmethod
    def _weighted(names) -> tuple[list[str], list[float]]:
        items = list(names.items()) if isinstance(names, dict) else [(n, 1.0) for n in names]
        cumulative = list(itertools.accumulate(weight for _, weight in items))
        return [text(name) for name, _ in items], cumulative

    @staticmethod
    def _draw(rng, lists) -> str:
        names, cumulative = lists
        index = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        return names[min(index, len(names) - 1)]

    def first(self, rng, sex: str) -> str:
        return self._draw(rng, self.female if sex == "K" else self.male)

    def last(self, rng) -> str:
        return self._draw(rng, self.surnames)

    def street(self, rng) -> str:
        return f"{one_of(rng, self.streets)} {between(rng, 1, 120)}"


class Numbers:
    """Unique personnummer and samordningsnummer."""

    def __init__(self):
        self.used: dict[tuple[int, str, bool], int] = {}

    def take(self, birth: int, sex: str, coordination: bool) -> tuple[str, int]:
        """(number, birth date) for someone born on day `birth` (a day number), moved a day
        later while that date's serials for the sex are spent."""
        while True:
            key = (birth, sex, coordination)
            k = self.used.get(key, 0)
            if k < SERIALS:
                self.used[key] = k + 1
                break
            birth += 1
        day = dt.date.fromordinal(birth)
        serial = 2 * ((k * SCRAMBLE + 71) % SERIALS) + (1 if sex == "M" else 0)
        day_part = day.day + (60 if coordination else 0)
        ten = f"{day:%y%m}{day_part:02d}{serial:03d}"
        return f"{day:%Y%m}{day_part:02d}{serial:03d}{luhn.calc_check_digit(ten)}", birth


def age_on(birth: dt.date, day: dt.date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def birth_for(rng, start: int, age: int) -> int:
    """A birth date (day number) at which someone is exactly `age` on day `start`."""
    on = dt.date.fromordinal(start)
    year = on.year - age
    earliest = dt.date(year - 1, on.month, 28 if (on.month, on.day) == (2, 29) else on.day)
    birth = earliest.toordinal() + 1 + within(rng, 0, 364)
    while age_on(dt.date.fromordinal(birth), on) > age:
        birth += 1
    while age_on(dt.date.fromordinal(birth), on) < age:
        birth -= 1
    return birth
