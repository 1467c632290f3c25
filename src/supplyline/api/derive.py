"""Response models derived from the services' read models (``services/reads/read_models.py``),
so each record's fields are declared once: the API adds only what it adds (the ``withheld``
list the gate's trimming fills in, and so a null for each field it blanks) and the nested
models it publishes under their own names.
"""

from __future__ import annotations

from types import GenericAlias, NoneType, UnionType
from typing import Annotated, Any, NotRequired, Required, Union, cast, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo
from typing_extensions import Doc

#: what no command withholds: the record's identity
ALWAYS_SHOWN = frozenset({"id", "version"})


def read_model(
    name: str,
    record: type,
    module: str,
    *,
    withheld: bool = True,
    listed: bool | None = None,
    blanked: tuple[str, ...] = (),
    unpublished: tuple[str, ...] = (),
    config: ConfigDict | None = None,
    **published: tuple[Any, Any],
) -> type[BaseModel]:
    """A response model named ``name`` with every field of the read model ``record`` (a
    TypedDict), each required and typed as there; unless ``withheld`` is False (public
    reference data, never trimmed), the ``withheld`` list, and each field but the record's
    id and version may be null: which fields a command withholds is its own and the
    deployment's choice (``domain/disclosure_table.py``), and the gate blanks them.
    ``published`` adds or replaces fields as ``name=(type, default)`` (``...`` for none),
    e.g. a nested list under its published model (``many``); ``unpublished`` names fields
    of the record the API leaves out. ``listed``: the ``withheld`` list without making the
    fields nullable (a report's part, whose fields the gate may blank are named by
    ``blanked``); by default, as ``withheld``. ``blanked``: fields the gate may blank for
    a caller in a record not otherwise ``withheld`` (null in the answer). ``config``: the
    model's pydantic configuration (e.g. extra keys passed through unpublished)."""
    fields: dict[str, Any] = {}
    for field, hint in get_type_hints(record, include_extras=True).items():
        if field in unpublished:
            continue
        kind, doc, optional = _unwrapped(hint)
        kind = _published(kind)
        if (withheld and field not in ALWAYS_SHOWN) or field in blanked:
            kind = kind | None
        default = _default(kind) if optional else ...
        if field in published:  # published under its own model: the record's default and description stay
            kind, given = published.pop(field)
            if isinstance(given, FieldInfo):  # published with its own default or description
                fields[field] = (kind, FieldInfo.merge_field_infos(given, description=given.description or doc))
                continue
            default = default if given is ... else given
        if default == {}:  # an empty mapping when left out, documented as such
            fields[field] = (kind, Field(default_factory=dict, description=doc))
        else:
            fields[field] = (kind, Field(default, description=doc) if doc else default)
    listed = withheld if listed is None else listed
    fields.update({"withheld": _withheld()} if listed else {}, **published)
    model = create_model(name, __config__=config, __module__=module, __doc__=vars(record).get("__doc__"), **fields)
    _DERIVED.setdefault(record, model)
    return model


def _withheld() -> tuple[Any, Any]:
    """What the gate's trimming adds to every record it presents: the fields blanked for the
    caller (imported here, as ``schemas.common`` derives its own shapes with this module)."""
    from .schemas.common import WithheldFieldRead

    return (list[WithheldFieldRead], [])


#: each read model's response model, the first derived from it: a record nested in another
#: is published under its own model's name
_DERIVED: dict[type, type[BaseModel]] = {}


def _published(kind: Any) -> Any:
    """``kind`` with each read model in it replaced by its response model, if derived."""
    if isinstance(kind, type) and kind in _DERIVED:
        return _DERIVED[kind]
    origin = get_origin(kind)
    if origin not in (list, dict, Union, UnionType):
        return kind
    published = tuple(_published(arg) for arg in get_args(kind))
    if origin is list or origin is dict:
        return GenericAlias(origin, published)
    return Union[published]  # noqa: UP007 - built from a tuple of types


def _unwrapped(hint: Any) -> tuple[Any, str | None, bool]:
    """``hint`` without its ``NotRequired`` / ``Annotated`` wrappers, its ``Doc`` text (the
    description the published field carries) and whether the record may leave it out."""
    doc, optional = None, False
    while get_origin(hint) in (Annotated, NotRequired, Required):
        if get_origin(hint) is Annotated:
            doc = next((m.documentation for m in hint.__metadata__ if isinstance(m, Doc)), doc)
        optional = optional or get_origin(hint) is NotRequired
        hint = get_args(hint)[0]
    return hint, doc, optional


def _default(kind: Any) -> Any:
    """What a field the query may leave out reads as: null, or an empty list or mapping."""
    if get_origin(kind) in (Union, UnionType) and NoneType in get_args(kind):
        return None
    return {list: [], dict: {}}.get(get_origin(kind))  # a nested record left out: none


def many(model: type[BaseModel]) -> Any:
    """``list[model]`` for a model derived at import (which a type checker cannot read as a type)."""
    return GenericAlias(list, (model,))


def page_of(name: str, item: type[BaseModel], module: str, *, doc: str | None = None) -> type[BaseModel]:
    """The page model ``name`` of ``item``s (``common.Page``), described by ``doc``."""
    from .schemas.common import Page

    return create_model(name, __base__=cast(Any, Page)[item], __module__=module, __doc__=doc)
