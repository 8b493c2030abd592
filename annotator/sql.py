"""Plain parametrized SQL for the annotation hot path: the token check, the queue, saving
and submitting.

Why: building a query through the ORM costs 0.5-1 ms of CPU, several times what SQLite
or PostgreSQL takes to run it, and one round trip of an annotator (next, save, submit)
ran 33 of them. The statements that use these helpers are constants with %s
placeholders (never text built from input), portable between SQLite and PostgreSQL, and
name the models' default tables; tests run them on both databases. Everything off the
hot path stays on the ORM.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import DEFERRED, Model, QuerySet
from django.db.models.expressions import Col

from annotator.models import HOLDS_SLOT, ModelVersion

M = TypeVar("M", bound=Model)


# The models' vocabulary as SQL, so the statements say what the ORM's queries say: a
# statement names it as {live:alias}, {holds_slot}, {current_model} or {locked:how}, filled
# in once, when the module defining the statement is imported. Only these fixed fragments are ever put into
# a statement's text (and their values are checked to be plain words); input stays in %s.
def _quoted(*words: str) -> str:
    for word in words:
        if not re.fullmatch(r"[a-z_]+", word):
            raise ValueError(f"{word!r} is not a plain word")
    return "(" + ", ".join(f"'{word!s}'" for word in words) + ")"


def _row_lock(how: str) -> str:
    return {"skip": "FOR UPDATE SKIP LOCKED", "wait": "FOR UPDATE"}[how]


_VOCABULARY: dict[str, Callable[[str], str]] = {
    "live": lambda alias: f"{alias}.deleted_at IS NULL",  # LiveQuerySet.live()
    "holds_slot": lambda _: _quoted(*HOLDS_SLOT),  # statuses that hold a quota slot
    "current_model": lambda _: _quoted(ModelVersion.Status.CURRENT),  # ModelVersion.objects.current_for
    # Lock the rows read ({locked:skip} passes over those another transaction holds,
    # {locked:wait} waits for them); SQLite has no row locks and needs none (its IMMEDIATE
    # transactions run one writer at a time).
    "locked": lambda how: _row_lock(how) if connection.features.has_select_for_update else "",
}


def statement(template: str) -> str:
    """`template` with each {name} or {name:alias} of the vocabulary above filled in."""

    def fill(match: re.Match[str]) -> str:
        return _VOCABULARY[match[1]](match[2] or "")

    return re.sub(r"\{(\w+)(?::(\w+))?\}", fill, template)


# {(model, columns): (column expression, converters) per column}: what the ORM's compiler
# would apply to each value (SQLite's text datetimes, JSON text, booleans stored as integers).
# An extra column (not a field) has no Col and no converters.
_ColumnConverters = list[tuple[Col | None, list[Any]]]
_converters: dict[tuple[type[Model], tuple[str, ...]], _ColumnConverters] = {}


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def first_row(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a write; the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def execute_many(sql: str, param_rows: Sequence[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, param_rows)


def to_db_datetime(value: Any) -> Any:
    """A datetime as the database backend stores it (text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def to_db_json(value: Any) -> str:
    """A value for a JSONField column (text on SQLite, a literal that becomes jsonb on PostgreSQL)."""
    return json.dumps(value)


def _column_converters(model: type[Model], columns: tuple[str, ...]) -> _ColumnConverters:
    key = (model, columns)
    if key not in _converters:
        fields = {field.column: field for field in model._meta.concrete_fields}
        found: _ColumnConverters = []
        for column in columns:
            field = fields.get(column)
            if field is None:  # an extra column (an annotation such as my_role): kept as read
                found.append((None, []))
                continue
            col = field.get_col(model._meta.db_table)
            found.append((col, connection.ops.get_db_converters(col) + field.get_db_converters(connection)))
        _converters[key] = found
    return _converters[key]


def instances(model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """Model instances from a SELECT of the model's columns (plus extra columns, which
    become attributes, like the ORM's annotations), converted as the ORM would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(d[0] for d in cursor.description)
        fetched = cursor.fetchall()
    if not fetched:
        return []
    converters = _column_converters(model, columns)
    fields = model._meta.concrete_fields
    attnames = {field.column: field.attname for field in fields}
    loaded = []
    for raw in fetched:
        by_column = {}
        for column, value, (col, column_converters) in zip(columns, raw, converters, strict=True):
            for converter in column_converters:
                value = converter(value, col, connection)
            by_column[column] = value
        # from_db wants the model's field order (a table's column order may differ), and
        # DEFERRED for fields not selected, which are then read on first access.
        values = [by_column.get(field.column, DEFERRED) for field in fields]
        instance = model.from_db(connection.alias, [f.attname for f in fields if f.column in by_column], values)
        for column, value in by_column.items():
            if column not in attnames:
                setattr(instance, column, value)
        loaded.append(instance)
    return loaded


def instance(model: type[M], sql: str, params: Sequence[Any]) -> M | None:
    """The first instance a SELECT gives, or None."""
    found = instances(model, sql, params)
    return found[0] if found else None


def referenced(model: type[M], sql: str, params: Sequence[Any]) -> M:
    """The row a foreign key points to, which the database's constraint keeps in place; if it
    vanished all the same, `ObjectDoesNotExist`, as reading the ORM's foreign key would raise."""
    found = instance(model, sql, params)
    if found is None:
        raise ObjectDoesNotExist(f"no {model.__name__} matching {params!r}")
    return found


def cached_queryset(model: type[M], found: list[M]) -> QuerySet[M]:
    """A queryset that answers with `found` without asking the database: what a prefetch
    leaves in `_prefetched_objects_cache`, for rows the caller already has in hand."""
    # _default_manager: `objects` is not declared on Model (these models' default manager).
    manager = model._default_manager
    cached = manager.filter(pk__in=[x.pk for x in found]) if found else manager.none()
    cached._result_cache = list(found)
    cached._prefetch_done = True  # type: ignore[attr-defined]  # private QuerySet state the stubs leave out
    return cached


def prefetched(owner: Model, relation: str, model: type[M], found: list[M]) -> None:
    """`owner.<relation>.all()` answers with `found` from now on, as after a prefetch."""
    # Django's private prefetch cache, which the stubs do not declare on Model.
    owner._prefetched_objects_cache = {relation: cached_queryset(model, found)}  # type: ignore[attr-defined]
