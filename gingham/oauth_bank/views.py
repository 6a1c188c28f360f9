"""How the bank's pages look: sign-in, consent, and messages. Server-rendered, no scripts.

Templates are `string.Template` files; every value is escaped here before it is substituted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from urllib.parse import urlsplit

from starlette.responses import HTMLResponse

from gingham.institutions import logos
from gingham.institutions.catalogue import SandboxInstitution
from gingham.oauth_bank.ledger import REQUIRED_SCOPE, HeldAccount, Scope

_PACKAGE = resources.files("gingham.oauth_bank")
STATIC_PATH = "/_bank/static"
DEFAULT_ACCENT = "#0a85ea"

# No scripts at all; the pages may not be framed (clickjacking a consent page would be an attack).
# form-action stays open: the consent form's answer is a redirect to the client's site.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True, slots=True)
class RequestingApp:
    """The app the user is connecting for, as its application profile presents it (the bank
    shows who is asking, as real banks' consent screens do); `name` alone when there is no
    profile to show."""

    name: str
    logo_url: str | None = None
    website: str | None = None
    reason: str | None = None
    use_case: str | None = None


# An origin as a CSP source may name it: http(s), a host name or address, an optional port.
_IMAGE_ORIGIN = re.compile(
    r"https?://[A-Za-z0-9.-]+(:\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?"
)


def _logo_origin(logo_url: str | None) -> str | None:
    if not logo_url:
        return None
    parts = urlsplit(logo_url)
    origin = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
    return origin if _IMAGE_ORIGIN.fullmatch(origin) else None


def _app_card(app: RequestingApp) -> str:
    """Who is asking: the app's logo, name, website and what it uses the data for."""
    if app.reason is None and app.website is None and app.logo_url is None:
        return ""
    name = html.escape(app.name)
    if _logo_origin(app.logo_url) is not None:
        assert app.logo_url is not None
        mark = (
            f'<img class="app-logo" src="{html.escape(app.logo_url)}" alt="{name} logo" '
            'width="48" height="48" data-testid="bank-app-logo">'
        )
    else:
        mark = f'<span class="app-logo app-initial" aria-hidden="true">{html.escape(app.name[:1].upper())}</span>'
    lines = [
        '<section class="app-card" aria-labelledby="app-name" data-testid="bank-app">',
        f'  <div class="app-head">{mark}<div><h2 id="app-name" data-testid="bank-app-name">{name}</h2>',
    ]
    if app.website:
        lines.append(
            f'    <p class="app-website" data-testid="bank-app-website">{html.escape(app.website)}</p>'
        )
    lines.append("  </div></div>")
    if app.reason:
        lines.append(
            '  <p class="app-reason" data-testid="bank-app-reason"><strong>Why it asks:</strong> '
            f"{html.escape(app.reason)}</p>"
        )
    if app.use_case:
        lines.append(
            f'  <p class="app-use-case" data-testid="bank-app-use-case">{html.escape(app.use_case)}</p>'
        )
    lines.append("</section>")
    return "\n".join(lines)


@cache
def _template(name: str) -> Template:
    return Template(_PACKAGE.joinpath(f"templates/{name}.html").read_text(encoding="utf-8"))


def _luminance(color: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def readable_accent(hex_color: str | None) -> str:
    """The brand colour, darkened until white text on it meets WCAG AA contrast (4.5:1)."""
    value = (hex_color or DEFAULT_ACCENT).lstrip("#")
    rgb = tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    red, green, blue = rgb
    while 1.05 / (_luminance((red, green, blue)) + 0.05) < 4.5:
        red, green, blue = red * 0.92, green * 0.92, blue * 0.92
    return "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))


def _bank_mark(institution: SandboxInstitution | None, bank_name: str) -> str:
    """The bank's logo in its header (inline: the pages load nothing but their stylesheet), or
    its initial when there is no institution to draw."""
    logo = logos.logo_base64(institution) if institution else None
    if logo is None:
        return f'<span class="bank-logo" aria-hidden="true">{html.escape(bank_name[:1].upper())}</span>'
    return f'<img class="bank-logo bank-logo-image" src="data:image/png;base64,{logo}" alt="" width="32" height="32">'


def _page(
    institution: SandboxInstitution | None,
    title: str,
    content: str,
    status: int = 200,
    *,
    image_origin: str | None = None,
) -> HTMLResponse:
    bank_name = institution.name if institution else "Gingham sandbox bank"
    body = _template("page").substitute(
        title=html.escape(f"{title} · {bank_name}"),
        static=STATIC_PATH,
        accent=readable_accent(institution.primary_color if institution else None),
        mark=_bank_mark(institution, bank_name),
        bank_name=html.escape(bank_name),
        content=content,
    )
    headers = dict(SECURITY_HEADERS)
    if image_origin is not None:
        # The app's logo is the one image from elsewhere: its origin alone is let in.
        headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
            "img-src 'self' data:", f"img-src 'self' data: {image_origin}"
        )
    return HTMLResponse(body, status_code=status, headers=headers)


def login_page(
    institution: SandboxInstitution, *, app: RequestingApp, request_id: str, action: str
) -> HTMLResponse:
    content = _template("login").substitute(
        bank_name=html.escape(institution.name),
        client_name=html.escape(app.name),
        action=html.escape(action),
        request_id=html.escape(request_id),
    )
    return _page(institution, "Sign in", content)


_ACRONYMS = {"cd": "CD", "ira": "IRA", "hsa": "HSA", "401k": "401(k)"}


def _money(amount: float | None, currency: str) -> str:
    return "" if amount is None else f"{amount:,.2f} {currency}"


def _account_choice(account: HeldAccount, checked: bool) -> str:
    template = account.template
    mask = template.mask or account.account_id[-4:]
    element_id = f"account-{html.escape(mask)}"
    subtype = template.subtype or template.type
    kind = _ACRONYMS.get(subtype, subtype.capitalize())
    balance = _money(template.current, account.iso_currency_code)
    detail = f"{kind} •••• {mask}" + (f" · {balance}" if balance else "")
    return (
        '    <div class="choice">\n'
        f'      <input type="checkbox" id="{element_id}" name="account"'
        f' value="{html.escape(account.account_id)}"{" checked" if checked else ""}'
        f' data-testid="{element_id}">\n'
        f'      <label for="{element_id}"><span class="name">{html.escape(template.name)}</span>'
        f' <span class="detail">{html.escape(detail)}</span></label>\n'
        "    </div>"
    )


def _scope_choice(scope: Scope, checked: bool) -> str:
    element_id = f"scope-{scope.name}"
    if scope.name == REQUIRED_SCOPE:
        # Always shared: shown ticked and fixed, and sent by a hidden field since a disabled
        # checkbox is not submitted.
        return (
            '    <div class="choice">\n'
            f'      <input type="checkbox" id="{element_id}" checked disabled'
            f' aria-describedby="{element_id}-note" data-testid="{element_id}">\n'
            f'      <input type="hidden" name="scope" value="{scope.name}">\n'
            f'      <label for="{element_id}"><span class="name">{html.escape(scope.label)}</span>'
            f' <span class="detail" id="{element_id}-note">Always shared</span></label>\n'
            "    </div>"
        )
    return (
        '    <div class="choice">\n'
        f'      <input type="checkbox" id="{element_id}" name="scope" value="{scope.name}"'
        f'{" checked" if checked else ""} data-testid="{element_id}">\n'
        f'      <label for="{element_id}"><span class="name">{html.escape(scope.label)}</span></label>\n'
        "    </div>"
    )


def consent_page(
    institution: SandboxInstitution,
    *,
    app: RequestingApp,
    username: str,
    request_id: str,
    action: str,
    error_href: str,
    accounts: Iterable[HeldAccount],
    scopes: Iterable[Scope],
    checked_accounts: set[str] | None = None,
    checked_scopes: set[str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    days = institution.consent_days
    duration = (
        f"Access lasts {days} days unless you withdraw it sooner."
        if days
        else "Access lasts until you withdraw it."
    )
    content = _template("consent").substitute(
        client_name=html.escape(app.name),
        app_card=_app_card(app),
        username=html.escape(username),
        duration=duration,
        error=(
            f'<p class="error" role="alert" data-testid="bank-error-message">{html.escape(error)}</p>'
            if error
            else ""
        ),
        action=html.escape(action),
        request_id=html.escape(request_id),
        accounts="\n".join(
            _account_choice(a, checked_accounts is None or a.account_id in checked_accounts)
            for a in accounts
        ),
        scopes="\n".join(
            _scope_choice(s, checked_scopes is None or s.name in checked_scopes) for s in scopes
        ),
        error_href=html.escape(error_href),
    )
    return _page(
        institution,
        "Choose what to share",
        content,
        status,
        image_origin=_logo_origin(app.logo_url),
    )


def message_page(
    institution: SandboxInstitution | None, heading: str, message: str, *, status: int
) -> HTMLResponse:
    content = _template("message").substitute(
        heading=html.escape(heading), message=html.escape(message)
    )
    return _page(institution, heading, content, status)


def index_page(institutions: Iterable[SandboxInstitution]) -> HTMLResponse:
    items = "\n".join(
        f"<li><strong>{html.escape(i.name)}</strong> <code>/{html.escape(i.institution_id)}/oauth/authorize</code></li>"
        for i in institutions
    )
    content = (
        "<h1>Sandbox OAuth banks</h1>\n"
        '<p class="lead">Each OAuth institution of the sandbox catalogue has its own authorization'
        " server here, under its institution id.</p>\n"
        f'<ul class="institutions">\n{items}\n</ul>'
    )
    return _page(None, "Sandbox OAuth banks", content)
