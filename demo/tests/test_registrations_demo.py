"""The demo registrations in SUS and AIS (demo.registrations): most due cases registered a few
days after they became due, about one in eleven forgotten, none in the future; loaded once."""

import datetime as dt

from cases.models import Case
from reporting.tests.test_metrics_given import case, person


def test_the_demo_registers_most_due_cases_once(area):
    from demo.registrations import FORGOTTEN_EVERY, registrations_demo_load

    today = dt.date(2026, 12, 7)
    for day in range(25):
        case(person=person(area=area), start=dt.date(2026, 11, 10) + dt.timedelta(days=day))

    registered = registrations_demo_load(areas=[area], today=today)

    cases = list(Case.objects.filter(area=area).order_by("pk"))
    for c in cases:
        if c.pk % FORGOTTEN_EVERY == 0:
            assert c.sus_registered_on is None and c.ais_registered_on is None
            continue
        for system, most in (("sus", 6), ("ais", 3)):
            day = getattr(c, f"{system}_registered_on")
            if day is None:  # due too recently to be registered by today
                assert c.start_date + dt.timedelta(days=c.pk % (most + 1)) > today
                continue
            assert c.start_date <= day <= min(today, c.start_date + dt.timedelta(days=most))
            assert getattr(c, f"{system}_id") == f"{system.upper()}-DEMO-{c.pk:06d}"
    assert registered == sum(
        1 for c in cases if c.sus_registered_on is not None or c.ais_registered_on is not None
    )
    assert 0 < registered < len(cases)
    # loading the demo again registers nothing more and changes nothing
    assert registrations_demo_load(areas=[area], today=today + dt.timedelta(days=30)) == 0
