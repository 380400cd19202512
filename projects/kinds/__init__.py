"""The kinds of 申报表, one module per kind: its header model beside its definition (``base.FormKind``).

Each kind module registers itself here when Django loads the models; everything that handles forms
of every kind asks this registry for the definition and the header model of a filing's kind.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from projects.kinds.base import FormKind, Unit

_KINDS: dict[str, FormKind] = {}
_HEADER_MODELS: dict[str, type[models.Model]] = {}


def register(kind: FormKind, header_model: type[models.Model]) -> None:
    _KINDS[kind.code] = kind
    _HEADER_MODELS[kind.code] = header_model


def kind_named(code: str) -> FormKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"没有这种申报表：{code}") from None


def all_kinds() -> list[FormKind]:
    """Every kind, in the order they were registered (the order of the list pages' tabs)."""
    return list(_KINDS.values())


def header_model(code: str) -> type[models.Model]:
    return _HEADER_MODELS[code]


def header_relation(code: str) -> str:
    """The name under which a filing reaches its header row (``filing.project_header``)."""
    link = _HEADER_MODELS[code]._meta.get_field("filing")
    assert isinstance(link, models.OneToOneField)
    return link.remote_field.get_accessor_name() or ""


def header_relations() -> list[str]:
    """Every kind's header relation, for reading filings of several kinds with their headers at once."""
    return [header_relation(code) for code in _KINDS]


def header_units(code: str) -> list[str]:
    """The header fields of a kind that name a unit (``top_unit``): the filing page shows their names."""
    return [
        field.name
        for field in _KINDS[code].header
        # A kind may show the filing's own unit as a header field: that one is no column of the header.
        if isinstance(field.type, Unit) and _is_link(_HEADER_MODELS[code], field.name)
    ]


def _is_link(model: type[models.Model], name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), models.ForeignKey)
    except FieldDoesNotExist:
        return False
