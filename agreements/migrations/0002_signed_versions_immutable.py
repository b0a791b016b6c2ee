"""Makes signed agreement versions and their contents immutable in the database.

A version both partners signed refuses every update, except clearing a link
to a person (an account deleted, or an earlier version erased with its
dynamic). Its domains, rules, limits and consequences refuse inserts and
updates. Deleting rows stays possible only together with the dynamic; the
models refuse any other deletion.
"""

from django.db import migrations

VERSION = "agreements_agreementversion"
CONTENTS = [
    "agreements_domain",
    "agreements_rule",
    "agreements_limit",
    "agreements_consequence",
]
FIXED = [
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
CLEARABLE = ["based_on_id", "proposed_by_id", "leader_signer_id", "follower_signer_id"]


def _unchanged(same: str) -> str:
    """Returns a condition: only person links were cleared, nothing else changed."""
    parts = [f"NEW.{c} {same} OLD.{c}" for c in FIXED]
    parts += [f"(NEW.{c} IS NULL OR NEW.{c} {same} OLD.{c})" for c in CLEARABLE]
    return " AND ".join(parts)


def _signed(ref: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM {VERSION} v WHERE v.id = {ref}.version_id "
        "AND v.in_force_from IS NOT NULL)"
    )


def sqlite_up() -> list[str]:
    statements = [
        f"""
CREATE TRIGGER {VERSION}_signed_immutable
BEFORE UPDATE ON {VERSION}
WHEN OLD.in_force_from IS NOT NULL AND NOT ({_unchanged("IS")})
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


def postgres_up() -> list[str]:
    statements = [
        f"""
CREATE FUNCTION {VERSION}_signed_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.in_force_from IS NULL OR ({_unchanged("IS NOT DISTINCT FROM")}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a signed agreement cannot change';
END;
$$ LANGUAGE plpgsql""",
        f"""
CREATE TRIGGER {VERSION}_signed_immutable
BEFORE UPDATE ON {VERSION}
FOR EACH ROW EXECUTE FUNCTION {VERSION}_signed_immutable()""",
        f"""
CREATE FUNCTION agreements_content_signed_immutable() RETURNS trigger AS $$
BEGIN
    IF (TG_OP = 'UPDATE' AND {_signed("OLD")}) OR {_signed("NEW")} THEN
        RAISE EXCEPTION 'a signed agreement cannot change';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
    ]
    for table in CONTENTS:
        statements.append(
            f"""
CREATE TRIGGER {table}_signed_immutable
BEFORE INSERT OR UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION agreements_content_signed_immutable()"""
        )
    return statements


def postgres_down() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_signed_immutable ON {table}"
        for table in CONTENTS
    ]
    return statements + [
        "DROP FUNCTION IF EXISTS agreements_content_signed_immutable()",
        f"DROP TRIGGER IF EXISTS {VERSION}_signed_immutable ON {VERSION}",
        f"DROP FUNCTION IF EXISTS {VERSION}_signed_immutable()",
    ]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, {"sqlite": sqlite_up(), "postgresql": postgres_up()})


def uninstall(apps, schema_editor):
    _run(schema_editor, {"sqlite": sqlite_down(), "postgresql": postgres_down()})


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
