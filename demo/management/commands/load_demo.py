"""Demo data for trying the product: a few areas, staff of every role, synthetic people, and
(unless --without-history) three years of follow-up history with work plans and the monthly
snapshots of the last 24 months (demo.history).

Idempotent: running it again creates only what is missing and never changes passwords (unless
--reset-passwords). The password is printed once, when the demo users are created."""

import datetime as dt
import os
import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from faker import Faker

from accounts.models import Agency, Area, OfficeUnit, PreparationGroup, Role, StaffProfile, Team
from accounts.reference_data import ensure_reference_data as ensure_accounts_reference
from cases import worklist_state
from cases.models import Case, Consent, EducationLevel, Person, StatusCode, TargetGroup
from cases.reference_data import ensure_reference_data as ensure_cases_reference
from cases.services import (
    case_open,
    case_transition,
    consent_confirm,
    consent_record,
    person_create,
    status_entry_save,
)
from cases.validators import parse_identity_number
from demo.funds import funds_demo_load
from demo.guard import refuse_in_production
from demo.history import history_load
from demo.mapping_demo import demo_mapping
from demo.preparation import preparation_load
from demo.registrations import registrations_demo_load
from demo.steering import steering_load
from mapping.services import (
    closing_document_save,
    intervention_create,
    intervention_move,
    meeting_create,
    plan_save,
)
from samverkan.dates import add_months
from samverkan.services import AccessContext

# The demo data is written by the product itself, as a job the access log names.
DEMO = AccessContext.system("demodata")

EDUCATION = list(EducationLevel.values)

AREAS = [
    ("sdt", "Södertörn", "AMO Södertörn", "LFC Huddinge"),
    ("gno", "Göteborg Nordost", "AMO Göteborg", "LFC Göteborg"),
    ("ume", "Umeå", "AMO Västerbotten", "LFC Umeå"),
]
# username prefix, role code, first name, last name, in team
AREA_STAFF = [
    ("fk", "fk_officer", "Frida", "Karlsson", True),
    ("af", "af_officer", "Anders", "Forsberg", True),
    ("samordnare", "coordinator", "Sara", "Ström", False),
    ("ledning", "management", "Lars", "Ekman", False),
]
PEOPLE_PER_AREA = 10
CASES_PER_AREA = 7


class Command(BaseCommand):
    help = "Skapar demodata (syntetiska personer). Kan köras flera gånger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Ge alla demoanvändare ett nytt lösenord och skriv ut det.",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Hoppa över historiken (tre års ärenden, arbetsplaner, månadsuppföljning).",
        )

    def handle(self, *args, **options):
        refuse_in_production()
        self._load(options)
        # part of the history is written around the services: the worklist's summaries anew
        worklist_state.refresh_all()

    @transaction.atomic
    def _load(self, options):
        # Reference data normally comes with the migrations; a flushed test database lacks it.
        ensure_accounts_reference(apps.get_model)
        ensure_cases_reference(apps.get_model)
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        fake = Faker("sv_SE")
        Faker.seed(2010)
        agencies = {a.code: a for a in Agency.objects.all()}
        roles = {r.code: r for r in Role.objects.all()}
        user_model = get_user_model()
        created_users = []
        demo_areas = []

        def user(username, first, last, role_code, areas=(), teams=(), agency=None, **flags):
            account, created = user_model.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, **flags}
            )
            if created or options["reset_passwords"]:
                account.set_password(password)
                account.save(update_fields=["password"])
                created_users.append(username)
            profile, _ = StaffProfile.objects.get_or_create(
                user=account,
                defaults={"role": roles[role_code], "agency": agency or roles[role_code].agency},
            )
            profile.areas.add(*areas)
            profile.teams.add(*teams)
            return account

        for code, name, amo, lfc in AREAS:
            area, _ = Area.objects.get_or_create(code=code, defaults={"name": name})
            demo_areas.append(area)
            offices = {
                "AF": OfficeUnit.objects.get_or_create(
                    code=f"{code}-amo", defaults={"area": area, "kind": "AMO", "name": amo}
                )[0],
                "FK": OfficeUnit.objects.get_or_create(
                    code=f"{code}-lfc", defaults={"area": area, "kind": "LFC", "name": lfc}
                )[0],
            }
            team, _ = Team.objects.get_or_create(area=area, name="Team 1")
            PreparationGroup.objects.get_or_create(area=area, name=f"Beredningsgrupp {name}")
            staff = {}
            for prefix, role_code, first, last, in_team in AREA_STAFF:
                agency = roles[role_code].agency or agencies["FK" if prefix == "ledning" else "AF"]
                staff[prefix] = user(
                    f"{prefix}.{code}",
                    first,
                    last,
                    role_code,
                    areas=[area],
                    teams=[team] if in_team else [],
                    agency=agency,
                )
            for agency_code, office in offices.items():
                # Each staff member works at their agency's office of the area (SPEC §2); the
                # officers' cases and mappings take it (accounts.offices).
                StaffProfile.objects.filter(
                    user__in=list(staff.values()), agency__code=agency_code, office_unit=None
                ).update(office_unit=office)
            self._people(fake, area, staff["fk"], staff["af"])
            if not options["without_history"]:
                # With the history: the browser tests load the demo without it, many times.
                preparation_load(
                    area=area,
                    fk_officer=staff["fk"],
                    af_officer=staff["af"],
                    coordinator=staff["samordnare"],
                    today=dt.date.today(),
                )

        funds_demo_load(areas=demo_areas, today=dt.date.today())
        user("analytiker", "Nora", "Lind", "analyst", agency=agencies["FK"])
        user("admin", "Ada", "Admin", "sysadmin", is_staff=True, is_superuser=True)
        if not options["without_history"]:
            history_load(areas=demo_areas, stdout=self.stdout)
        # After every case exists: most of those due are registered in SUS and AIS.
        registrations_demo_load(areas=demo_areas, today=dt.date.today())
        # The regions, their managers and the national group (issue 20), after the history's
        # work plans: those are approved in their year, next year's of two areas submitted.
        steering_load(user)

        self.stdout.write(self.style.SUCCESS("Demodata klar."))
        if created_users:
            self.stdout.write(
                "Demoanvändare: "
                + ", ".join(sorted(created_users))
                + f"\nLösenord för alla demoanvändare (visas bara nu): {password}"
            )
        else:
            self.stdout.write(
                "Demodata fanns redan; lösenorden är oförändrade "
                "(nytt lösenord: python manage.py load_demo --reset-passwords)."
            )

    def _people(self, fake, area, fk_officer, af_officer):
        today = dt.date.today()
        codes = {c.code: c for c in StatusCode.objects.all()}
        target_groups = list(TargetGroup.values)
        benefits = [
            "sjukpenning",
            "rehabiliteringspenning",
            "sjukersattning",
            "aktivitetsersattning",
            "tidsbegransad_sjukersattning",
        ]
        for i in range(PEOPLE_PER_AREA):
            identity = parse_identity_number(
                fake.ssn(min_age=20, max_age=63, long=True, dash=False)
            )
            first = fake.first_name_female() if identity.sex == "K" else fake.first_name_male()
            last = fake.last_name()
            person = Person.objects.filter(personnummer=identity.number).first()
            start = today - dt.timedelta(days=20 + 37 * i)
            if person is None:
                person = person_create(
                    personnummer=identity.number,
                    first_name=first,
                    last_name=last,
                    area=area,
                    born_abroad=i % 3 == 0,
                    education_level=EDUCATION[i % len(EDUCATION)],
                    disability=i % 4 == 0,
                    city=area.name,
                    context=DEMO,
                )
                # Most people consent to sharing and follow-up; every fifth has not (yet).
                # FK's officer records the written consent and AF's confirms it (a consent
                # covering sharing opens nothing until both agencies have it, SPEC §7).
                if i % 5 != 4:
                    consent = consent_record(
                        person=person,
                        given_on=start - dt.timedelta(days=12),
                        basis=Consent.Basis.WRITTEN,
                        backdating_reason="Demodata: samtycket registreras i efterhand.",
                        covers_sharing=True,
                        covers_follow_up=True,
                        context=AccessContext.for_user(fk_officer, purpose="demodata"),
                    )
                    consent_confirm(
                        consent=consent,
                        context=AccessContext.for_user(af_officer, purpose="demodata"),
                    )
            # The last people have no case: opening them needs a stated reason. Two of them are
            # in a joint mapping with no officer named yet: one waits for its first meeting, the
            # other has had it and its decision waits for both agencies' confirmation.
            if i >= CASES_PER_AREA:
                if i >= PEOPLE_PER_AREA - 2 and not person.mappings.exists():
                    demo_mapping(person, today, decided=i == PEOPLE_PER_AREA - 1, context=DEMO)
                continue
            if Case.objects.filter(person=person).exists():
                continue
            case = case_open(
                person=person,
                fk_officer=fk_officer,
                af_officer=af_officer,
                target_group=target_groups[i % len(target_groups)],
                benefit=benefits[i % len(benefits)],
                benefit_end_date=add_months(start, 5 + 2 * i),
                sick_leave_start=start - dt.timedelta(days=150 + 30 * i),
                referral_date=start - dt.timedelta(days=10 if i % 3 else 16),
                start_date=start,
                phase=Case.Phase.NEEDS_ANALYSIS,
                context=DEMO,
            )
            status_entry_save(
                person=person,
                on=start,
                code=codes["openly_unemployed"],
                context=DEMO,
            )
            if i % 2 == 1:
                meeting_create(
                    person=person,
                    case=case,
                    kind="follow_up",
                    on=start + dt.timedelta(days=14),
                    participants=["person", "FK", "AF"],
                    context=DEMO,
                )
            if i in (1, 2, 3, 6):
                plan_save(
                    case=case,
                    goal="Arbete inom handel på deltid.",
                    activities="Arbetsprövning, vägledning, hälsofrämjande insatser.",
                    start_date=start,
                    end_date=start + dt.timedelta(days=300),
                    context=DEMO,
                )
                case_transition(
                    case=case,
                    to_phase=Case.Phase.INTRODUCTION_TRIAL,
                    on=start + dt.timedelta(days=15),
                    context=DEMO,
                )
            if i in (1, 2, 3, 6):
                # Work-preparatory support from the day introduction and trial began.
                prep = intervention_create(
                    case=case,
                    kind=["wellness", "computer_training", "ergonomics", "psychological_support"][
                        i % 4
                    ],
                    provider="AF",
                    hours_per_week=4 + i,
                    goal="Orka en regelbunden vardag med aktivitet några timmar per dag.",
                    start_date=start + dt.timedelta(days=15),
                    context=DEMO,
                )
            if i == 3:
                # Konsultativt stöd: the employer adapts the work; the follow-up is due soon.
                meeting_create(
                    person=person,
                    case=case,
                    kind="employer_consultation",
                    on=today - dt.timedelta(days=25),
                    participants=["person", "AF", "employer"],
                    consultation={
                        "employer_name": "Handelsbolaget i " + area.name,
                        "consultation_goal": "keep_employment",
                        "employer_measures": ["adaptation", "working_hours"],
                        "follow_up_on": today + dt.timedelta(days=3),
                    },
                    context=AccessContext.for_user(af_officer, purpose="demodata"),
                )
            if i == 3:
                # Waiting: a work trial is planned but has not started.
                intervention_create(
                    case=case,
                    kind="work_trial",
                    provider="employer",
                    hours_per_week=10,
                    goal="Pröva arbete i butik.",
                    planned_start=today + dt.timedelta(days=14),
                    context=DEMO,
                )
            if i in (2, 6):
                # The move to work-oriented support also moves the case to that phase.
                intervention_move(
                    intervention=prep,
                    expected_version=None,
                    on=start + dt.timedelta(days=60),
                    outcome="goal_reached",
                    kind="work_trial",
                    provider="employer",
                    hours_per_week=20,
                    goal="Arbetsprövning på halvtid i handeln.",
                    context=DEMO,
                )
            if i == 6:
                end = start + dt.timedelta(days=200)
                case_transition(
                    case=case,
                    to_phase=Case.Phase.CLOSED,
                    on=end,
                    exit_reason="completed",
                    context=DEMO,
                )
                status_entry_save(
                    person=person,
                    on=end,
                    code=codes["work_unsubsidised"],
                    context=DEMO,
                )
                # AF's officer has written the closing documentation and sent it to FK, whose
                # officer finds it on their to-do list to confirm.
                closing_document_save(
                    case=case,
                    expected_version=None,
                    data={
                        "done": "Friskvård, därefter arbetsprövning på halvtid i handeln.",
                        "result": "Anställd utan stöd i handeln från avslutet.",
                        "situation_at_end": "Arbetar heltid; ingen ersättning från FK.",
                        "recommendations": "Inget fortsatt stöd behövs; kontakt vid behov.",
                    },
                    submit=True,
                    context=AccessContext.for_user(af_officer, purpose="demodata"),
                )
