"""axe-core in the page under test: the accessibility rules a screen-reader or keyboard user needs.

axe-core comes from npm, pinned by axe_core/'s lockfile and installed on first use the way
react_app/'s dependencies are, and is injected into the page (the page never ships it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page

AXE_PACKAGE = Path(__file__).parent / "axe_core"
AXE_SCRIPT = AXE_PACKAGE / "node_modules" / "axe-core" / "axe.min.js"
NPM_INSTALL_TIMEOUT_SECONDS = 300
# The impacts that fail a test; "minor" and "moderate" findings are reported by axe but left to
# review.
BLOCKING_IMPACTS = ("serious", "critical")


def install_axe() -> Path:
    if AXE_SCRIPT.is_file():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("`npm` is not on PATH; the accessibility checks need Node 20 and npm")
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=AXE_PACKAGE,
            capture_output=True,
            text=True,
            timeout=NPM_INSTALL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`npm ci` for axe-core did not finish in {NPM_INSTALL_TIMEOUT_SECONDS} s")
    if done.returncode != 0 or not AXE_SCRIPT.is_file():
        pytest.fail(f"`npm ci` for axe-core failed:\n{done.stdout}\n{done.stderr}")
    return AXE_SCRIPT


def blocking_violations(page: Page | Frame) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page once its animations have ended,
    each with the selectors of the nodes at fault (an empty list passes)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the browser's debugging protocol rather than added as a <script>: the
        # pages' Content-Security-Policy refuses inline scripts, as it should.
        page.evaluate(install_axe().read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            // A pane fading or rising in is part transparent, and axe would measure its text's
            // contrast mid-way: wait for every animation that ends (not spinners) to end.
            const ending = document.getAnimations().filter(
                (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity
            );
            await Promise.all(ending.map((a) => a.finished.catch(() => null)));
            const results = await window.axe.run(document, { resultTypes: ["violations"] });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
