"""The valid changes of consents, page and API, for access_change_payloads.PAYLOADS:
builder(person, case) -> (the object the address names or None, the data sent, a check that the
record changed). Data as cases/tests/test_consent_rules.py sends it."""

from django.utils import timezone


def _today():
    return timezone.localdate()


def _consent(person, user, **fields):
    from cases.services import consent_record
    from samverkan.services import AccessContext

    fields = {"basis": "oral", "covers_sharing": True, "covers_follow_up": False, **fields}
    return consent_record(
        person=person, given_on=_today(), context=AccessContext.for_user(user), **fields
    )


def _confirm(on_page):
    """AF records an oral consent to share; FK, the other agency, confirms it."""

    def build(person, case):
        consent = _consent(person, case.af_officer)

        def changed():
            consent.refresh_from_db()
            return not consent.awaits_fk

        return (person if on_page else consent), {"consent": consent.pk}, changed

    return build


def _api_withdraw(person, case):
    consent = _consent(person, case.fk_officer, basis="written")

    def changed():
        consent.refresh_from_db()
        return consent.withdrawn_on == _today()

    return consent, {"withdrawn_on": _today().isoformat()}, changed


def _api_create(person, case):
    from cases.models import Consent

    data = {
        "person": person.pk,
        "given_on": _today().isoformat(),
        "basis": "written",
        "covers_sharing": True,
    }
    return None, data, lambda: Consent.objects.filter(person=person).exists()


CONSENTS = {
    "cases:consent_confirm": _confirm(on_page=True),
    "api:consent-confirm": _confirm(on_page=False),
    "api:consent-withdraw": _api_withdraw,
    "api:consent-list": _api_create,
}
