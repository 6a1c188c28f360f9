"""docs/LINK_PROTOCOL.md lists every `data-view` and `data-testid` the Link frame and the sandbox
bank's pages use: users' end-to-end tests click through Link by these names, so a name in the code
that the document does not list is a contract nobody promised to keep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK_JS = ROOT / "gingham" / "link" / "static" / "link.js"
DOC = ROOT / "docs" / "LINK_PROTOCOL.md"
TEMPLATES = [
    *sorted((ROOT / "gingham" / "oauth_bank" / "templates").glob("*.html")),
    *sorted((ROOT / "gingham" / "link" / "templates").glob("*.html")),
    ROOT / "gingham" / "oauth_bank" / "views.py",
]

_NAME = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?"
# Where link.js names a test id: the attribute itself, the `testid` option of button(), the
# helpers that take one (backButton, fieldInput, listCard), and the callbacks that make one per
# option (radioGroup's testidFor).
_TESTID_PATTERNS = [
    re.compile(rf'"data-testid":\s*"({_NAME})"(\s*\+)?'),
    re.compile(rf'\btestid:\s*"({_NAME})"(\s*\+)?'),
    re.compile(rf'\bbackButton\(\s*"({_NAME})"()'),
    re.compile(rf'\bfieldInput\([^;]*?,\s*"({_NAME})"(\s*\+)'),
    re.compile(rf'\breturn\s+"({_NAME})"(\s*\+)'),
]
# Calls only, not the definition.
_LIST_CARD = re.compile(r"(?<!function )\blistCard\(")
_SUFFIX = re.compile(r'\btestid\s*\+\s*"(-[a-z0-9-]+)"')
_VIEW_PATTERNS = [
    re.compile(r'\bpane\(\s*"([A-Z_]+)"'),
    re.compile(r'"data-view":\s*"([A-Z_]+)"'),
]


def _code_without_comments(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("//", "*", "/*"))]
    return "\n".join(lines)


def link_js_testids() -> tuple[set[str], set[str], set[str]]:
    """(whole names, prefixes a value completes, suffixes added to other names)."""
    code = _code_without_comments(LINK_JS.read_text(encoding="utf-8"))
    names: set[str] = set()
    prefixes: set[str] = set()
    for pattern in _TESTID_PATTERNS:
        for match in pattern.finditer(code):
            (prefixes if match.group(2) else names).add(match.group(1))
    for match in _LIST_CARD.finditer(code):
        literals = re.findall(r'"([a-z]+(?:-[a-z]+)+)"', code[match.end() : match.end() + 300])
        names.add(literals[0])
    suffixes = {match.group(1) for match in _SUFFIX.finditer(code)}
    return names, prefixes, suffixes


def link_js_views() -> set[str]:
    code = _code_without_comments(LINK_JS.read_text(encoding="utf-8"))
    views = {m.group(1) for pattern in _VIEW_PATTERNS for m in pattern.finditer(code)}
    renderers = re.search(r"var RENDERERS = \{(.*?)\};", code, re.S)
    assert renderers is not None
    views |= set(re.findall(r"\b([A-Z_]+):", renderers.group(1)))
    return views


def template_testids() -> tuple[set[str], set[str]]:
    names: set[str] = set()
    prefixes: set[str] = set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(rf'data-testid="({_NAME})"', text))
        # views.py writes f'data-testid="{element_id}"' with element_id = f"account-{mask}".
        prefixes |= set(re.findall(r'element_id = f"([a-z-]+-)\{', text))
    return names, prefixes


def documented() -> str:
    return DOC.read_text(encoding="utf-8")


class TestTheParserFindsTheNames:
    """Guards the test itself: a parser that found nothing would pass whatever the document said."""

    def test_it_sees_names_of_every_kind(self) -> None:
        names, prefixes, suffixes = link_js_testids()
        assert {"consent-continue", "error-retry", "credential-back", "consent-products"} <= names
        assert {"institution-", "account-", "mfa-device-", "mfa-answer-", "credential-"} <= prefixes
        assert suffixes == {"-toggle"}
        assert {"CONSENT", "ERROR", "LOADING", "DONE", "OAUTH"} <= link_js_views()
        bank_names, bank_prefixes = template_testids()
        assert {"bank-login", "bank-allow", "bank-error-message"} <= bank_names
        assert {"account-", "scope-"} <= bank_prefixes


class TestEveryNameIsDocumented:
    @pytest.mark.parametrize("name", sorted(link_js_testids()[0] | template_testids()[0]))
    def test_testid(self, name: str) -> None:
        assert f"`{name}`" in documented(), f"data-testid {name!r} is not in docs/LINK_PROTOCOL.md"

    @pytest.mark.parametrize("prefix", sorted(link_js_testids()[1] | template_testids()[1]))
    def test_testid_prefix(self, prefix: str) -> None:
        assert f"`{prefix}<" in documented(), (
            f"data-testid {prefix!r}<…> is not in docs/LINK_PROTOCOL.md"
        )

    @pytest.mark.parametrize("suffix", sorted(link_js_testids()[2]))
    def test_testid_suffix(self, suffix: str) -> None:
        assert re.search(rf"`{_NAME}{re.escape(suffix)}`", documented()), (
            f"no data-testid ending in {suffix!r} is in docs/LINK_PROTOCOL.md"
        )

    @pytest.mark.parametrize("view", sorted(link_js_views()))
    def test_view(self, view: str) -> None:
        assert f"| `{view}` |" in documented(), (
            f"data-view {view!r} is not in docs/LINK_PROTOCOL.md"
        )
