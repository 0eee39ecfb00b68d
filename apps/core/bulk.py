"""Fast bulk inserts for reference and synthetic data, and the readiness figures' upsert."""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from django.db import connection, models


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert plain tuples into `model`'s table. On PostgreSQL this streams them with COPY
    (hundreds of thousands of rows a second); elsewhere it falls back to bulk_create.
    Columns are given by field name; no model save() or signals run."""
    columns = [model._meta.get_field(f).column for f in fields]
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    # Elsewhere (SQLite for the demo): one executemany with values prepared by each field,
    # which is an order of magnitude faster than building model instances.
    prepare = _row_preparer([model._meta.get_field(f) for f in fields])
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"

    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(prepare(row))
            if len(batch) >= 10000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count + len(batch)


def _row_preparer(model_fields: Sequence[models.Field]) -> Callable[[tuple], tuple]:
    """How a row of plain values becomes the database's values, for a backend without
    COPY or JSON row sources: only dates, JSON and decimals need their field's preparation."""
    prepared = [
        f if isinstance(f, models.DateField | models.JSONField | models.DecimalField) else None
        for f in model_fields
    ]

    def prepare(row: tuple) -> tuple:
        return tuple(
            v if f is None or v is None else f.get_db_prep_save(v, connection)
            for f, v in zip(prepared, row, strict=True)
        )

    return prepare


def bulk_upsert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[tuple],
    *,
    unique_fields: Sequence[str],
    constants: Mapping[str, object] | None = None,
    kept: Sequence[str] = (),
) -> int:
    """Insert rows, or update the row with the same `unique_fields`, in one INSERT … ON
    CONFLICT whatever the number of rows. Only the given fields are written (no model
    defaults), so `fields` and `constants` must cover every column that cannot be null.

    `constants` gives fields that have the same value in every row (sent once, as
    parameters). A field in `kept` keeps its stored value while the incoming one is set,
    and is cleared by an incoming null: it holds when a state began (the time an agency
    turned red), so the row says so without reading it first.

    On PostgreSQL the rows travel as one jsonb document (made by the C encoder) that
    PostgreSQL turns back into typed columns, with no temporary table and no per-value
    adaptation in Python; elsewhere (SQLite for the demo) as an executemany of VALUES."""
    if not rows:
        return 0
    constants = dict(constants or {})
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    model_fields = [meta.get_field(f) for f in fields]
    constant_fields = [meta.get_field(f) for f in constants]
    columns = [quote(f.column) for f in (*model_fields, *constant_fields)]
    unique = [quote(meta.get_field(f).column) for f in unique_fields]
    kept_columns = {quote(meta.get_field(f).column) for f in kept}
    updates = ", ".join(
        f"{c} = CASE WHEN EXCLUDED.{c} IS NOT NULL THEN COALESCE({table}.{c}, EXCLUDED.{c}) END"
        if c in kept_columns
        else f"{c} = EXCLUDED.{c}"
        for c in columns
        if c not in unique
    )
    conflict = f"ON CONFLICT ({', '.join(unique)}) DO UPDATE SET {updates}"
    constant_values = [f.get_db_prep_save(v, connection) for f, v in
                       zip(constant_fields, constants.values(), strict=True)]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            prepare = _row_preparer(model_fields)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {conflict}",
                [(*prepare(row), *constant_values) for row in rows],
            )
            return len(rows)
        # Each row is a JSON array; each value is read back as the type its column stores.
        # As jsonb, reading a value by position is direct (json would re-parse each row).
        values = ", ".join(
            f"r->{i}" if isinstance(f, models.JSONField)
            else f"(r->>{i})::{_db_type(f)}"
            for i, f in enumerate(model_fields)
        )  # fmt: skip
        typed_constants = "".join(f", %s::{_db_type(f)}" for f in constant_fields)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {values}{typed_constants} FROM jsonb_array_elements(%s::jsonb) AS rows(r) "
            f"{conflict}",
            [*constant_values, json.dumps(rows, default=_json_value)],
        )
    return len(rows)


def _db_type(field: models.Field) -> str:
    return field.rel_db_type(connection) if field.is_relation else field.db_type(connection)


def _json_value(value: object) -> str:
    """Times and dates as ISO 8601 text, which PostgreSQL reads back exactly (a datetime
    must be aware: the column is timestamptz)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a JSON record")
