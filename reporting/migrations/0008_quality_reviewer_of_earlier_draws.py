"""Data: the drawn cases of earlier reviews were reviewed by whoever drew them (the coordinator);
they are now their reviewer by name, as a new draw records it."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    QualityReviewItem = apps.get_model("reporting", "QualityReviewItem")
    QualityReview = apps.get_model("reporting", "QualityReview")
    drawn_by = QualityReview.objects.filter(pk=OuterRef("review_id")).values("drawn_by_id")[:1]
    QualityReviewItem.objects.filter(reviewer__isnull=True).update(reviewer_id=Subquery(drawn_by))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0007_quality_reviewer_and_feedback")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
