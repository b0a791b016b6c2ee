"""Makes the audit trail append-only in the database itself.

An update may only clear the actor link (when that person deletes their
account); any other change is refused, whatever code or SQL attempts it.
Rows go away only together with their dynamic.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER dynamics_auditentry_append_only
BEFORE UPDATE ON dynamics_auditentry
WHEN NOT (NEW.actor_id IS NULL AND OLD.id = NEW.id AND OLD.dynamic_id = NEW.dynamic_id
          AND OLD.actor_role = NEW.actor_role AND OLD.act = NEW.act
          AND OLD.summary = NEW.summary AND OLD.at = NEW.at)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS dynamics_auditentry_append_only;"

POSTGRES_UP = [
    """
CREATE FUNCTION dynamics_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF NEW.actor_id IS NULL AND OLD.id = NEW.id AND OLD.dynamic_id = NEW.dynamic_id
       AND OLD.actor_role = NEW.actor_role AND OLD.act = NEW.act
       AND OLD.summary = NEW.summary AND OLD.at = NEW.at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER dynamics_auditentry_append_only
BEFORE UPDATE ON dynamics_auditentry
FOR EACH ROW EXECUTE FUNCTION dynamics_auditentry_append_only()
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS dynamics_auditentry_append_only ON dynamics_auditentry",
    "DROP FUNCTION IF EXISTS dynamics_auditentry_append_only()",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, {"sqlite": [SQLITE_UP], "postgresql": POSTGRES_UP})


def uninstall(apps, schema_editor):
    _run(schema_editor, {"sqlite": [SQLITE_DOWN], "postgresql": POSTGRES_DOWN})


class Migration(migrations.Migration):
    dependencies = [("dynamics", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
