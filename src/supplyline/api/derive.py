"""Response models derived from the services' read models (``services/reads/read_models.py``),
so each record's fields are declared once: the API adds only what it adds (the ``withheld``
list the gate's trimming fills in, and so a null for each field it blanks) and the nested
models it publishes under their own names.
"""

from __future__ import annotations

from types import GenericAlias
from typing import Any, cast, get_type_hints

from pydantic import BaseModel, create_model

from .schemas.common import Page, WithheldFieldRead

#: what the gate's trimming adds to every record it presents: the fields blanked for the caller
WITHHELD: tuple[Any, Any] = (list[WithheldFieldRead], [])
#: what no command withholds: the record's identity
ALWAYS_SHOWN = frozenset({"id", "version"})


def read_model(
    name: str, record: type, module: str, *, withheld: bool = True, **published: tuple[Any, Any]
) -> type[BaseModel]:
    """A response model named ``name`` with every field of the read model ``record`` (a
    TypedDict), each required and typed as there; unless ``withheld`` is False (public
    reference data, never trimmed), the ``withheld`` list, and each field but the record's
    id and version may be null: which fields a command withholds is its own and the
    deployment's choice (``domain/disclosure_table.py``), and the gate blanks them.
    ``published`` adds or replaces fields as ``name=(type, default)`` (``...`` for none),
    e.g. a nested list under its published model (``many``)."""
    fields: dict[str, Any] = {
        field: (kind if not withheld or field in ALWAYS_SHOWN else kind | None, ...)
        for field, kind in get_type_hints(record).items()
    }
    fields.update({"withheld": WITHHELD} if withheld else {}, **published)
    return create_model(name, __module__=module, **fields)


def many(model: type[BaseModel]) -> Any:
    """``list[model]`` for a model derived at import (which a type checker cannot read as a type)."""
    return GenericAlias(list, (model,))


def page_of(name: str, item: type[BaseModel], module: str) -> type[BaseModel]:
    """The page model ``name`` of ``item``s (``common.Page``)."""
    return create_model(name, __base__=cast(Any, Page)[item], __module__=module)
