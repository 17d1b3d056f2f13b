import factory
from django.contrib.auth import get_user_model

from accounts.models import Agency, Area, Role, StaffProfile, Team

PASSWORD = "Ett-långt-testlösenord-2026"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area{n}")
    name = factory.Sequence(lambda n: f"Område {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the object)
        if create:
            obj.save()


def staff(role_code: str, *, areas=(), teams=(), regions=(), username=None, **user_fields):
    """A user with a staff profile of the given role in the given areas."""
    role = Role.objects.get(code=role_code)
    user = UserFactory(**({"username": username} if username else {}), **user_fields)
    agency = role.agency or Agency.objects.get(code="FK")
    profile = StaffProfile.objects.create(user=user, role=role, agency=agency)
    profile.areas.set(areas)
    profile.teams.set(teams)
    profile.regions.set(regions)
    return user
