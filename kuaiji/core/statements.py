"""Model instances from written-out statements, for the few reads that every hot request makes.

``Model.objects.raw()`` works out, for every statement, which of its columns are which fields (from the
cursor's description) and which converters each needs; on a one-row read that cost about as much as the
database's answer (0.25 of 0.75 ms for the applicant's submission; bench/api_bench.py). Here a statement
selects the model's columns in field order (``columns``), then any extra columns, so the mapping and the
converters are worked out once per model and database. Decision 0018 says which reads are written out.
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connections, models, router

ModelT = TypeVar("ModelT", bound=models.Model)
# An extra column: the attribute it is set on, or that and the field whose converters it needs
# (a joined table's datetime on SQLite, its JSON anywhere).
Extra = str | tuple[str, models.Field]


@cache
def _fields(model: type[models.Model], only: tuple[str, ...] | None) -> tuple[models.Field, ...]:
    concrete = model._meta.concrete_fields
    return tuple(concrete) if only is None else tuple(field for field in concrete if field.attname in only)


@cache
def _names(model: type[models.Model], only: tuple[str, ...] | None) -> tuple[str, ...]:
    return tuple(field.attname for field in _fields(model, only))


@cache
def columns(model: type[models.Model], alias: str, only: tuple[str, ...] | None = None) -> str:
    """The model's columns (or those of the fields named in ``only``, the others deferred) in field order,
    qualified by the table's ``alias``, as ``instances`` reads them."""
    quote = connections[router.db_for_read(model) or "default"].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model, only))


def _converters_of(field: models.Field, connection) -> list[Callable[..., Any]]:
    column = field.get_col(field.model._meta.db_table)
    return [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]


@cache
def _conversions(
    model: type[models.Model], only: tuple[str, ...] | None, alias: str
) -> tuple[tuple[int, tuple, Any], ...]:
    """(position, converters, expression) of each of the columns read that needs converting."""
    connection = connections[alias]
    found = []
    for position, field in enumerate(_fields(model, only)):
        if converters := _converters_of(field, connection):
            found.append((position, tuple(converters), field.get_col(model._meta.db_table)))
    return tuple(found)


@cache
def _extra_conversions(
    fields: tuple[models.Field | None, ...], alias: str
) -> tuple[tuple[int, tuple, Any], ...]:
    connection = connections[alias]
    return tuple(
        (position, tuple(_converters_of(field, connection)), field.get_col(field.model._meta.db_table))
        for position, field in enumerate(fields)
        if field is not None and _converters_of(field, connection)
    )


def instances(
    model: type[ModelT],
    sql: str,
    params: Sequence[Any],
    *,
    only: tuple[str, ...] | None = None,
    extra: Sequence[Extra] = (),
) -> list[ModelT]:
    """The rows of ``sql`` as instances of ``model``, as if loaded by the ORM. ``sql`` selects
    ``columns(model, …, only)`` first, then one column for each of ``extra``, set on the instance by name."""
    alias = router.db_for_read(model) or "default"
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    names = _names(model, only)
    width = len(names)
    conversions = _conversions(model, only, alias)
    extra_names = [item if isinstance(item, str) else item[0] for item in extra]
    extra_conversions = _extra_conversions(
        tuple(None if isinstance(item, str) else item[1] for item in extra), alias
    )
    found = []
    for row in rows:
        values = list(row)
        for position, converters, expression in conversions:
            for convert in converters:
                values[position] = convert(values[position], expression, connection)
        instance = model.from_db(alias, names, values[:width])
        tail = values[width:]
        for position, converters, expression in extra_conversions:
            for convert in converters:
                tail[position] = convert(tail[position], expression, connection)
        for name, value in zip(extra_names, tail, strict=True):
            setattr(instance, name, value)
        found.append(instance)
    return found


@cache
def _insert_sql(model: type[models.Model], alias: str) -> tuple[str, tuple[models.Field, ...]]:
    quote = connections[alias].ops.quote_name
    fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    names = ", ".join(quote(field.column) for field in fields)
    slots = ", ".join(["%s"] * len(fields))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"INSERT INTO {table} ({names}) VALUES ({slots}) RETURNING {pk}", fields


def insert(instance: ModelT) -> ModelT:
    """Write a new ``instance`` of a model with an automatic primary key in one written-out statement, as
    ``save()`` would, minus the compile (about a fifth of a millisecond) and the model signals: only for
    rows that every hot request appends (the audit of a read), whose models listen to no signal."""
    model = type(instance)
    alias = router.db_for_write(model) or "default"
    connection = connections[alias]
    sql, fields = _insert_sql(model, alias)
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = alias
    return instance
