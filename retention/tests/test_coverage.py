"""Every table that belongs to a person is in the purge: a model added later that points at a
person, a case or a joint mapping fails here until it is listed in retention.purge."""

from django.apps import apps
from django.db import models

from retention.purge import PERSON_BOUND, cleared_values, is_free_text

OWNERS = {"cases.Person", "cases.Case", "mapping.JointMapping"}
LISTED = {label for label, _ in PERSON_BOUND}


def _label(model) -> str:
    return model._meta.label


def test_every_model_pointing_at_a_person_a_case_or_a_mapping_is_purged():
    missing = []
    for model in apps.get_models():
        if model.__module__.startswith("simple_history") or model.__name__.startswith("Historical"):
            continue  # the history of a listed model goes with it (purge.steps)
        if not model._meta.managed:
            continue  # a database view (national.RegistrationPoint): its rows go with its tables
        for model_field in model._meta.concrete_fields:
            if (
                isinstance(model_field, models.ForeignKey)
                and _label(model_field.related_model) in OWNERS
                and _label(model) not in LISTED
            ):
                missing.append(f"{_label(model)}.{model_field.name}")
    assert missing == []


def test_the_check_sees_a_model_that_is_not_listed(monkeypatch):
    monkeypatch.setattr(
        "retention.tests.test_coverage.LISTED", LISTED - {"reporting.QualityReviewItem"}
    )
    try:
        test_every_model_pointing_at_a_person_a_case_or_a_mapping_is_purged()
    except AssertionError as error:
        assert "reporting.QualityReviewItem.case" in str(error)
    else:
        raise AssertionError("the check did not see the unlisted model")


def test_every_free_text_field_of_a_listed_model_is_cleared():
    for label, _key in PERSON_BOUND:
        model = apps.get_model(label)
        cleared = cleared_values(model)
        for model_field in model._meta.concrete_fields:
            if is_free_text(model_field):
                assert model_field.name in cleared, f"{label}.{model_field.name}"


def test_free_text_is_told_from_codes():
    person = apps.get_model("cases.Person")
    consent = apps.get_model("cases.Consent")
    assert is_free_text(person._meta.get_field("first_name"))
    assert is_free_text(consent._meta.get_field("legal_basis"))
    assert is_free_text(apps.get_model("mapping.Meeting")._meta.get_field("participants"))
    assert not is_free_text(person._meta.get_field("sex"))
    assert not is_free_text(consent._meta.get_field("given_on"))
