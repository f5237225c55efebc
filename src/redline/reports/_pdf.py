"""HTML to PDF through a real browser engine: headless Chromium, else WeasyPrint.

Chromium renders the report exactly as a browser shows it (inline SVG,
CSS print rules); it is found as ``$REDLINE_CHROMIUM`` or on ``PATH``
(``chromium``, ``chromium-browser``, ``google-chrome``). A report has no script
and is self-contained, so nothing is fetched while it prints. Without Chromium, WeasyPrint is used when installed (it needs the Pango library).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from redline.errors import ConfigError, RedlineError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT_S = 120


def find_chromium() -> str | None:
    env = os.environ.get("REDLINE_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_args(binary: str, profile: Path) -> list[str]:
    return [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--no-first-run", "--disable-dev-shm-usage",
            f"--user-data-dir={profile}"]


def _chromium_pdf(binary: str, html: str, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="redline-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        cmd = [*chromium_args(binary, Path(tmp) / "profile"), "--no-pdf-header-footer",
               f"--print-to-pdf={target}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise RedlineError(f"Chromium did not finish the PDF in {TIMEOUT_S} s") from exc
        if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise RedlineError(f"Chromium ({binary}) made no PDF (exit {proc.returncode}): "
                               + " | ".join(tail))
        shutil.move(str(target), out)


def _weasyprint_pdf(html: str, out: Path) -> bool:
    try:
        from weasyprint import HTML  # type: ignore[import-not-found]
    except (ImportError, OSError):
        return False
    HTML(string=html).write_pdf(str(out))
    return True


def html_to_pdf(html: str, out: Path) -> str:
    """Write ``html`` as a PDF to ``out``; returns the renderer used."""
    binary = find_chromium()
    if binary is not None:
        _chromium_pdf(binary, html, out)
        return "chromium"
    if _weasyprint_pdf(html, out):
        return "weasyprint"
    raise ConfigError("a PDF needs a browser engine: install Chromium (`apt-get install "
                      "chromium`, or set REDLINE_CHROMIUM to its path) or WeasyPrint "
                      "(`pip install weasyprint`); or write --format html and print it")
