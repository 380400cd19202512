"""The same forms printed by headless Chromium, as the yardstick of the PDF benchmark."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]
_BODY = re.compile(r"<body>(.*)</body>", re.S)


def one_document(htmls: list[str], css: str) -> str:
    """The forms in one HTML document, each from a new page (Chromium numbers pages across all)."""
    bodies = "".join(f'<div class="form">{_body(html)}</div>' for html in htmls)
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<style>{css}\n.form + .form {{ break-before: page; }}</style></head><body>{bodies}</body></html>"
    )


def _body(html: str) -> str:
    match = _BODY.search(html)
    if match is None:
        raise ValueError("the form's HTML has no <body>")
    return match.group(1)


def print_to_pdf(html: str, output: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="budgetperf-chromium-") as scratch:
        page = Path(scratch) / "forms.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={scratch}/profile", f"--print-to-pdf={output}", page.as_uri()],
            check=True,
            capture_output=True,
            timeout=600,
        )
