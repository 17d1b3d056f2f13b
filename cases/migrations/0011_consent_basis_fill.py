"""Data: the basis and the confirmation state of consents recorded before they were asked for.

- basis: a row that names a law (legal_basis) is a legal basis; every other row stays "not
  stated" (Consent.Basis.NOT_STATED): whether the person consented in writing or orally was
  never recorded, and is not guessed now.
- confirmation: a consent covering sharing that one agency's staff recorded alone now waits for
  the other agency's confirmation, as a new one does (ConsentQuerySet.covering_sharing). Rows
  whose recorder had no agency wait for both; rows with no recorder (a scheduled job wrote them)
  are left as they were. Until confirmed, such a consent no longer opens the other agency's
  details: that is the point of the rule, and the person page offers the confirmation."""

from django.db import migrations


def fill(apps, schema_editor):
    Consent = apps.get_model("cases", "Consent")
    Consent.objects.exclude(legal_basis="").update(basis="legal")
    sharing = Consent.objects.filter(covers_sharing=True, recorded_by__isnull=False)
    by_fk = sharing.filter(recorded_by__staff_profile__agency__code="FK")
    by_af = sharing.filter(recorded_by__staff_profile__agency__code="AF")
    by_neither = sharing.exclude(pk__in=by_fk.values("pk")).exclude(pk__in=by_af.values("pk"))
    by_neither.update(awaits_fk=True, awaits_af=True)
    by_fk.update(awaits_af=True)
    by_af.update(awaits_fk=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_consent_basis_backdating_confirmation")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
