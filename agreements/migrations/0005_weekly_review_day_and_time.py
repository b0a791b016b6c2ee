"""Adds the weekly review's day and time to a version, signed like the rest.

The fields are nullable so that SQLite adds them with ALTER TABLE (a rebuilt
table would lose its triggers). The version's immutability trigger is then
replaced by one that also refuses changing these two on a signed version.
"""

from django.db import migrations, models

VERSION = "agreements_agreementversion"
BEFORE = [
    "id",
    "dynamic_id",
    "number",
    "created_at",
    "review_on",
    "absence_days",
    "titles_and_protocols",
    "leader_signed_at",
    "follower_signed_at",
    "in_force_from",
]
AFTER = [*BEFORE, "weekly_review_day", "weekly_review_at"]
CLEARABLE = ["based_on_id", "proposed_by_id", "leader_signer_id", "follower_signer_id"]


def _unchanged(fixed: list[str], same: str) -> str:
    parts = [f"NEW.{c} {same} OLD.{c}" for c in fixed]
    parts += [f"(NEW.{c} IS NULL OR NEW.{c} {same} OLD.{c})" for c in CLEARABLE]
    return " AND ".join(parts)


def _sqlite(fixed: list[str]) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {VERSION}_signed_immutable",
        f"""
CREATE TRIGGER {VERSION}_signed_immutable
BEFORE UPDATE ON {VERSION}
WHEN OLD.in_force_from IS NOT NULL AND NOT ({_unchanged(fixed, "IS")})
BEGIN
    SELECT RAISE(ABORT, 'a signed agreement cannot change');
END""",
    ]


def _postgres(fixed: list[str]) -> list[str]:
    # The trigger calls the function by name: replacing the body is enough.
    return [
        f"""
CREATE OR REPLACE FUNCTION {VERSION}_signed_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.in_force_from IS NULL OR ({_unchanged(fixed, "IS NOT DISTINCT FROM")}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a signed agreement cannot change';
END;
$$ LANGUAGE plpgsql"""
    ]


def _run(schema_editor, fixed: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor)
    for statement in statements(fixed) if statements else []:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, AFTER)


def uninstall(apps, schema_editor):
    _run(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_exploration_catalogue")]

    operations = [
        migrations.AddField(
            model_name="agreementversion",
            name="weekly_review_at",
            field=models.TimeField(
                blank=True, null=True, verbose_name="weekly review time"
            ),
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="weekly_review_day",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[
                    (0, "Monday"),
                    (1, "Tuesday"),
                    (2, "Wednesday"),
                    (3, "Thursday"),
                    (4, "Friday"),
                    (5, "Saturday"),
                    (6, "Sunday"),
                ],
                null=True,
                verbose_name="weekly review day",
            ),
        ),
        # Reversing runs the trigger back first, then drops the columns.
        migrations.RunPython(install, uninstall),
    ]
