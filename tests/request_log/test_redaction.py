"""Redaction: what the request log may keep of a request or a response."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gingham.request_log.redaction import REDACTED, redact, redact_json, redact_token

ACCESS = "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970"
PUBLIC = "public-sandbox-0d8ac1c6-2bc7-4fd8-9b1e-2c1b5d1a7e4f"
LINK = "link-sandbox-af1a0311-da53-4636-b754-dd15cc058176"


class TestRedact:
    def test_secrets_and_passwords_are_replaced_whatever_they_hold(self) -> None:
        redacted = redact(
            {
                "secret": "0123456789abcdef0123456789abcd",
                "new_secret": "abc",
                "password": "pass_good",
                "credentials": {"username": "user_good", "password": "pass_good"},
                "override_password": ["x"],
            }
        )
        assert redacted == {
            "secret": REDACTED,
            "new_secret": REDACTED,
            "password": REDACTED,
            "credentials": REDACTED,
            "override_password": REDACTED,
        }

    def test_tokens_keep_their_kind_environment_and_last_four(self) -> None:
        redacted = redact(
            {
                "access_token": ACCESS,
                "public_token": PUBLIC,
                "link_token": LINK,
                "processor_token": "processor-sandbox-whatever-shape",
                "user_token": "user-sandbox-b0e2c4f7-37a8-4a93-b5f7-1b1b1b1b9970",
                "access_tokens": [ACCESS],
            }
        )
        assert redacted["access_token"] == "access-sandbox-****9970"
        assert redacted["public_token"] == "public-sandbox-****7e4f"
        assert redacted["link_token"] == "link-sandbox-****8176"
        assert redacted["processor_token"] == f"{REDACTED}hape"
        assert redacted["user_token"] == "user-sandbox-****9970"
        assert redacted["access_tokens"] == ["access-sandbox-****9970"]

    def test_tokens_are_redacted_wherever_they_appear(self) -> None:
        redacted = redact(
            {
                "error_message": f"the access token {ACCESS} is not valid",
                "items": [{"note": PUBLIC}],
            }
        )
        text = json.dumps(redacted)
        assert ACCESS not in text and PUBLIC not in text
        assert "access-sandbox-****9970" in redacted["error_message"]

    def test_nested_objects_are_redacted(self) -> None:
        redacted = redact(
            {"options": {"override_username": "user_good", "override_password": "pass_good"}}
        )
        assert redacted == {
            "options": {"override_username": "user_good", "override_password": REDACTED}
        }

    def test_what_is_not_secret_is_kept(self) -> None:
        body = {
            "client_name": "Test App",
            "products": ["transactions"],
            "user": {"client_user_id": "user-123"},
            "count": 3,
            "password_reset_required": False,
            "item_id": "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6",
        }
        assert redact(body) == body

    def test_a_short_or_unknown_token_is_wholly_redacted(self) -> None:
        assert redact_token("abc") == REDACTED


BODIES = [
    {"access_token": ACCESS, "options": {"count": 100}},
    {"link_token": LINK, "expiration": "2026-01-01T00:00:00Z", "request_id": "abc"},
    {"secret": "0123456789abcdef0123456789abcd", "client_id": "c"},
    {"public_token": "not-a-gingham-token"},
    {"access_tokens": [ACCESS, PUBLIC]},
    {"user": {"client_user_id": "u", "Password": "x"}},
    {"error_message": f"the token {ACCESS} is invalid", "error_code": "INVALID_ACCESS_TOKEN"},
    {"options": {"override_password": "pass_good"}, "access_token": ACCESS},
    {"credentials": {"username": "user_good"}},
    {"weird\u0073ecret": "x"},
    {"accounts": [{"account_id": "a", "balances": {"available": 100.5}}], "item": {"pin": 1234}},
    {"token": ACCESS, "Access_Token": ACCESS},
    {"name": "café ☃", "nested": [[{"link_token": None}]]},
    # A request as the clients send it: its own secret, redacted in the text.
    {"client_id": "c", "secret": "0123456789abcdef0123456789abcd", "access_token": ACCESS},
    # Secrets the text's redaction cannot account for send the body down the slow path.
    {"client_id": "c", "secret": "s", "new_secret": "t"},
    {"secret": "s", "options": {"secret": 12}},
    {"secret": "a secret within"},
    {"Secret": "s"},
    {"secret": "s", "passenger": "Ada"},
    {"secret": "s", "note": 'a "quoted" secret: \\ here'},
    {"secret": "s", "nested": {"secret": "t"}, "list": [{"secret": "u"}]},
    {'my"secret': "v"},
    {"secret": "s", "client_id": "c", "tokens": []},
]


class TestRedactJson:
    """The fast path (redacting the text) and the slow path (field by field) agree."""

    @pytest.mark.parametrize("body", BODIES)
    def test_as_if_parsed_and_redacted(self, body: dict[str, object]) -> None:
        for raw in (json.dumps(body).encode(), json.dumps(body, indent=2).encode()):
            assert json.loads(redact_json(raw)) == redact(json.loads(raw))

    def test_a_field_name_spelled_with_escapes_is_still_found(self) -> None:
        raw = rb'{"secret":"s","\u0070in":"1234","pa\u0073sword":"hunter2"}'
        assert json.loads(redact_json(raw)) == {
            "secret": REDACTED,
            "pin": REDACTED,
            "password": REDACTED,
        }

    def test_no_secret_survives(self) -> None:
        text = "".join(redact_json(json.dumps(body).encode()) for body in BODIES)
        for secret in (ACCESS, PUBLIC, LINK, "pass_good", "0123456789abcdef0123456789abcd"):
            assert secret not in text


# JSON objects whose field names and values are drawn from what redaction looks for.
_NAMES = st.sampled_from(
    [
        "secret",
        "Secret",
        "client_secret",
        "password",
        "passenger",
        "pin",
        "pins",
        "token",
        "access_token",
        "access_tokens",
        "name",
        'se"cret',
        "x",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([ACCESS, PUBLIC, LINK, "secret", "pass", 'a "secret": "b"', "-sandbox-"]),
    st.text(max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(body=st.dictionaries(_NAMES, _VALUES, max_size=5), compact=st.booleans())
def test_the_text_is_redacted_as_if_parsed(body: dict[str, object], compact: bool) -> None:
    # Compact and unescaped as orjson and JSON.stringify write it, or spaced as json.dumps does.
    raw = json.dumps(
        body, separators=(",", ":") if compact else None, ensure_ascii=not compact
    ).encode()
    assert json.loads(redact_json(raw)) == redact(json.loads(raw))
