"""cases.log_review.purposes.purpose_shown: the code's names in a logged purpose shown as the
interface names them (issue 14 point 4); everything else left as written."""

import pytest

from cases.log_review.purposes import purpose_shown


@pytest.mark.parametrize(
    ("purpose", "object_type", "shown"),
    [
        (
            "ändrade: closing_doc_date, fk_notes",
            "case",
            "Ändrade: Slutdokumentation upprättad, FK:s anteckningar",
        ),
        ("ändrade: first_name", "person", "Ändrade: Förnamn"),
        (
            "fas: needs_analysis → introduction_trial",
            "case",
            "Fas: Behovsanalys → Introduktion och prövning",
        ),
        (
            "fas: referred → needs_analysis (skäl: x)",
            "case",
            "Fas: Anmäld till beredningsgrupp → Behovsanalys (skäl: x)",
        ),
        ("situation end", "situation", "Situation: Vid avslut"),
        # a field since renamed is left as written rather than guessed
        ("ändrade: no_such_field, fk_notes", "case", "Ändrade: no_such_field, FK:s anteckningar"),
        # a service's Swedish sentence, a stated reason: as written
        ("eget ärendebestånd", "person", "eget ärendebestånd"),
        ("skäl: ändrade: fk_notes", "case", "skäl: ändrade: fk_notes"),
        ("ärende öppnat (skäl: uppföljning)", "case", "ärende öppnat (skäl: uppföljning)"),
        ("", "", ""),
    ],
)
def test_purposes_are_shown_without_the_codes_names(purpose, object_type, shown):
    assert purpose_shown(purpose, object_type=object_type) == shown


def test_the_fields_of_the_other_apps_records_are_named_too(db):
    assert purpose_shown("ändrade: start_date", object_type="intervention").startswith("Ändrade: ")
    assert "start_date" not in purpose_shown("ändrade: start_date", object_type="intervention")
    assert "_" not in purpose_shown(
        "ändrade: change_requested_at, decision", object_type="jointmapping"
    )


def test_a_meetings_kind_is_named(db):
    from mapping.models import Meeting

    shown = purpose_shown(f"möte {Meeting.Kind.HAND_OVER.value}", object_type="meeting")

    assert shown == f"Möte: {Meeting.Kind.HAND_OVER.label}"


def test_an_interventions_kind_and_a_status_code_are_named(db):
    from cases.models import StatusCode
    from mapping.models import Kind

    kind = Kind.WORK_TRIAL
    assert purpose_shown(f"insats {kind.value}", object_type="intervention") == (
        f"Insats: {kind.label}"
    )
    code = StatusCode.objects.order_by("code").first()
    assert code is not None, "statuskoderna kommer med migreringarna"
    assert purpose_shown(f"status {code.code}", object_type="statusentry") == f"Status: {code.name}"
    # an unknown code is left as written rather than guessed
    assert purpose_shown("status no_such_code", object_type="statusentry") == (
        "status no_such_code"
    )


def test_the_purposes_of_opening_a_person_follow_the_interface_language(db):
    from django.utils import translation

    with translation.override("en"):
        assert purpose_shown("eget ärendebestånd", object_type="person") == "own caseload"
        assert purpose_shown("skäl: uppföljning av beslut", object_type="case") == (
            "reason: uppföljning av beslut"
        )
        assert purpose_shown("fas: referred → needs_analysis (skäl: x)", object_type="case") == (
            "Phase: Referred to preparation group → Needs analysis (reason: x)"
        )
