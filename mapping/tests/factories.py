import datetime as dt

import factory

from cases.tests.factories import CaseFactory, PersonFactory
from mapping.models import Intervention, JointMapping, Meeting, category_of


class JointMappingFactory(factory.django.DjangoModelFactory):
    """An open mapping requested 20 days ago, not yet held."""

    class Meta:
        model = JointMapping

    person = factory.SubFactory(PersonFactory)
    area = factory.SelfAttribute("person.area")
    initiated_by = "FK"
    initiation_reason = "Behöver stöd tillbaka till arbete."
    requested_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=20))
    benefit = "sjukpenning"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    person = factory.SubFactory(PersonFactory)
    kind = Meeting.Kind.RECONCILIATION
    date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=5))
    participants = factory.LazyFunction(lambda: ["person", "FK", "AF"])


class InterventionFactory(factory.django.DjangoModelFactory):
    """A planned work-preparatory intervention (not started)."""

    class Meta:
        model = Intervention

    case = factory.SubFactory(CaseFactory)
    kind = "wellness"
    category = factory.LazyAttribute(lambda o: category_of(o.kind))
    provider = "AF"
    hours_per_week = 6
    goal = "Orka en regelbunden dag."
