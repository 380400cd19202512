"""Import of filings of every kind: parse every source first, then store all of them in one transaction.

``store_filings`` is format-neutral: any parser that yields ``ParsedFiling`` objects feeds it. A
filing is found again by its kind's identity within its year (a 二级 project by its code, a 一级
project by its unit and name, a unit's 部门整体 form by its unit), so importing a file twice
updates instead of duplicating. Either everything is stored or, on the first problem, nothing is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import FormTemplate, Indicator, Level2Category
from indicators.taxonomy import Vocabulary
from projects.kinds import header_model, header_relation, kind_named
from projects.kinds.base import AMOUNT_PLACES, FilingLink, FormKind, Unit, read_number
from projects.kinds.overall import OverallTask
from projects.models import (
    EDITABLE_STATUSES,
    FILING_FIELDS,
    AmountUnit,
    Department,
    Filing,
    district_of,
    in_yuan,
    normalise_unit_name,
)
from projects.parsers.filing import FilingParseError, Layout, ParsedFiling
from projects.parsers.text import ParsedText, TextDecodeError, decode_text, infer_fiscal_year, parse_text
from projects.selectors import filing_departments_for, is_administrator
from projects.services.changes import filings_changed
from projects.services.prerender import exported_under
from projects.services.tasks import totals_or_sums
from projects.services.writing import FilingError, claim_versions, delete_with_history, identity_taken_message

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Key = tuple[str, int, str, str]  # kind, year, and the kind's identity (code, or unit and name)


class FilingImportError(Exception):
    """Bad input: the message names the file and line; nothing has been written."""


@dataclass
class SourceFile:
    name: str
    text: str


@dataclass
class ImportResult:
    created: list[Filing] = field(default_factory=list)
    updated: list[Filing] = field(default_factory=list)
    years: dict[str, tuple[int, str]] = field(default_factory=dict)  # file → (year, how it was chosen)
    # file → (lines, headings) of what was not a form: the rest of a department's budget publication.
    skipped: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def count(self, filings: list[Filing]) -> str:
        """``2 张一级项目、1 张部门整体`` for the filings of each kind among ``filings``."""
        by_kind: dict[str, int] = defaultdict(int)
        for filing in filings:
            by_kind[filing.kind_name] += 1
        return "、".join(f"{count} 张{name}" for name, count in by_kind.items()) or "0 张"


@dataclass
class Unsaved:
    """A parsed form as the objects storing it would be written, unsaved (no ids)."""

    filing: Filing
    header: Any
    rows: list[Indicator]
    tasks: list[OverallTask]


def read_source(path: Path) -> SourceFile:
    try:
        return SourceFile(path.name, decode_text(path.read_bytes(), str(path)))
    except OSError as error:
        raise FilingImportError(f"{path}: 无法读取文件（{error}）") from error
    except TextDecodeError as error:
        raise FilingImportError(str(error)) from error


def vocabularies() -> dict[str, Vocabulary]:
    """Each kind's vocabulary, from its default template's categories."""
    return {
        template.kind: template.vocabulary()
        for template in FormTemplate.objects.filter(is_default=True).prefetch_related("level1_categories")
    }


def layouts() -> dict[str, list[Layout]]:
    """The layouts each kind's forms may be in: every template of the kind, the default first."""
    found: dict[str, list[Layout]] = defaultdict(list)
    templates = FormTemplate.objects.order_by("-is_default", "pk").prefetch_related("level1_categories__children")
    for template in templates:
        found[template.kind].append(Layout.of(template.kind, template.spec(prefetched=True)))
    return dict(found)


def parse_sources(sources: list[SourceFile]) -> dict[str, ParsedText]:
    """Parses every file before anything is written, so one bad file stops the whole import."""
    known = layouts()
    parsed = {}
    for source in sources:
        try:
            parsed[source.name] = parse_text(source.text, layouts=known)
        except FilingParseError as error:
            raise FilingImportError(f"{source.name}: {error}") from error
    return parsed


def import_filings(*, sources: list[SourceFile], year: int | None = None, user: User | None = None) -> ImportResult:
    """Reads filings in the published text layout and stores them (see ``store_filings``)."""
    texts = parse_sources(sources)
    result = store_filings(parsed={name: text.filings for name, text in texts.items()}, year=year, user=user)
    result.skipped = {name: (text.skipped_lines, text.skipped_headings) for name, text in texts.items()}
    return result


def incoming_forms(
    parsed: dict[str, list[ParsedFiling]], year: int | None
) -> tuple[dict[Key, tuple[str, ParsedFiling]], dict[str, tuple[int, str]]]:
    """Each form by its key, with its source; and each source's year and how it was chosen."""
    incoming: dict[Key, tuple[str, ParsedFiling]] = {}
    years: dict[str, tuple[int, str]] = {}
    for name, filings in parsed.items():
        file_year, how = _choose_year(filings, year)
        years[name] = (file_year, how)
        for form in filings:
            if not form.department.strip():
                label = kind_named(form.kind).field("department").plain_label
                raise FilingImportError(f"{name}: 第{form.line}行的申报表缺少{label}")
            incoming[key_of(form, year or form.fiscal_year or file_year)] = (name, form)
    return incoming, years


def _choose_year(filings: list[ParsedFiling], year: int | None) -> tuple[int, str]:
    if year:
        return year, "指定"
    if any(filing.fiscal_year for filing in filings):
        return infer_fiscal_year(filings) or timezone.localdate().year, "申报表填写"
    inferred = infer_fiscal_year(filings)
    if inferred:
        return inferred, "由申报表推断"
    return timezone.localdate().year, "默认为当前年度"


def _key(kind: str, year: int, parts: list[str]) -> Key:
    first, second = (*parts, "", "")[:2]
    return (kind, year, first, second)


def _part(name: str, value: Any) -> str:
    """One part of an identity: a unit by its normalised name, anything else as written."""
    text = str(value or "")
    return normalise_unit_name(text) if name == "department" else text


def key_of(filing: ParsedFiling, year: int) -> Key:
    kind = kind_named(filing.kind)
    return _key(kind.code, year, [_part(name, filing.value(name)) for name in kind.identity])


def stored_key(filing: Filing) -> Key:
    kind = filing.form_kind
    parts = [
        _part(name, filing.department.name if name == "department" else filing.value(name)) for name in kind.identity
    ]
    return _key(kind.code, filing.fiscal_year, parts)


def _unit_fields(kind: FormKind) -> list[str]:
    return [header_field.name for header_field in kind.header if isinstance(header_field.type, Unit)]


def _parent_of(kind: FormKind, filing: ParsedFiling) -> str:
    """The unit the form names as its unit's 一级预算单位 or 主管部门; blank means the unit itself."""
    return str(filing.value(kind.parent_unit)) if kind.parent_unit else ""


def _departments(
    incoming: dict[Key, tuple[str, ParsedFiling]], *, user: User | None, when: datetime
) -> dict[str, Department]:
    """Every unit the filings name, keyed by normalised name; a unit seen for the first time is created,
    under the 一级预算单位 (or 主管部门) its form names, with a history record of the import.

    An import never moves an existing unit: the hierarchy decides who sees which filings, so it
    changes only on the unit's admin page. A form that names another parent for an existing unit
    is refused, naming its file and line.
    """
    names: dict[str, str] = {}
    codes: dict[str, str] = {}  # a unit's code, where a form wrote one before its name
    parents: dict[str, tuple[str, str, ParsedFiling]] = {}  # unit → (parent, source, form)
    for source, filing in incoming.values():
        codes.update({normalise_unit_name(name): code for name, code in filing.unit_codes.items()})
        kind = kind_named(filing.kind)
        for name in _unit_fields(kind):
            written = str(filing.value(name))
            if written:
                names.setdefault(normalise_unit_name(written), written)
        unit, parent = normalise_unit_name(filing.department), normalise_unit_name(_parent_of(kind, filing))
        if parent and parent != unit:
            if unit in parents and parents[unit][0] != parent:
                raise FilingImportError(
                    f"{source}: 第{filing.line}行的申报表与{_where(*parents[unit][1:])}的申报表为同一单位"
                    f"「{filing.department}」填写了不同的上级单位，请核对"
                )
            parents.setdefault(unit, (parent, source, filing))
    found = Department.objects.filter(normalised_name__in=names).select_related("parent__parent")
    existing = {d.normalised_name: d for d in found}
    for unit, (parent, source, filing) in parents.items():
        if unit in existing and not existing[unit].answers_to(parent):
            raise FilingImportError(f"{_where(source, filing)}：{hierarchy_mismatch(filing, existing[unit])}")
    new = [
        Department(name=names[key], normalised_name=key, district=district_of(names[key]), code=codes.get(key, ""))
        for key in names
        if key not in existing
    ]
    created = {d.normalised_name: d for d in Department.objects.bulk_create(new)}
    existing.update(created)
    placed = []
    for unit, department in created.items():
        if unit in parents:
            department.parent = existing[parents[unit][0]]
            placed.append(department)
    Department.objects.bulk_update(placed, ["parent"])
    if created:
        Department.history.bulk_history_create(
            list(created.values()), default_user=user, default_date=when, default_change_reason="导入申报表时新建"
        )
    return existing


def _where(source: str, filing: ParsedFiling) -> str:
    return f"{source} 第{filing.line}行"


def hierarchy_mismatch(filing: ParsedFiling, unit: Department) -> str:
    """Why a form that names another parent for its stored unit is refused."""
    kind = kind_named(filing.kind)
    label = kind.field(kind.parent_unit).plain_label
    stored = unit.parent.name if unit.parent_id and unit.parent else "（无）"
    return (
        f"{label}「{_parent_of(kind, filing)}」与系统中「{unit.name}」的上级单位「{stored}」不符；"
        "导入不会改变单位的上下级关系，如确需调整，请由管理员在“预算单位”中修改后再导入"
    )


def _policy_basis(filing: ParsedFiling, name: str) -> str:
    # A few forms print a second basis (项目申报依据 beside 政策依据); keep it, under its label.
    text = str(filing.value(name))
    extra = [f"{label}：{other}" for label, other in filing.other_bases.items() if other]
    return "\n\n".join([text, *extra]) if extra else text


def header_values(
    filing: ParsedFiling, departments: dict[str, Department], links: dict[tuple[int, str, str], Filing], year: int
) -> dict[str, Any]:
    """What the parsed form sets, by header field name: amounts in 元, units and links as objects."""
    kind = kind_named(filing.kind)
    unit = filing.amount_unit or AmountUnit.YUAN
    values: dict[str, Any] = {"fiscal_year": year, "amount_unit": unit}
    given = {**filing.values, **totals_or_sums(kind, filing.values, filing.tasks)}
    for header_field in kind.header:
        name = header_field.name
        if name == "fiscal_year" or (name not in given and name not in kind.layout_names):
            continue
        value = given.get(name)
        if header_field.is_amount:
            value = in_yuan(value, unit)
        elif isinstance(header_field.type, Unit):
            written = str(value or "") or (filing.department if name == kind.parent_unit else "")
            value = departments.get(normalise_unit_name(written)) if written else None
        elif isinstance(header_field.type, FilingLink):
            value = links.get((year, normalise_unit_name(filing.department), str(value))) if value else None
        elif header_field.label_field:
            values[header_field.label_field] = filing.labels.get(name) or header_field.plain_label
            value = _policy_basis(filing, name)
        elif value is None:
            value = header_field.type.empty
        values[name] = value
    if kind.tasks is not None:
        values["amount_places"] = printed_places(filing)
    return values


def kept_fields(kind: FormKind, filing: ParsedFiling, values: Mapping[str, Any]) -> dict[str, str]:
    """What the filing keeps beside its header fields (``Filing.extra_fields``): the fields its layout
    adds and the labels no layout knows, and a linked filing the form names that is not there (a 一级项目
    not filed yet), under its label marked 未关联, so that the name it wrote is not lost."""
    kept = dict(filing.extra_fields)
    for header_field in kind.header:
        written = filing.values.get(header_field.name)
        if isinstance(header_field.type, FilingLink) and written and values.get(header_field.name) is None:
            kept[f"{header_field.plain_label}（未关联）"] = str(written)
    return kept


def printed_places(filing: ParsedFiling) -> int | None:
    """The decimals the form printed its task amounts and 合计 with (``1,097`` → 0, ``13.10`` → 2)."""
    names = ("total_amount", "fiscal_amount", "other_amount")
    amounts = [getattr(task, name) for task in filing.tasks for name in names]
    amounts += [filing.values.get(name) for name in names]
    exponents = [a.as_tuple().exponent for a in amounts if isinstance(a, Decimal)]
    places = [-e for e in exponents if isinstance(e, int)]
    return min(max(0, *places), AMOUNT_PLACES[filing.amount_unit or "元"]) if places else None


def _rows(filing: Filing, parsed: ParsedFiling, categories: dict[tuple[str, str], Level2Category]) -> list[Indicator]:
    rows = []
    for position, row in enumerate(parsed.indicators, start=1):
        extras: dict[str, Any] = dict(row.extras)
        if "weight" in extras:
            extras["weight"] = read_number(extras["weight"])  # the parsers let only numbers through
        indicator = Indicator(
            filing=filing,
            category=categories[(row.level1, row.level2)],
            position=position,
            name=row.name,
            value=row.value,
            explanation=row.explanation,
            not_applicable=row.not_applicable,
            source_line=row.line,
            **extras,
        )
        indicator.read_value()
        rows.append(indicator)
    return rows


def _tasks(filing: Filing, parsed: ParsedFiling) -> list[OverallTask]:
    unit = parsed.amount_unit or AmountUnit.YUAN
    return [
        OverallTask(
            filing=filing,
            position=position,
            name=task.name,
            content=task.content,
            total_amount=in_yuan(task.total_amount, unit),
            fiscal_amount=in_yuan(task.fiscal_amount, unit),
            other_amount=in_yuan(task.other_amount, unit),
            source_line=task.line,
        )
        for position, task in enumerate(parsed.tasks, start=1)
    ]


def _categories() -> dict[int, dict[tuple[str, str], Level2Category]]:
    """The categories of each template, by template id and then by (一级, 二级) name."""
    by_template: dict[int, dict[tuple[str, str], Level2Category]] = defaultdict(dict)
    for category in Level2Category.objects.select_related("parent"):
        by_template[category.parent.template_id][(category.parent.name, category.name)] = category
    return by_template


class _Templates:
    """The template a parsed form is stored under: the layout it was read in, else its kind's default."""

    def __init__(self) -> None:
        templates = list(FormTemplate.objects.all())
        self.by_code = {template.code: template for template in templates}
        self.defaults = {template.kind: template for template in templates if template.is_default}

    def of(self, parsed: ParsedFiling, *, keep: FormTemplate | None = None) -> FormTemplate:
        """``keep`` (a stored filing's layout) when the form fits it as well as any: a form that fits
        two layouts alike does not move its filing from one to the other."""
        if keep is not None and keep.code in (parsed.template, *parsed.also_fits):
            return keep
        found = self.by_code.get(parsed.template)
        return found if found is not None and found.kind == parsed.kind else self.defaults[parsed.kind]


def _assign(kind: FormKind, filing: Filing, header: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(filing if name in FILING_FIELDS else header, name, value)


def unsaved_filings(*, filings: dict[Key, ParsedFiling]) -> dict[Key, Unsaved]:
    """Each key's filing as the objects storing it would write, unsaved: what an import preview
    compares with the stored filing. Units are the stored ones where the name matches, so a preview
    shows the names the import would link to."""
    categories = _categories()
    templates = _Templates()
    names: dict[str, str] = {}
    for parsed in filings.values():
        for name in _unit_fields(kind_named(parsed.kind)):
            if written := str(parsed.value(name)):
                names.setdefault(normalise_unit_name(written), written)
    departments = {d.normalised_name: d for d in Department.objects.filter(normalised_name__in=names)}
    departments.update({key: Department(name=name) for key, name in names.items() if key not in departments})
    links = _program_links({key: ("", parsed) for key, parsed in filings.items()})
    unsaved = {}
    for key, parsed in filings.items():
        kind = kind_named(parsed.kind)
        template = templates.of(parsed)
        filing = Filing(kind=kind.code, template=template)
        header = header_model(kind.code)(filing=filing)
        values = header_values(parsed, departments, links, key[1])
        _assign(kind, filing, header, values)
        filing.extra_fields = kept_fields(kind, parsed, values)
        rows = _rows(filing, parsed, categories[template.pk])
        unsaved[key] = Unsaved(filing, header, rows, _tasks(filing, parsed))
    return unsaved


def store_filings(
    *,
    parsed: dict[str, list[ParsedFiling]],
    year: int | None = None,
    user: User | None = None,
    versions: Mapping[int, int] | None = None,
) -> ImportResult:
    """Creates or updates one filing per form; an update replaces the filing's rows and tasks.

    ``parsed`` maps each source's name to its forms. A person's import finds only the filings they
    may file for (``user``; None for the application's own imports, which find every filing): to
    them another unit's filing does not exist, and a form with its code cannot be stored.

    Every filing updated is claimed at the version its preview read (``versions``, by filing id), or
    else at the version read here, in one statement (``claim_versions``): of two imports, or an
    import and a save on the filing page, at the same version exactly one is stored; the other is
    refused having written nothing.
    """
    result = ImportResult()
    incoming, result.years = incoming_forms(parsed, year)
    categories = _categories()
    templates = _Templates()
    # One time for every record the import writes, so that a filing's history shows it as one change.
    when = timezone.now()
    with transaction.atomic():
        existing = _existing_filings(incoming, user)
        _claim(existing, versions)
        departments = _departments(incoming, user=user, when=when)
        moved_from: set[tuple[int, int]] = set()
        headers: dict[Key, Any] = {}
        links = _program_links(incoming)
        for key, (source, parsed_filing) in incoming.items():
            kind = kind_named(parsed_filing.kind)
            stored = existing.get(key)
            if stored is None:
                filing = Filing(kind=kind.code)
                header = header_model(kind.code)(filing=filing)
                result.created.append(filing)
            else:
                filing, header = stored, stored.header
                moved_from |= exported_under(filing)
                result.updated.append(filing)
            # The form says its layout; the fields that layout adds, and labels none knows, come with it.
            filing.template = templates.of(parsed_filing, keep=stored.template if stored is not None else None)
            values = header_values(parsed_filing, departments, links, key[1])
            _assign(kind, filing, header, values)
            filing.extra_fields = kept_fields(kind, parsed_filing, values)
            filing.source_file, filing.source_line = source, parsed_filing.line
            headers[key] = header
        _create(result.created, incoming, user=user, when=when)
        if result.updated:
            bulk_update_with_history(result.updated, Filing, _FILING_COLUMNS, default_user=user, default_date=when)
        _store_headers(incoming, headers, existing, user=user, when=when)
        _replace_rows(result, incoming, categories, user=user, when=when)
        filings_changed(filings=result.created + result.updated, previously=moved_from)
    return result


def _claim(existing: dict[Key, Filing], versions: Mapping[int, int] | None) -> None:
    """Claims every filing the import updates (see ``store_filings``); its version moves on by one."""
    if versions is not None:
        appeared = [filing for filing in existing.values() if filing.pk not in versions]
        if appeared:
            listed = "、".join(filing.title for filing in appeared[:5])
            raise FilingImportError(f"在预览之后，他人新建了以下申报表，本次没有写入任何数据，请重新导入：{listed}")
    expected = {
        filing.pk: versions[filing.pk] if versions is not None else filing.version for filing in existing.values()
    }
    try:
        claim_versions(versions=expected)
    except FilingError as error:
        raise FilingImportError(error.message) from error
    for filing in existing.values():
        filing.version = expected[filing.pk] + 1


def _create(
    filings: list[Filing], incoming: dict[Key, tuple[str, ParsedFiling]], *, user: User | None, when: datetime
) -> None:
    """Creates the new filings. One whose identity a filing the importer may not see holds is refused
    as the filing page refuses a taken code, saying neither whose it is nor in which state."""
    if user is not None and not is_administrator(user):
        taken = set(existing_filings(stored_key(filing) for filing in filings))
        for filing in filings:
            if (key := stored_key(filing)) in taken:
                source, form = incoming[key]
                raise FilingImportError(f"{_where(source, form)}：{identity_taken_message(filing)}")
    try:
        bulk_create_with_history(filings, Filing, default_user=user, default_date=when)
    except IntegrityError as error:  # created by someone else at this very moment; the import rolls back
        raise FilingImportError(
            f"{identity_taken_message(filings[0])}（或同时导入的其他申报表），请核对后重新导入"
        ) from error


# The filing's own columns an import writes (its unit, name and code, where it came from, its version).
_FILING_COLUMNS = [
    "department",
    "name",
    "code",
    "amount_unit",
    "source_file",
    "source_line",
    "version",
    "template",
    "extra_fields",
]


def _program_links(incoming: dict[Key, tuple[str, ParsedFiling]]) -> dict[tuple[int, str, str], Filing]:
    """The stored 一级 filings the incoming 二级 forms name as their 一级项目, by (year, unit, name)."""
    wanted = {
        (key[1], normalise_unit_name(parsed.department), str(parsed.value("program")))
        for key, (_, parsed) in incoming.items()
        if parsed.value("program")
    }
    if not wanted:
        return {}
    found = Filing.objects.filter(
        kind="program",
        fiscal_year__in={year for year, _, _ in wanted},
        department__normalised_name__in={unit for _, unit, _ in wanted},
        name__in={name for _, _, name in wanted},
    ).select_related("department")
    return {(f.fiscal_year, f.department.normalised_name, f.name): f for f in found}


def _store_headers(
    incoming: dict[Key, tuple[str, ParsedFiling]],
    headers: dict[Key, Any],
    existing: dict[Key, Filing],
    *,
    user: User | None,
    when: Any,
) -> None:
    by_kind: dict[str, tuple[list[Any], list[Any]]] = defaultdict(lambda: ([], []))
    for key, header in headers.items():
        header.filing_id = header.filing.pk  # the filing has its id now
        by_kind[key[0]][0 if key in existing else 1].append(header)
    for code, (updated, created) in by_kind.items():
        model = header_model(code)
        if created:
            bulk_create_with_history(created, model, default_user=user, default_date=when)
        if updated:
            names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
            bulk_update_with_history(updated, model, names, default_user=user, default_date=when)


def _replace_rows(
    result: ImportResult,
    incoming: dict[Key, tuple[str, ParsedFiling]],
    categories: dict[int, dict[tuple[str, str], Level2Category]],
    *,
    user: User | None,
    when: Any,
) -> None:
    """The imported filings' rows and tasks, the old ones deleted with a history record each."""
    if result.updated:
        delete_with_history(list(Indicator.objects.filter(filing__in=result.updated)), user=user, when=when)
        delete_with_history(list(OverallTask.objects.filter(filing__in=result.updated)), user=user, when=when)
    rows: list[Indicator] = []
    tasks: list[OverallTask] = []
    for filing in result.created + result.updated:
        parsed = incoming[stored_key(filing)][1]
        rows += _rows(filing, parsed, categories[filing.template_id])
        tasks += _tasks(filing, parsed)
    bulk_create_with_history(rows, Indicator, default_user=user, default_date=when)
    if tasks:
        bulk_create_with_history(tasks, OverallTask, default_user=user, default_date=when)


def existing_filings(keys: Iterable[Key]) -> dict[Key, Filing]:
    """The stored filings with these keys, their units and headers read at once."""
    keys = set(keys)
    if not keys:
        return {}
    condition = Q()
    for kind_code in {key[0] for key in keys}:
        kind = kind_named(kind_code)
        of_kind = [key for key in keys if key[0] == kind_code]
        years = {key[1] for key in of_kind}
        if kind.identity[0] == "department":
            condition |= Q(
                kind=kind_code, fiscal_year__in=years, department__normalised_name__in={k[2] for k in of_kind}
            )
        else:
            condition |= Q(kind=kind_code, fiscal_year__in=years, code__in={k[2] for k in of_kind})
    relations = [header_relation(code) for code in {key[0] for key in keys}]
    found = Filing.objects.filter(condition).select_related("department__parent", "template", *relations)
    return {key: filing for filing in found if (key := stored_key(filing)) in keys}


def _existing_filings(incoming: dict[Key, tuple[str, ParsedFiling]], user: User | None) -> dict[Key, Filing]:
    found = existing_filings(incoming)
    if user is not None:
        found = visible_to_filer(found, user)
    locked = [filing for filing in found.values() if filing.status not in EDITABLE_STATUSES]
    if locked:
        listed = "、".join(f"{filing.title}（{filing.get_status_display()}）" for filing in locked[:5])
        raise FilingImportError(f"以下申报表已送审或审核通过，不能被导入覆盖：{listed}")
    return found


def visible_to_filer(found: dict[Key, Filing], user: User) -> dict[Key, Filing]:
    """The filings among ``found`` that ``user`` may file for: to a person importing, the others do
    not exist, so that no answer tells them another unit's codes, names or states."""
    if is_administrator(user):
        return found
    mine = set(
        filing_departments_for(user)
        .filter(pk__in={f.department_id for f in found.values()})
        .values_list("pk", flat=True)
    )
    return {key: filing for key, filing in found.items() if filing.department_id in mine}
