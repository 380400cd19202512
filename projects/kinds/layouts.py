"""A kind of form as one layout prints it: the kind's definition with the layout's header and columns.

A layout (``indicators.taxonomy.TemplateSpec``, stored as a ``FormTemplate``) may leave out some of
the kind's header fields, print others under its own label, add fields of its own and give the
indicator table other columns (指标性质 · 指标值 · 度量单位 · 权重…). ``kind_in_layout`` folds that into a
``FormKind`` of its own, so that everything driven by a kind's definition (the parsers' labels, the
filing page, the completeness check, the Excel template, the printed form) follows the layout with no
code of its own. The fields a layout adds are named ``extra_1``, ``extra_2``… in that kind, and a filing
keeps their values, with any label no layout knows, in ``Filing.extra_fields`` under their labels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from typing import Any

from indicators.taxonomy import INDICATOR_COLUMNS, ExtraField, TemplateSpec
from projects.kinds.base import (
    CELL_TEXT,
    SHORT_TEXT,
    Code,
    Column,
    FormKind,
    HeaderField,
    Row,
    Text,
    Wide,
    WrittenAmount,
    YesNo,
)

EXTRA_PREFIX = "extra_"
# How wide each column prints (shares of the table), and the longest text each holds.
_WIDTHS = {
    "name": 22,
    "nature": 7,
    "value": 12,
    "measure": 7,
    "weight": 6,
    "direction": 10,
    "explanation": 30,
    "basis": 10,
    "score": 6,
    "remark": 14,
}
_LENGTHS = {
    "nature": 20,
    "measure": 20,
    "weight": 10,
    "direction": 20,
    "basis": 100,
    "score": 20,
    "explanation": CELL_TEXT,
}
# Columns a row need not fill: a 定性 target has no unit, and weights are checked as a whole.
_OPTIONAL = {"measure", "weight", "direction", "basis", "score", "remark", "explanation", "nature"}


def catalogue_column(name: str) -> Column:
    """A column of the catalogue (``INDICATOR_COLUMNS``) as a layout that has it prints it: its heading,
    its width and the longest text it holds (``Indicator``'s own limit)."""
    return Column(
        name,
        INDICATOR_COLUMNS[name][0],
        required=name not in _OPTIONAL,
        max_length=_LENGTHS.get(name, SHORT_TEXT),
        width=_WIDTHS.get(name, 10),
    )


def is_extra(name: str) -> bool:
    return name.startswith(EXTRA_PREFIX)


def _extra_field(number: int, extra: ExtraField) -> HeaderField:
    # An amount the layout adds is kept as written (20万元), not converted: it is shown, not summed; but
    # it must be one amount.
    kind_type = WrittenAmount() if extra.amount else Text(long=extra.long)
    return HeaderField(f"{EXTRA_PREFIX}{number}", extra.label, kind_type, spellings=extra.spellings)


def _with_code_shape(header_field: HeaderField, spec: TemplateSpec) -> HeaderField:
    """The project code as the layout writes it (一体化: 51092324T000010263357)."""
    code = Code(pattern=spec.code_pattern, shape=spec.code_shape, max_length=40)
    return dataclasses.replace(header_field, type=code, hint=f"请填写{spec.code_shape}的项目编码。")


def _relabelled(header_field: HeaderField, label: str) -> HeaderField:
    kind_type = header_field.type
    if isinstance(kind_type, YesNo) and header_field.name == "is_new":
        kind_type = YesNo(yes="新增项目", no="延续项目")
    return dataclasses.replace(header_field, label=label, spellings=(), type=kind_type)


@cache
def kind_in_layout(kind: FormKind, spec: TemplateSpec) -> FormKind:
    """``kind`` as ``spec`` prints it; the kind itself when the layout changes nothing."""
    own_code = Code()
    new_code = (spec.code_pattern, spec.code_shape) != (own_code.pattern, own_code.shape)
    if not (spec.columns or spec.extra_header or spec.field_labels or spec.omitted or new_code):
        return kind
    labels = dict(spec.field_labels)
    omitted = set(spec.omitted)
    header = [
        _relabelled(item, labels[item.name]) if item.name in labels else item
        for item in kind.header
        if item.name not in omitted
    ]
    if new_code:
        header = [_with_code_shape(item, spec) if isinstance(item.type, Code) else item for item in header]
    extras = [_extra_field(number, extra) for number, extra in enumerate(spec.extra_header, start=1)]
    layout: list[Row | Wide] = []
    for item in kind.layout:
        if isinstance(item, Wide):
            if item.name not in omitted:
                layout.append(item)
            continue
        kept = [name for name in item.names if name not in omitted]
        if len(kept) == 1 and layout and isinstance(layout[-1], Row) and len(layout[-1].names) == 1:
            # Two rows each left with one field (甘肃: 项目分类 and 项目类型) share one row.
            layout[-1] = Row(*layout[-1].names, *kept)
        elif kept:
            layout.append(Row(*kept))
    # The fields the layout adds: short ones two to a row before the long texts, long ones across.
    short = [item.name for item, extra in zip(extras, spec.extra_header, strict=True) if not extra.long]
    first_wide = next((index for index, item in enumerate(layout) if isinstance(item, Wide)), len(layout))
    before = layout[first_wide - 1] if first_wide else None
    if short and isinstance(before, Row) and len(before.names) == 1:
        # A field left alone on its row (四川: 本年度项目金额) takes the first added one beside it.
        layout[first_wide - 1] = Row(*before.names, short.pop(0))
    rows: list[Row | Wide] = [Row(*short[index : index + 2]) for index in range(0, len(short), 2)]
    layout[first_wide:first_wide] = rows
    layout += [Wide(item.name) for item, extra in zip(extras, spec.extra_header, strict=True) if extra.long]
    table = kind.indicators
    if spec.columns:
        own = {column.name: column for column in table.columns}
        columns = tuple(
            dataclasses.replace(own[name], required=name not in _OPTIONAL, width=_WIDTHS.get(name, 10))
            if name in own
            else catalogue_column(name)
            for name in spec.columns
        )
        table = dataclasses.replace(table, columns=columns)
    return dataclasses.replace(
        kind,
        header=(*header, *extras),
        layout=tuple(layout),
        indicators=table,
    )


def other_labels(kind: FormKind, extra_fields: Mapping[str, Any]) -> list[str]:
    """The labels a filing keeps (``Filing.extra_fields``) that its layout does not know, in its order:
    an import found them under labels no layout has."""
    known = {header_field.label for header_field in kind.header if is_extra(header_field.name)}
    return [label for label in extra_fields if label not in known]
