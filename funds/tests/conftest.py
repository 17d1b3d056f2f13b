"""The funds tests' people: the area's coordinator of each agency (the root conftest's
coordinator is FK's), and the default categories the migration installs (put back after a
transactional test's flush)."""

from pathlib import Path

import pytest
from django.apps import apps

from accounts.models import Agency
from accounts.tests.factories import staff
from funds.reference_data import ensure_default_categories
from imports.services import import_file
from samverkan.services import AccessContext

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _categories(db):
    ensure_default_categories(apps.get_model)


@pytest.fixture
def af_coordinator(area):
    user = staff("coordinator", areas=[area], username="samordnare.af.sdt")
    user.staff_profile.agency = Agency.objects.get(code="AF")
    user.staff_profile.save(update_fields=["agency"])
    return user


def load(user, name: str, *, today=None, data: bytes | None = None):
    """Import a consumption file as `user` (the page's and the API's one way in)."""
    return import_file(
        kind="consumption",
        context=AccessContext.for_user(user, purpose="test"),
        data=data if data is not None else (DATA / name).read_bytes(),
        filename=name,
        today=today,
    )
