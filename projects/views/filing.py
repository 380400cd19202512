"""The filing page: create or edit a filing of any kind, its header, rows and tasks, on one form.

The page follows the filing's layout (``Filing.form_kind``): its header fields, the fields it adds, the
columns of its indicator table. A new filing is made in the layout (表样) the filer chooses among the
kind's templates, by default the one of the filer's unit (``Department.template``) or the kind's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from indicators.models import FormTemplate, Level1Category, Level2Category
from projects import selectors
from projects.forms import (
    COLUMN_SUGGESTIONS,
    PROJECT_TYPES,
    BaseRowFormSet,
    BaseTaskFormSet,
    FilingHeaderForm,
    OverwriteForm,
    row_formset,
    task_formset,
)
from projects.history import user_label
from projects.kinds import kind_named
from projects.kinds.base import FormKind
from projects.kinds.layouts import kind_in_layout
from projects.layout import category_levels
from projects.models import AmountUnit, Filing, Role, Status, Transition
from projects.notes import Note, Notes, notes_from
from projects.services.filing import (
    FilingError,
    StaleFilingError,
    filing_create,
    filing_save_and_submit,
    filing_update,
)
from projects.services.review import TransitionError, submission_problems
from projects.typing import SignedInRequest
from projects.views.detail import stored_findings


@dataclass
class CategoryBlock:
    category: Level2Category
    forms: list[Any] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)


@dataclass
class LevelBlock:
    category: Level1Category
    blocks: list[CategoryBlock]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _indicator_blocks(
    levels: list[Level1Category], formset: BaseRowFormSet, notes: Notes, row_notes: dict[str, list[Note]]
) -> list[LevelBlock]:
    """The row forms sorted under their 二级指标, in the order of the official form; each row's notes
    found by its id, or by its form (``row_notes``, keyed by prefix) when the page was not saved."""
    blocks = {
        level2.pk: CategoryBlock(level2, notes=notes.categories.get(level2.pk, []))
        for level1 in levels
        for level2 in level1.children.all()
    }
    ordered = sorted(
        enumerate(formset.forms),
        key=lambda item: (_int(item[1]["position"].value()) or 10_000 + item[0], item[0]),
    )
    for _, form in ordered:
        block = blocks.get(_int(form["category"].value()) or 0)
        if block is not None:
            form.notes = notes.rows.get(_int(form["id"].value()) or 0) or row_notes.get(form.prefix, [])
            block.forms.append(form)
    return [LevelBlock(level1, [blocks[level2.pk] for level2 in level1.children.all()]) for level1 in levels]


def filing_notes(filing: Filing) -> Notes:
    """What the page shows beside fields and rows after a submission attempt: everything that blocks 送审."""
    return notes_from(submission_problems(filing))


def check_notes(filing: Filing) -> Notes:
    """What the page shows while editing: every finding of the filing checks, errors and warnings, as
    stored by the last save (a page that was posted and not saved shows its own problems instead)."""
    return notes_from(stored_findings(filing))


@dataclass
class _Page:
    """The forms of one filing page."""

    kind: FormKind
    form: FilingHeaderForm
    rows: BaseRowFormSet
    tasks: BaseTaskFormSet | None

    def is_valid(self) -> bool:
        forms_valid = [self.form.is_valid(), self.rows.is_valid()]
        if self.tasks is not None:
            forms_valid.append(self.tasks.is_valid())
        return all(forms_valid)

    def task_inputs(self) -> Any:
        if self.tasks is None:
            return None
        return self.tasks.tasks(self.form.cleaned_data.get("amount_unit") or AmountUnit.YUAN)


def _page(request: HttpRequest, kind: FormKind, filing: Filing | None, template: FormTemplate) -> _Page:
    data = request.POST if request.method == "POST" else None
    form = FilingHeaderForm(data, kind=kind, user=request.user, filing=filing)
    if filing is None:
        blank = [c.pk for level in category_levels(template.pk) for c in level.children.all()]
        rows = row_formset(None, data, blank_categories=blank, kind=kind)
    else:
        rows = row_formset(filing, data)
    tasks = task_formset(filing, data) if kind.tasks is not None else None
    return _Page(kind, form, rows, tasks)


def _render(
    request: HttpRequest,
    page: _Page,
    *,
    filing: Filing | None,
    template: FormTemplate,
    notes: Notes | None = None,
    overwrite: OverwriteForm | None = None,
    status: int = 200,
    notes_block_submission: bool = True,
    row_notes: dict[str, list[Note]] | None = None,
) -> HttpResponse:
    notes = notes or notes_from([])
    levels = category_levels(template.pk)
    layout = template.layout()
    context = {
        # A page posted and not saved: leaving it asks first (static/js/filing_form.js).
        "unsaved": request.method == "POST",
        "returned": _last_return(filing),
        "filing": filing,
        "kind": page.kind,
        "form": page.form,
        "formset": page.rows,
        "tasks": page.tasks,
        "columns": page.rows.columns,
        "layout": layout,
        "title": layout.title or page.kind.title,
        "layout_choices": _layout_choices(page.kind) if filing is None else [],
        "suggestions": COLUMN_SUGGESTIONS,
        "narrow_columns": NARROW_COLUMNS,
        "levels": _indicator_blocks(levels, page.rows, notes, row_notes or {}),
        "notes": notes,
        "notes_block_submission": notes_block_submission,
        "overwrite": overwrite,
        "project_types": PROJECT_TYPES,
    }
    return render(request, "projects/filing_form.html", context, status=status)


def _last_return(filing: Filing | None) -> dict[str, Any] | None:
    """Who returned a returned filing, when and why: shown at the top of its edit page."""
    if filing is None or filing.status != Status.RETURNED:
        return None
    step = (
        Transition.objects.filter(filing=filing, to_status=Status.RETURNED)
        .select_related("user")
        .order_by("-at", "-pk")
    ).first()
    return None if step is None else {"who": user_label(step.user), "at": step.at, "reason": step.comment}


def _save(
    request: SignedInRequest, page: _Page, *, filing: Filing | None, template: FormTemplate, version: int
) -> Filing:
    """Saves the page; with 保存并送审 also submits it, saving nothing when the submission is refused."""
    header, rows, tasks = page.form.header(), page.rows.rows(), page.task_inputs()
    user, kind = request.user, page.kind
    if "submit" in request.POST:
        return filing_save_and_submit(
            user=user,
            kind=kind,
            header=header,
            rows=rows,
            tasks=tasks,
            filing=filing,
            version=version,
            template=template,
        )
    if filing is None:
        return filing_create(user=user, kind=kind, header=header, rows=rows, tasks=tasks, template=template)
    return filing_update(filing=filing, user=user, header=header, rows=rows, tasks=tasks, version=version)


def _saved(request: SignedInRequest, filing: Filing) -> HttpResponse:
    if filing.status == Status.SUBMITTED:
        messages.success(request, "已保存并送审，等待审核")
        return redirect("projects:filing_detail", pk=filing.pk)
    messages.success(request, f"已保存草稿（第 {filing.version} 版）")
    return redirect("projects:filing_edit", pk=filing.pk)


def _refused(
    request: SignedInRequest, page: _Page, error: TransitionError, *, filing: Filing | None, template: FormTemplate
) -> HttpResponse:
    """A refused 保存并送审: nothing was saved; the page comes back as it was sent, with every problem."""
    messages.error(request, f"未能送审：{error.message}。本页内容尚未保存：请按提示修改后再送审，或先保存草稿")
    notes = notes_from(error.problems)
    forms = page.rows.kept_forms()
    row_notes: dict[str, list[Note]] = {}
    for problem, note in zip(error.problems, notes.all, strict=True):
        if problem.row is not None and problem.row < len(forms):
            row_notes.setdefault(str(forms[problem.row].prefix), []).append(note)
    return _render(request, page, filing=filing, template=template, notes=notes, row_notes=row_notes)


# The columns of a short word or figure (≥, %, 10, 正向指标): narrow, leaving the width to the texts.
NARROW_COLUMNS = frozenset({"nature", "measure", "weight", "direction", "score"})

_UNSAVED = "未能保存：请按提示修改标红的栏目，您填写的内容仍在本页"


def _layout_choices(kind: FormKind) -> list[FormTemplate]:
    """The layouts a new filing of the kind may be made in; none to choose from when there is one."""
    templates = list(FormTemplate.objects.filter(kind=kind.code).order_by("-is_default", "pk"))
    return templates if len(templates) > 1 else []


def _new_filing_template(request: SignedInRequest, kind_code: str) -> FormTemplate:
    """The layout of a new filing: the one the page chose (``layout``, posted with the page or asked for
    in its address), otherwise that of the filer's units when they share one, otherwise the kind's own."""
    templates = FormTemplate.objects.filter(kind=kind_code)
    chosen = request.POST.get("layout") or request.GET.get("layout")
    if chosen and (template := templates.filter(code=chosen).first()) is not None:
        return template
    if kind_code == "project":
        units = selectors.filing_departments_for(request.user)
        shared = set(units.order_by().values_list("template_id", flat=True).distinct()[:2])
        if len(shared) == 1 and (template := templates.filter(pk=shared.pop()).first()) is not None:
            return template
    return FormTemplate.default(kind_code)


@login_required
def filing_create_view(request: SignedInRequest, kind: str) -> HttpResponse:
    try:
        form_kind = kind_named(kind)
    except LookupError:
        raise Http404("没有这种申报表") from None
    if not selectors.filing_departments_for(request.user).exists():
        raise PermissionDenied("您不是任何单位的填报人，不能新建申报表")
    template = _new_filing_template(request, form_kind.code)
    form_kind = kind_in_layout(form_kind, template.layout())
    page = _page(request, form_kind, None, template)
    if request.method == "POST" and page.is_valid():
        try:
            filing = _save(request, page, filing=None, template=template, version=0)
        except FilingError as error:
            messages.error(request, error.message)
        except TransitionError as error:
            return _refused(request, page, error, filing=None, template=template)
        else:
            return _saved(request, filing)
    elif request.method == "POST":
        messages.error(request, _UNSAVED)
    return _render(request, page, filing=None, template=template)


@login_required
def filing_edit_view(request: SignedInRequest, pk: int) -> HttpResponse:
    filing = selectors.filing_for(request.user, pk, role=Role.FILER)
    if not filing.is_editable:
        messages.warning(request, f"该申报表{filing.get_status_display()}，不能修改")
        return redirect("projects:filing_detail", pk=filing.pk)
    page = _page(request, filing.form_kind, filing, filing.template)
    if request.method != "POST":
        after_submit = bool(request.GET.get("check"))
        notes = filing_notes(filing) if after_submit else check_notes(filing)
        return _render(
            request, page, filing=filing, template=filing.template, notes=notes,
            notes_block_submission=after_submit,
        )  # fmt: skip
    overwrite = OverwriteForm(request.POST)
    if not page.is_valid():
        messages.error(request, _UNSAVED)
        return _render(request, page, filing=filing, template=filing.template)
    version = page.form.cleaned_data["version"]
    if overwrite.is_valid() and overwrite.cleaned_data["overwrite"] and overwrite.cleaned_data["latest_version"]:
        # The filer has seen the newer version and chose to save this page over it; still refused
        # if yet another save happened since.
        version = overwrite.cleaned_data["latest_version"]
    current = selectors.filing_for(request.user, pk, role=Role.FILER)
    try:
        saved = _save(request, page, filing=current, template=current.template, version=version)
    except StaleFilingError as error:
        messages.error(request, error.message)
        offer = OverwriteForm(initial={"latest_version": error.current_version})
        return _render(request, page, filing=filing, template=filing.template, overwrite=offer, status=409)
    except FilingError as error:
        messages.error(request, error.message)
        return _render(request, page, filing=filing, template=filing.template)
    except TransitionError as error:
        return _refused(request, page, error, filing=filing, template=filing.template)
    return _saved(request, saved)
