from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_token")]

    operations = [
        migrations.AddField(
            model_name="role",
            name="exports_pseudonymised",
            field=models.BooleanField(
                default=False,
                help_text="Exportjobb och analytiker: alla ärenden i de egna områdena (hela "
                "landet med nationell statistik), utan namn och med personnumret ersatt av en "
                "nyckel som är ny för varje export.",
                verbose_name="exporterar deltagaruppgifter pseudonymiserat",
            ),
        ),
    ]
