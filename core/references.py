"""Foreign keys checked once per statement: for the two tables written a million rows at a time.

PostgreSQL checks a declared foreign key with one query per inserted row. COPY of the 1,479,711 lines of a national
payment run (three keys) took 28 s, 19 s of them for the keys; COPY of a million progress events (two keys) 14 s,
6 s of them for the keys. A `Reference` keeps the promise of a foreign key with triggers instead, which check a
whole statement's rows at once (the same COPYs: 11 s and 10.5 s):

- every row of `table` names an existing row of `parent` (or has a NULL among its `columns`, as MATCH SIMPLE);
- a row of `parent` is neither deleted nor given other key values while a row names it.

PostgreSQL: after each INSERT or UPDATE statement on `table`, one query over the statement's new rows (a transition
table) locks the parent rows they name, FOR KEY SHARE as a foreign key's own check does, and fails when it finds
fewer than they name. SQLite: a trigger per row with the same condition, which costs little in process. On both, a
row trigger on `parent` refuses to delete or rekey a row that is still named. On PostgreSQL that trigger runs after
its statement has locked the row, so after any transaction that holds the row FOR KEY SHARE has ended, and its
query then sees what that transaction stored (under READ COMMITTED, the app's level, each query takes a new
snapshot). Only a change of key columns waits for FOR KEY SHARE: columns of a primary key or unique index. So
`parent_columns` must form one (a composite reference needs its own unique index).

A violation raises SQLSTATE 23503 (foreign_key_violation; a constraint error on SQLite), which SQLAlchemy raises as
IntegrityError, as for a declared key; the message differs from PostgreSQL's own, and names the reference. TRUNCATE
fires no trigger: truncate both tables or none.

SQLite's ALTER TABLE ... RENAME, which a batch migration runs, fails while a trigger names a table that is not
there: a SQLite batch migration of `table` or `parent` runs `drop_statements` before and `create_statements` after.
"""
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class Reference:
    """Rows of `table` name a row of `parent` by `columns`; `parent_columns` are unique in `parent`."""

    name: str
    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...] = ("id",)

    def pairs(self, child: str, parent: str) -> str:
        return " AND ".join(f'{child}."{c}" = {parent}."{p}"' for c, p in zip(self.columns, self.parent_columns))

    def named_by(self, row: str) -> str:
        return " AND ".join(f'{row}."{c}" IS NOT NULL' for c in self.columns)

    def violation(self, action: str) -> str:
        return f'{action} violates foreign key constraint "{self.name}" of table "{self.table}"'


def create_statements(reference: Reference, dialect: str) -> list[str]:
    """The triggers (and on PostgreSQL their functions) that check `reference`."""
    return _postgresql(reference) if dialect == "postgresql" else _sqlite(reference)


def drop_statements(reference: Reference, dialect: str) -> list[str]:
    """What `create_statements` created, for a migration's downgrade."""
    r = reference
    if dialect == "postgresql":
        return [f'DROP TRIGGER {r.name}_insert ON "{r.table}"', f'DROP TRIGGER {r.name}_update ON "{r.table}"',
                f'DROP TRIGGER {r.name}_guard ON "{r.parent}"', f"DROP FUNCTION {r.name}_check()",
                f"DROP FUNCTION {r.name}_guard()"]
    return [f"DROP TRIGGER {r.name}_{event}" for event in ("insert", "update", "guard_delete", "guard_update")]


def check_per_statement(metadata: sa.MetaData, *references: Reference) -> None:
    """Create the checks when create_all creates their table; a migration that adds a reference creates them with
    `create_statements`."""
    def create_checks(target, connection, tables=(), **kw) -> None:
        created = {table.name for table in tables}
        for reference in references:
            if reference.table in created:
                for statement in create_statements(reference, connection.dialect.name):
                    connection.execute(sa.DDL(statement))
    sa.event.listen(metadata, "after_create", create_checks)


def _postgresql(r: Reference) -> list[str]:
    columns = ", ".join(f'"{c}"' for c in r.columns)
    parent_columns = ", ".join(f'"{c}"' for c in r.parent_columns)
    old_key = ", ".join(f'OLD."{c}"' for c in r.parent_columns)
    new_key = ", ".join(f'NEW."{c}"' for c in r.parent_columns)
    check = f"""CREATE OR REPLACE FUNCTION {r.name}_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE complete boolean;
BEGIN
  WITH named AS (SELECT DISTINCT {columns} FROM new_rows n WHERE {r.named_by("n")}),
       found AS (SELECT FROM "{r.parent}" p JOIN named n ON {r.pairs("n", "p")} FOR KEY SHARE OF p)
  SELECT (SELECT count(*) FROM named) = (SELECT count(*) FROM found) INTO complete;
  IF NOT complete THEN
    RAISE foreign_key_violation USING MESSAGE = '{r.violation("insert or update")}', TABLE = '{r.table}',
      CONSTRAINT = '{r.name}';
  END IF;
  RETURN NULL;
END $$"""
    guard = f"""CREATE OR REPLACE FUNCTION {r.name}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR ROW({new_key}) IS DISTINCT FROM ROW({old_key}))
     AND EXISTS (SELECT FROM "{r.table}" n WHERE {r.pairs("n", "OLD")}) THEN
    RAISE foreign_key_violation USING MESSAGE = '{r.violation(f"update or delete on {r.parent}")}',
      TABLE = '{r.parent}', CONSTRAINT = '{r.name}';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$"""
    triggers = [(f'CREATE TRIGGER {r.name}_{event} AFTER {event.upper()} ON "{r.table}" REFERENCING NEW TABLE AS '
                 f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION {r.name}_check()") for event in ("insert", "update")]
    triggers.append(f'CREATE TRIGGER {r.name}_guard BEFORE DELETE OR UPDATE OF {parent_columns} ON "{r.parent}" '
                    f"FOR EACH ROW EXECUTE FUNCTION {r.name}_guard()")
    return [check, guard, *triggers]


def _sqlite(r: Reference) -> list[str]:
    missing = f'{r.named_by("NEW")} AND NOT EXISTS (SELECT 1 FROM "{r.parent}" p WHERE {r.pairs("NEW", "p")})'
    named = f'EXISTS (SELECT 1 FROM "{r.table}" n WHERE {r.pairs("n", "OLD")})'
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in r.parent_columns)
    parent_columns = ", ".join(f'"{c}"' for c in r.parent_columns)

    def refuse(action: str) -> str:
        return f"BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: {r.violation(action)}'); END"
    return [
        f'CREATE TRIGGER {r.name}_insert BEFORE INSERT ON "{r.table}" WHEN {missing} {refuse("insert")}',
        f'CREATE TRIGGER {r.name}_update BEFORE UPDATE ON "{r.table}" WHEN {missing} {refuse("update")}',
        (f'CREATE TRIGGER {r.name}_guard_delete BEFORE DELETE ON "{r.parent}" WHEN {named} '
         f'{refuse(f"delete on {r.parent}")}'),
        (f'CREATE TRIGGER {r.name}_guard_update BEFORE UPDATE OF {parent_columns} ON "{r.parent}" '
         f'WHEN ({changed}) AND {named} {refuse(f"update on {r.parent}")}'),
    ]
