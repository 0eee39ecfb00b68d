"""Reading many rows fast."""

from django.db import connection
from django.db.models import QuerySet


def fetch_tuples(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list()` queryset as the driver returns them, without Django's
    per-value converters: a third of the cost of reading ~10,000 rows through the ORM.

    Only for columns the driver already returns as the right Python type (numbers, text,
    dates, floats; on PostgreSQL), which is what the callers select."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
