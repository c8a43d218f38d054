"""Model instances from rows of Core statements, attached to the session as if the ORM had loaded
them: for the reads every page or heartbeat makes, where the ORM's loading costs more than the query."""

from __future__ import annotations

from functools import cache

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from learnapp.db.base import db


@cache
def attribute_keys(model) -> tuple[str, ...]:
    """The attribute key of each column of the model's table, in the table's column order."""
    return tuple(model.__mapper__.get_property_by_column(column).key for column in model.__table__.c)


def loaded_rows(statement, params: dict, *models) -> list:
    """Run a Core statement that selects the whole table of each model in turn
    (`select(*A.__table__.c, *B.__table__.c)`, joins and filters on table columns too) and give
    each row's instances as the ORM would (one instance, or a tuple for several models), at a
    fraction of the ORM's loading cost: for the reads every page or heartbeat makes."""
    result = []
    for row in db.session.execute(statement, params):
        loaded = attach_row(row, *models)
        result.append(loaded[0] if len(models) == 1 else loaded)
    return result


def attach_row(row, *models) -> tuple:
    """The instances of `models` whose tables' columns open the row, in that order (further
    columns are left to the caller), attached as loaded (`attach_loaded`)."""
    start, loaded = 0, []
    for model in models:
        names = attribute_keys(model)
        loaded.append(attach_loaded(model, dict(zip(names, row[start:start + len(names)], strict=True))))
        start += len(names)
    return tuple(loaded)


@cache
def _primary_key_names(model) -> tuple[str, ...]:
    mapper = model.__mapper__
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


def attach_loaded(model, values) -> object:
    """The persistent `model` instance of a row read with a Core statement, as if the ORM had
    loaded it: clean, in the session's identity map (the one already there when it was loaded
    before). `values`: the row's column values by attribute key (all of the table's columns).

    For the hottest reads (the signed-in person on every request): the ORM's loading machinery
    costs several times the query; this fills the instance the way a load does, through the
    public `make_transient_to_detached` (history reset, no pending changes) and `Session.add`."""
    session = db.session()
    mapper = model.__mapper__
    key = mapper.identity_key_from_primary_key([values[name] for name in _primary_key_names(model)])
    present = session.identity_map.get(key)
    if present is not None:
        # Loaded earlier in this session and expired since (a commit): refresh what is missing
        # from the row, as a load would; attributes changed and not yet flushed are kept.
        for name in inspect(present).unloaded & values.keys():
            set_committed_value(present, name, values[name])
        return present
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance
