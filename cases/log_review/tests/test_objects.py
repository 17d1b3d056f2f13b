"""cases.log_review.objects: every object type the code writes to the access log has a Swedish
name in the log review (issue 14 point 4), so no internal code reaches the page."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from audit.models import AccessLog
from cases.log_review.objects import KINDS, model_of, objects_shown

ROOT = Path(__file__).resolve().parents[3]
SKIP = {".venv", "node_modules", "migrations", "tests"}

# `object_type="x"` in a call, `object_type = "x"` on a class (the API views, the imports).
WRITTEN = re.compile(r"""object_type\s*=\s*["']([a-z_]+)["']""")


def _written_object_types() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        found |= set(WRITTEN.findall(path.read_text(encoding="utf-8")))
    return found


def _logged_models() -> set[str]:
    """Models the log names by their model_name: those that say whose data they are."""
    return {m._meta.model_name for m in apps.get_models() if hasattr(m, "audit_subject")}


def test_the_code_is_read_for_the_types_it_writes():
    # a guard on the reading below: the types every area of the code writes are found
    assert {"person", "case", "export", "jointmapping", "gallring"} <= _written_object_types()


def test_every_object_type_written_has_a_swedish_name():
    missing = (_written_object_types() | _logged_models()) - set(KINDS)
    assert missing == set()


@pytest.mark.parametrize("object_type", sorted(KINDS))
def test_every_kind_names_a_real_model_and_page(object_type, coordinator):
    kind = KINDS[object_type]
    assert kind.label or kind.model
    if kind.model:
        assert model_of(object_type)._meta.model_name == object_type
    if kind.url_name:
        assert reverse(kind.url_name, args=[1])
        assert hasattr(model_of(object_type).objects, "visible_to")
    entry = AccessLog(object_type=object_type, object_id="1")
    label = objects_shown([entry], user=coordinator)[(object_type, "1")].label
    # a name, not a code (some Swedish names are spelt as the code: "person", "export")
    assert label[0].isupper() and "_" not in label


def test_an_entry_with_no_object_or_an_unknown_type_shows_no_code(coordinator):
    entries = [
        AccessLog(object_type="", object_id=""),
        AccessLog(object_type="somethingnew", object_id="7"),
        AccessLog(object_type="casesareamove", object_id="7"),
        AccessLog(object_type="flagdismissal", object_id="7"),
        AccessLog(object_type="statusentry", object_id="7"),
    ]
    shown = objects_shown(entries, user=coordinator)
    assert [shown[(e.object_type, e.object_id)].label for e in entries] == [
        "–",
        "Annat objekt",
        "Annat objekt",
        "Förslag markerat inte aktuellt",
        "Statuspost",
    ]
