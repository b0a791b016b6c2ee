"""Adds how long proof photos are kept (days) to each agreement version.

The new column is part of what a signature fixes, so the triggers of 0002 are
dropped and made again with it among the fixed columns (after 0005, whose
weekly review columns are fixed too). Dropping them first
also matters on SQLite, where adding a column rebuilds the table (and would
lose the triggers on it).
"""

from django.db import migrations, models

VERSION = "agreements_agreementversion"
CONTENTS = [
    "agreements_domain",
    "agreements_rule",
    "agreements_limit",
    "agreements_consequence",
]
FIXED_BEFORE = [
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
    "weekly_review_day",
    "weekly_review_at",
]
FIXED_AFTER = [*FIXED_BEFORE, "proof_retention_days"]
CLEARABLE = ["based_on_id", "proposed_by_id", "leader_signer_id", "follower_signer_id"]


def _unchanged(fixed: list[str], same: str) -> str:
    parts = [f"NEW.{c} {same} OLD.{c}" for c in fixed]
    parts += [f"(NEW.{c} IS NULL OR NEW.{c} {same} OLD.{c})" for c in CLEARABLE]
    return " AND ".join(parts)


def _signed(ref: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM {VERSION} v WHERE v.id = {ref}.version_id "
        "AND v.in_force_from IS NOT NULL)"
    )


def sqlite_up(fixed: list[str]) -> list[str]:
    statements = [
        f"""
CREATE TRIGGER {VERSION}_signed_immutable
BEFORE UPDATE ON {VERSION}
WHEN OLD.in_force_from IS NOT NULL AND NOT ({_unchanged(fixed, "IS")})
BEGIN
    SELECT RAISE(ABORT, 'a signed agreement cannot change');
END"""
    ]
    for table in CONTENTS:
        statements += [
            f"""
CREATE TRIGGER {table}_signed_no_insert
BEFORE INSERT ON {table}
WHEN {_signed("NEW")}
BEGIN
    SELECT RAISE(ABORT, 'a signed agreement cannot change');
END""",
            f"""
CREATE TRIGGER {table}_signed_no_update
BEFORE UPDATE ON {table}
WHEN {_signed("OLD")} OR {_signed("NEW")}
BEGIN
    SELECT RAISE(ABORT, 'a signed agreement cannot change');
END""",
        ]
    return statements


def sqlite_down() -> list[str]:
    names = [f"{VERSION}_signed_immutable"]
    for table in CONTENTS:
        names += [f"{table}_signed_no_insert", f"{table}_signed_no_update"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def postgres_up(fixed: list[str]) -> list[str]:
    # Only the version's function names its columns; the contents' triggers
    # stay as 0002 made them.
    return [
        f"""
CREATE OR REPLACE FUNCTION {VERSION}_signed_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.in_force_from IS NULL OR ({_unchanged(fixed, "IS NOT DISTINCT FROM")})
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a signed agreement cannot change';
END;
$$ LANGUAGE plpgsql"""
    ]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    _run(schema_editor, {"sqlite": sqlite_down()})


def install_after(apps, schema_editor):
    _run(
        schema_editor,
        {"sqlite": sqlite_up(FIXED_AFTER), "postgresql": postgres_up(FIXED_AFTER)},
    )


def install_before(apps, schema_editor):
    _run(
        schema_editor,
        {"sqlite": sqlite_up(FIXED_BEFORE), "postgresql": postgres_up(FIXED_BEFORE)},
    )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_weekly_review_day_and_time")]

    operations = [
        # Backwards: the triggers as 0005 left them come back after the column goes.
        migrations.RunPython(drop, install_before),
        migrations.AddField(
            model_name="agreementversion",
            name="proof_retention_days",
            field=models.PositiveSmallIntegerField(
                default=30, verbose_name="proof photos are deleted after (days)"
            ),
        ),
        migrations.AddConstraint(
            model_name="agreementversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("proof_retention_days__gte", 1), ("proof_retention_days__lte", 365)
                ),
                name="agreement_proof_retention_1_to_365",
            ),
        ),
        migrations.RunPython(install_after, drop),
    ]
