"""Fast bulk inserts for reference and synthetic data, and the readiness figures' upsert."""

import json
from collections.abc import Iterable, Sequence
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
    model_fields = [model._meta.get_field(f) for f in fields]
    prepared = [
        f if isinstance(f, models.DateField | models.JSONField | models.DecimalField) else None
        for f in model_fields
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"

    def prepare(row: tuple) -> tuple:
        return tuple(
            v if f is None or v is None else f.get_db_prep_save(v, connection)
            for f, v in zip(prepared, row, strict=True)
        )

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


def bulk_upsert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[tuple],
    *,
    unique_fields: Sequence[str],
) -> int:
    """Insert rows, or update the row with the same `unique_fields`. On PostgreSQL this is
    one statement whatever the number of rows: the rows travel as one JSON document (made
    by the C encoder) that PostgreSQL turns back into typed columns for an INSERT … ON
    CONFLICT, with no temporary table and no per-value adaptation in Python; elsewhere
    bulk_create(update_conflicts=True)."""
    if not rows:
        return 0
    meta = model._meta
    model_fields = [meta.get_field(f) for f in fields]
    if connection.vendor != "postgresql":
        attnames = [f.attname for f in model_fields]
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=list(unique_fields),
            update_fields=[f for f in fields if f not in unique_fields],
        )
        return len(objs)
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in model_fields]
    # Each row is a JSON array; each value is read back as the type its column stores. As
    # jsonb, reading a value by position is direct (json would re-parse the row each time).
    values = ", ".join(
        f"r->{i}" if isinstance(f, models.JSONField)
        else f"(r->>{i})::{f.rel_db_type(connection) if f.is_relation else f.db_type(connection)}"
        for i, f in enumerate(model_fields)
    )  # fmt: skip
    cols = ", ".join(columns)
    keys = ", ".join(quote(meta.get_field(f).column) for f in unique_fields)
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        for f, c in zip(fields, columns, strict=True)
        if f not in unique_fields
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({cols}) "
            f"SELECT {values} FROM jsonb_array_elements(%s::jsonb) AS rows(r) "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates}",
            [json.dumps(rows, default=_json_value)],
        )
    return len(rows)


def _json_value(value: object) -> str:
    """Times and dates as ISO 8601 text, which PostgreSQL reads back exactly (a datetime
    must be aware: the column is timestamptz)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a JSON record")
