"""The filing page: create or edit a project's header and indicator rows on one form."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from checks.services import findings_for
from indicators.models import FormTemplate, Level1Category, Level2Category
from projects import selectors
from projects.forms import PROJECT_TYPES, OverwriteForm, ProjectHeaderForm, row_formset
from projects.layout import template_categories
from projects.models import Project, Role
from projects.notes import Notes, notes_from
from projects.services.filing import FilingError, StaleFilingError, project_create, project_update
from projects.services.review import EDITABLE_STATUSES, TransitionError, project_submit, submission_problems


@dataclass
class CategoryBlock:
    category: Level2Category
    forms: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class LevelBlock:
    category: Level1Category
    blocks: list[CategoryBlock]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _indicator_blocks(levels: list[Level1Category], formset, notes: Notes) -> list[LevelBlock]:
    """The row forms sorted under their 二级指标, in the order of the official form."""
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
        category_id, row_id = _int(form["category"].value()), _int(form["id"].value())
        block = blocks.get(category_id) if category_id is not None else None
        if block is not None:
            form.notes = notes.rows.get(row_id, []) if row_id is not None else []
            block.forms.append(form)
    return [LevelBlock(level1, [blocks[level2.pk] for level2 in level1.children.all()]) for level1 in levels]


def filing_notes(project: Project) -> Notes:
    """What the page shows beside fields and rows after a submission attempt: everything that
    blocks 送审."""
    return notes_from(submission_problems(project))


def check_notes(project: Project) -> Notes:
    """What the page shows while editing: every finding of the filing checks, errors and warnings."""
    return notes_from(findings_for(project))


def _render(
    request,
    *,
    project: Project | None,
    form,
    formset,
    template_id: int,
    notes: Notes | None = None,
    overwrite: OverwriteForm | None = None,
    status: int = 200,
    notes_block_submission: bool = True,
):
    notes = notes or notes_from([])
    levels = template_categories(template_id)
    context = {
        "project": project,
        "form": form,
        "formset": formset,
        "levels": _indicator_blocks(levels, formset, notes),
        "notes": notes,
        "notes_block_submission": notes_block_submission,
        "overwrite": overwrite,
        "project_types": PROJECT_TYPES,
    }
    return render(request, "projects/project_form.html", context, status=status)


def _after_save(request, project: Project):
    """Save, or save and submit: a refused submission comes back to the form with what is missing."""
    if "submit" not in request.POST:
        messages.success(request, f"已保存草稿（第 {project.version} 版）")
        return redirect("projects:project_edit", pk=project.pk)
    try:
        project_submit(project=project, user=request.user)
    except TransitionError as error:
        messages.error(request, f"已保存，但未能送审：{error.message}")
        return redirect(reverse("projects:project_edit", args=[project.pk]) + "?check=1")
    messages.success(request, "已保存并送审，等待审核")
    return redirect("projects:project_detail", pk=project.pk)


@login_required
def project_create_view(request):
    if not selectors.filing_departments_for(request.user).exists():
        raise PermissionDenied("您不是任何单位的填报人，不能新建项目")
    template = FormTemplate.default()
    form = ProjectHeaderForm(
        request.POST or None, user=request.user, initial={"fiscal_year": timezone.localdate().year}
    )
    levels = template_categories(template.pk)
    formset = row_formset(
        None, request.POST or None, blank_categories=[c.pk for level in levels for c in level.children.all()]
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            project = project_create(user=request.user, header=form.header(), rows=formset.rows(), template=template)
        except FilingError as error:
            messages.error(request, error.message)
        else:
            return _after_save(request, project)
    elif request.method == "POST":
        messages.error(request, "未能保存：请按提示修改标红的栏目，您填写的内容仍在本页")
    return _render(request, project=None, form=form, formset=formset, template_id=template.pk)


@login_required
def project_edit_view(request, pk):
    project = selectors.project_for(request.user, pk, role=Role.FILER)
    if project.status not in EDITABLE_STATUSES:
        messages.warning(request, f"该项目{project.get_status_display()}，不能修改")
        return redirect("projects:project_detail", pk=project.pk)
    if request.method != "POST":
        form = ProjectHeaderForm(instance=project, user=request.user)
        formset = row_formset(project)
        after_submit = bool(request.GET.get("check"))
        notes = filing_notes(project) if after_submit else check_notes(project)
        return _render(
            request,
            project=project,
            form=form,
            formset=formset,
            template_id=project.template_id,
            notes=notes,
            notes_block_submission=after_submit,
        )

    form = ProjectHeaderForm(request.POST, instance=project, user=request.user)
    formset = row_formset(project, request.POST)
    overwrite = OverwriteForm(request.POST)
    if not (form.is_valid() and formset.is_valid()):
        messages.error(request, "未能保存：请按提示修改标红的栏目，您填写的内容仍在本页")
        return _render(request, project=project, form=form, formset=formset, template_id=project.template_id)
    version = form.cleaned_data["version"]
    if overwrite.is_valid() and overwrite.cleaned_data["overwrite"] and overwrite.cleaned_data["latest_version"]:
        # The filer has seen the newer version and chose to save this page over it; still refused
        # if yet another save happened since.
        version = overwrite.cleaned_data["latest_version"]
    try:
        project = project_update(
            project=selectors.project_for(request.user, pk, role=Role.FILER),
            user=request.user,
            header=form.header(),
            rows=formset.rows(),
            version=version,
        )
    except StaleFilingError as error:
        messages.error(request, error.message)
        offer = OverwriteForm(initial={"latest_version": error.current_version})
        return _render(
            request,
            project=project,
            form=form,
            formset=formset,
            template_id=project.template_id,
            overwrite=offer,
            status=409,
        )
    except FilingError as error:
        messages.error(request, error.message)
        return _render(request, project=project, form=form, formset=formset, template_id=project.template_id)
    return _after_save(request, project)
