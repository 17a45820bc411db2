"""Export and import of the whole database as one JSON document (a lossless round trip).

Every table of the schema is written with its rows sorted by primary key, dates and times
as ISO strings (times in UTC), so that exporting a database, importing it into another
engine (SQLite ⇄ PostgreSQL) and exporting again gives the same text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine, Table, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from tracker.errors import StoreError, UsageError
from tracker.store import SCHEMA_REVISION

FORMAT = "mandate-tracker-export"


def export_data(engine: Engine) -> dict[str, Any]:
    """Every table's rows, as a JSON-ready object."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in connection.execute(select(table)).all()]
            keys = [c.name for c in table.primary_key.columns]
            rows.sort(key=lambda r: json.dumps([r[k] for k in keys], default=str))
            tables[table.name] = [{k: _encode(v) for k, v in r.items()} for r in rows]
    return {"format": FORMAT, "revision": SCHEMA_REVISION, "tables": tables}


def export_text(engine: Engine) -> str:
    """The export as JSON text (keys sorted, one table row a line)."""
    data = export_data(engine)
    lines = [f'{{"format": {json.dumps(FORMAT)}, "revision": {json.dumps(SCHEMA_REVISION)},']
    lines.append(' "tables": {')
    names = list(data["tables"])
    for i, name in enumerate(names):
        rows = data["tables"][name]
        body = ",\n".join("  " + json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
        end = "," if i < len(names) - 1 else ""
        lines.append(
            f" {json.dumps(name)}: [\n{body}\n ]{end}" if rows else f" {json.dumps(name)}: []{end}"
        )
    lines.append("}}")
    return "\n".join(lines) + "\n"


def import_data(engine: Engine, data: dict[str, Any]) -> dict[str, int]:
    """Load an export into an empty database; returns the number of rows per table."""
    if data.get("format") != FORMAT:
        raise UsageError("not a Mandate Tracker export (no 'format' field)")
    if data.get("revision") != SCHEMA_REVISION:
        raise UsageError(
            f"the export is at schema revision {data.get('revision')}, this tracker at "
            f"{SCHEMA_REVISION}: import it with the matching version, upgrade, export again"
        )
    tables = data.get("tables") or {}
    counts: dict[str, int] = {}
    try:
        with engine.begin() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if connection.execute(select(func.count()).select_from(table)).scalar():
                    raise UsageError(f"the database is not empty (table {table.name} has rows)")
            for table in SQLModel.metadata.sorted_tables:
                rows = [_decode_row(table, r) for r in tables.get(table.name, [])]
                if rows:
                    connection.execute(table.insert(), rows)
                counts[table.name] = len(rows)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot import: {str(exc).strip().splitlines()[0]}") from exc
    return counts


def _reset_sequences(connection: Any) -> None:
    """After explicit ids, PostgreSQL's serial sequences must continue after the largest."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and _python_type(column.type) is int
            ):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _python_type(kind: Any) -> type:
    """The Python type of a column type (a TypeDecorator's is its implementation's)."""
    impl = getattr(kind, "impl_instance", kind)
    try:
        found: type = impl.python_type
    except NotImplementedError:
        return object
    return found


def _decode_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row.get(column.name)
        kind = _python_type(column.type)
        if value is not None and kind is dt.datetime:
            value = dt.datetime.fromisoformat(value)
        elif value is not None and kind is dt.date:
            value = dt.date.fromisoformat(value)
        out[column.name] = value
    return out
