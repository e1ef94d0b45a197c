"""The outbox now lives in the notifications app (same table). Rows still waiting to be
sent get the render context that the outbox now stores when a notification is queued."""

import json

from django.db import migrations

# Link paths as the URLs stood when this migration was written.
REFERRAL_SQL = """
    SELECT r.reference, d.name, r.is_acute FROM referrals_referral r
    JOIN housing_department d ON d.id = r.department_id WHERE r.id = %s
"""
CASE_SQL = "SELECT reference FROM cases_case WHERE id = %s"
PLACEMENT_SQL = """
    SELECT c.reference, d.name, p.move_in_on FROM housing_placement p
    JOIN cases_case c ON c.id = p.case_id
    LEFT JOIN housing_vacancyoffer o ON o.id = p.offer_id
    LEFT JOIN housing_dwelling w ON w.id = o.dwelling_id
    LEFT JOIN housing_department d ON d.id = w.department_id
    WHERE p.id = %s
"""


def _render_context(cursor, ids: dict) -> dict | None:
    if "referral_id" in ids:
        cursor.execute(REFERRAL_SQL, [ids["referral_id"]])
        row = cursor.fetchone()
        return row and {
            "reference": row[0],
            "department": row[1],
            "is_acute": bool(row[2]),
            "link_path": f"/referrals/{row[0]}/",
        }
    if "placement_id" in ids:
        cursor.execute(PLACEMENT_SQL, [ids["placement_id"]])
        row = cursor.fetchone()
        move_in_on = row and row[2]
        return row and {
            "reference": row[0],
            "department": row[1] or "",
            "move_in_on": move_in_on if isinstance(move_in_on, str) or move_in_on is None else move_in_on.isoformat(),
            "link_path": "/",
        }
    if "case_id" in ids:
        cursor.execute(CASE_SQL, [ids["case_id"]])
        row = cursor.fetchone()
        return row and {"reference": row[0], "link_path": f"/cases/{row[0]}/"}
    return None


def store_render_context(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    with schema_editor.connection.cursor() as cursor:
        for notification in Notification.objects.filter(state="pending"):
            ids = notification.context if isinstance(notification.context, dict) else json.loads(notification.context)
            if "link_path" in ids:
                continue
            context = _render_context(cursor, ids)
            if context is None:  # the concern or case is gone: nothing left to tell
                notification.state, notification.last_error = "failed", "ObjectGone"
                notification.save(update_fields=["state", "last_error"])
                continue
            if notification.template.startswith("stay_day_"):  # one template for day 60 and 80 now
                context.update(days=int(notification.template.removeprefix("stay_day_")), goal_days=90)
                notification.template = "stay_warning"
            notification.context = context
            notification.save(update_fields=["context", "template"])


def _move_content_type(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="notification").exists():
        ContentType.objects.filter(app_label=old, model="notification").update(app_label=new)


def move_content_type(apps, schema_editor):
    _move_content_type(apps, "referrals", "notifications")


def move_content_type_back(apps, schema_editor):
    _move_content_type(apps, "notifications", "referrals")


def _ids_again(cursor, notification) -> dict | None:
    """The ids the old outbox stored, for a row written by the new one."""
    context, path = notification.context, notification.context.get("link_path", "")
    if path.startswith("/referrals/"):
        cursor.execute("SELECT id FROM referrals_referral WHERE reference = %s", [context["reference"]])
        row = cursor.fetchone()
        return row and {"referral_id": row[0]}
    if notification.template == "move_in_coming":
        cursor.execute(
            "SELECT p.id FROM housing_placement p JOIN cases_case c ON c.id = p.case_id"
            " WHERE c.reference = %s AND p.status <> 'declined' ORDER BY p.id DESC",
            [context["reference"]],
        )
        row = cursor.fetchone()
        return row and {"placement_id": row[0]}
    cursor.execute("SELECT id FROM cases_case WHERE reference = %s", [context.get("reference")])
    row = cursor.fetchone()
    return row and {"case_id": row[0]}


def store_ids_again(apps, schema_editor):
    """Going back: rows still waiting get the ids the old code renders from."""
    Notification = apps.get_model("notifications", "Notification")
    with schema_editor.connection.cursor() as cursor:
        for notification in Notification.objects.filter(state="pending"):
            if "link_path" not in notification.context:
                continue
            ids = _ids_again(cursor, notification)
            if ids is None:
                notification.state, notification.last_error = "failed", "ObjectGone"
                notification.save(update_fields=["state", "last_error"])
                continue
            if notification.template == "stay_warning":
                notification.template = f"stay_day_{notification.context.get('days', 60)}"
            notification.context = ids
            notification.save(update_fields=["context", "template"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_consent_token"),
        ("notifications", "0001_initial"),
        ("cases", "0004_consent_withdrawn_by"),
        ("housing", "0004_submission_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.RunPython(store_render_context, store_ids_again),
    ]
