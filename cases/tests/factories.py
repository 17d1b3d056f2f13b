import datetime as dt
import random

import factory
from stdnum import luhn

from accounts.tests.factories import AreaFactory
from cases.models import Case, Person


def make_personnummer(birth: dt.date | None = None, *, serial: int | None = None) -> str:
    """A valid 12-digit personnummer for a test person."""
    rnd = random.Random()
    birth = birth or dt.date(1960, 1, 1) + dt.timedelta(days=rnd.randrange(0, 40 * 365))
    serial = rnd.randrange(0, 1000) if serial is None else serial
    ten = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn.calc_check_digit(ten)}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    personnummer = factory.LazyFunction(make_personnummer)
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    area = factory.SubFactory(AreaFactory)

    @factory.lazy_attribute
    def birth_date(self):
        p = self.personnummer
        day = int(p[6:8])
        return dt.date(int(p[:4]), int(p[4:6]), day - 60 if day > 60 else day)

    @factory.lazy_attribute
    def sex(self):
        return "M" if int(self.personnummer[10]) % 2 else "K"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    area = factory.SelfAttribute("person.area")
    phase = Case.Phase.NEEDS_ANALYSIS
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    referral_date = factory.LazyAttribute(lambda o: o.start_date - dt.timedelta(days=7))
    end_date = factory.LazyAttribute(
        lambda o: o.start_date + dt.timedelta(days=20) if o.phase == Case.Phase.CLOSED else None
    )
    exit_reason = factory.LazyAttribute(
        lambda o: "completed" if o.phase == Case.Phase.CLOSED else ""
    )
