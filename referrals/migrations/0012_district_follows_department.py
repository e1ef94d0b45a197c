"""On PostgreSQL the database keeps each concern's district its department's: a
composite foreign key (department_id, district_id) with ON UPDATE CASCADE. Moving a
department moves its concerns in the same statement, whatever path moved it (admin,
import, a bulk update, SQL); a concern filed with a stale district is refused (the
filing service then files it with the department as it is now).

SQLite (the demo) cannot add constraints to a table; there referrals/receivers.py
keeps the district in step.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE housing_department ADD CONSTRAINT housing_department_id_district_uniq UNIQUE (id, district_id)",
    "ALTER TABLE referrals_referral ADD CONSTRAINT referral_department_district_fk"
    " FOREIGN KEY (department_id, district_id) REFERENCES housing_department (id, district_id)"
    " ON UPDATE CASCADE",
]
BACKWARD = [
    "ALTER TABLE referrals_referral DROP CONSTRAINT IF EXISTS referral_department_district_fk",
    "ALTER TABLE housing_department DROP CONSTRAINT IF EXISTS housing_department_id_district_uniq",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0009_requeue_lost_jobs"),
        ("referrals", "0011_queue_by_district"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
