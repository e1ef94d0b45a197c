"""'Role' is the access role only: an advisor has a function, a contact person a capacity."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_caseworker_role_label")]

    operations = [
        migrations.RenameField(model_name="advisor", old_name="role", new_name="function"),
        migrations.RenameField(model_name="appointment", old_name="role", new_name="capacity"),
    ]
