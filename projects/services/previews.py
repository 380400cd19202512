"""What an import would change, shown before anything is stored: the preview of a workbook upload
(``excel_import``) and of the admin's text import, form by form, field by field and row by row.

A preview also remembers the version of every stored filing it read. The confirmation is stored
against those versions (``imports.store_filings``), so a filing saved by someone else between the
preview and the confirmation is never overwritten by what the preview did not show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from checks.services import check_filing
from checks.sources import filing_from_parsed
from projects.kinds import kind_named
from projects.models import Filing
from projects.parsers.filing import ParsedFiling
from projects.services.imports import (
    Key,
    SourceFile,
    existing_filings,
    incoming_forms,
    parse_sources,
    store_filings,
    unsaved_filings,
    visible_to_filer,
)
from projects.services.snapshots import FieldChange, RowChange, TaskChange, filing_diff, filing_snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from checks.findings import Finding


@dataclass
class FilingChange:
    """What storing one form would do to the filing its key finds: create it, change it, or nothing.

    ``place`` says where the form is: a workbook's sheet, or a text file and line.
    """

    place: str
    kind: str
    year: int
    year_source: str
    code: str
    name: str
    department: str
    created: bool
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    tasks: list[TaskChange] = field(default_factory=list)
    # What the checks find on the form as it would be stored (a preview), errors first.
    findings: list[Finding] = field(default_factory=list)
    # The stored filing, once there is one to link to (the filing updated, or created by the import).
    filing_id: int | None = None
    # The row columns the changes show, (key, heading): the layout's, then any other a changed row fills.
    columns: list[tuple[str, str]] = field(default_factory=list)

    @property
    def sheet(self) -> str:
        """The place, as the workbook preview names its column (工作表)."""
        return self.place

    @property
    def unchanged(self) -> bool:
        return not self.created and not self.fields and not self.rows and not self.tasks

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_error]

    @property
    def kind_name(self) -> str:
        return kind_named(self.kind).short_name


def versions_as_json(versions: Mapping[int, int]) -> dict[str, int]:
    """A preview's versions as a session or a job keeps them (JSON, whose keys are text)."""
    return {str(pk): version for pk, version in versions.items()}


def versions_from_json(kept: Mapping[str, int] | None) -> dict[int, int] | None:
    """The versions ``versions_as_json`` kept; None when none were (the filings are then claimed at
    the version the confirmation reads)."""
    return None if kept is None else {int(pk): int(version) for pk, version in kept.items()}


def filing_changes(
    forms: Mapping[Key, tuple[str, str, ParsedFiling]], existing: Mapping[Key, Filing], *, checked: bool = False
) -> list[FilingChange]:
    """For each form by its key, with its place and where its year came from, what storing it would
    change in the filing ``existing`` holds under that key (a filing not there would be created), and
    with ``checked`` what the checks will find on it. The checks read the form itself, not a trial
    store, so a form whose code another unit holds is answered for as any new one."""
    before = {key: filing_snapshot(filing) for key, filing in existing.items()}
    unsaved = unsaved_filings(filings={key: form for key, (_, _, form) in forms.items()})
    # Each form is checked in the layout it was read in, as it will be once stored.
    templates = {unsaved[key].filing.template_id: unsaved[key].filing.template for key in forms} if checked else {}
    specs = {pk: template.spec() for pk, template in templates.items()}
    changes = []
    for key, (place, year_source, form) in forms.items():
        after = filing_snapshot(unsaved[key].filing, unsaved[key].rows, unsaved[key].tasks, header=unsaved[key].header)
        new = after["fields"]
        change = FilingChange(
            place=place,
            kind=key[0],
            year=key[1],
            year_source=year_source,
            code=new.get("code", ""),
            name=new.get("name", ""),
            department=new.get("department", ""),
            created=key not in before,
        )
        if checked:
            template_id = unsaved[key].filing.template_id
            plain = filing_from_parsed(form, template=specs[template_id], fiscal_year=key[1])
            findings = check_filing(plain, template=templates[template_id])
            change.findings = sorted(findings, key=lambda finding: not finding.is_error)
        # A new filing reads as every field filled in and every row and task added: its contents.
        empty = {
            "kind": after["kind"],
            "fields": dict.fromkeys(new, ""),
            "extra_fields": dict.fromkeys(after.get("extra_fields", {}), ""),
            "rows": [],
            "tasks": [],
        }
        diff = filing_diff(empty if change.created else before[key], after, kind=unsaved[key].filing.form_kind)
        change.fields, change.rows, change.tasks, change.columns = diff.fields, diff.rows, diff.tasks, diff.columns
        changes.append(change)
    return changes


def hidden_keys(keys: Iterable[Key], visible: Mapping[Key, Filing]) -> set[Key]:
    """The keys among ``keys`` taken by a filing the importer may not see. A preview answers for them
    as for any new filing and leaves them out of its trial store, which would refuse them and so tell
    that they exist; the confirmation is refused as any new filing with a taken code is."""
    wanted = set(keys) - set(visible)
    return set(existing_filings(wanted)) if wanted else set()


def without(parsed: dict[str, list[ParsedFiling]], forms: Iterable[ParsedFiling]) -> dict[str, list[ParsedFiling]]:
    """``parsed`` without ``forms``."""
    left_out = {id(form) for form in forms}
    return {name: [form for form in found if id(form) not in left_out] for name, found in parsed.items()}


class ImportChanges:
    """An import's forms sorted the way its preview and its confirmation count them."""

    changes: list[FilingChange]

    @property
    def created(self) -> list[FilingChange]:
        return [c for c in self.changes if c.created]

    @property
    def updated(self) -> list[FilingChange]:
        return [c for c in self.changes if not c.created and not c.unchanged]

    @property
    def unchanged(self) -> list[FilingChange]:
        return [c for c in self.changes if c.unchanged]

    def summary(self, file_name: str) -> str:
        """What a confirmed workbook import did, as its page and its background job say it."""
        return (
            f"{file_name}：新建 {len(self.created)} 张申报表，更新 {len(self.updated)} 张，"
            f"{len(self.unchanged)} 张无变化"
        )


@dataclass
class TextImport(ImportChanges):
    """What a text import would do (its preview) or did, form by form, and the versions of the stored
    filings it read, which its confirmation is stored against."""

    changes: list[FilingChange]
    skipped: dict[str, tuple[int, list[str]]]
    versions: dict[int, int]
    stored: bool


def text_import(
    *,
    sources: list[SourceFile],
    user: User,
    year: int | None = None,
    dry_run: bool = False,
    versions: Mapping[int, int] | None = None,
) -> TextImport:
    """A person's import of filings in the published text layout: with ``dry_run`` what it would
    create and change (stored and rolled back, so that it refuses whatever storing would); otherwise
    stored, against the ``versions`` its preview read. Raises FilingImportError, having written nothing."""
    texts = parse_sources(sources)
    parsed = {name: text.filings for name, text in texts.items()}
    incoming, years = incoming_forms(parsed, year)
    existing = visible_to_filer(existing_filings(incoming), user)
    places = {key: (f"{source} 第{form.line}行", years[source][1], form) for key, (source, form) in incoming.items()}
    changes = filing_changes(places, existing, checked=dry_run)
    hidden = [incoming[key][1] for key in hidden_keys(incoming, existing)] if dry_run else []
    with transaction.atomic():
        store_filings(parsed=without(parsed, hidden), year=year, user=user, versions=versions)
        if dry_run:
            transaction.set_rollback(True)
        else:  # each stored filing, for the links of the confirmation
            stored = existing_filings(incoming)
            for key, change in zip(places, changes, strict=True):
                change.filing_id = stored[key].pk if key in stored else None
    skipped = {name: (text.skipped_lines, text.skipped_headings) for name, text in texts.items()}
    read = {filing.pk: filing.version for filing in existing.values()}
    return TextImport(changes, skipped, read, stored=not dry_run)


# The filings a confirmation's message links at most; a larger import is listed on the filing list.
LINKED_FILINGS = 30


def changed_filing_links(changes: Iterable[FilingChange]) -> tuple[list[dict[str, str]], int]:
    """A link to each filing an import created or updated (at most LINKED_FILINGS), as ``url`` and
    ``label``, and how many there were: what every confirmation shows (page, admin, background job)."""
    touched = [change for change in changes if change.filing_id is not None and not change.unchanged]
    links = [
        {
            "url": reverse("projects:filing_detail", args=[change.filing_id]),
            "label": f"{'新建 ' if change.created else ''}{change.name}",
        }
        for change in touched[:LINKED_FILINGS]
    ]
    return links, len(touched)


def linked_summary(summary: str, changes: Iterable[FilingChange]) -> str:
    """``summary``, then the links of ``changed_filing_links`` (safe HTML, for a message)."""
    links, total = changed_filing_links(changes)
    if not links:
        return summary
    listed = format_html_join("、", '<a href="{}">{}</a>', ((link["url"], link["label"]) for link in links))
    more = f" 等 {total} 张" if total > len(links) else ""
    return format_html("{}：{}{}", summary, listed, more)
