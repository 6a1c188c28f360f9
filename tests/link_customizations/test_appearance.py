"""A Link customization's looks and words (Plaid's "Customizing Link": Background Color, the
Consent, Institution Select, Institution Search, Connected and Re-Connected text strings, and
Automatic or Custom financial institutions): saved, read back, refused when wrong, and sent to
the frame on every pane."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.update_mode.helpers import link_item, update_token

SAVE = "/_gingham/link_customizations/save"
GET = "/_gingham/link_customizations/get"

BRANDED: dict[str, Any] = {
    "background_color": "#0a5c36",
    "text_strings": {
        "consent": "checking account",
        "institution_select": "Pick your bank",
        "institution_search": "Find your bank",
        "connected": "All set",
        "reconnected": "Connected again",
    },
    "institution_select": {"mode": "CUSTOM", "institution_ids": ["ins_4", "ins_109508", "ins_3"]},
}


def save(plaid: PlaidCaller, name: str, **fields: Any) -> dict[str, Any]:
    saved: dict[str, Any] = plaid.ok(SAVE, {"name": name, **fields})["link_customization"]
    return saved


def frame_for(plaid: PlaidCaller, client: TestClient, **token_fields: Any) -> FrameDriver:
    token = plaid.ok("/link/token/create", link_token_request(**token_fields))["link_token"]
    return FrameDriver(client, token)


class TestSaveAndGet:
    def test_looks_and_words_read_back_as_saved(self, plaid: PlaidCaller) -> None:
        saved = save(plaid, "branded", account_select="SINGLE_SELECT", **BRANDED)
        # Colours are kept in one spelling, upper case.
        expected = {**BRANDED, "background_color": "#0A5C36"}
        assert {key: saved[key] for key in expected} == expected
        assert saved["account_select"] == "SINGLE_SELECT"
        assert plaid.ok(GET, {"name": "branded"})["link_customization"] == saved

    def test_the_default_customization_keeps_plaids_defaults(self, plaid: PlaidCaller) -> None:
        got = plaid.ok(GET, {"name": "default"})["link_customization"]
        assert got["background_color"] is None
        assert got["text_strings"] == {}
        assert got["institution_select"] == {"mode": "AUTOMATIC", "institution_ids": []}

    def test_saving_again_replaces_the_looks(self, plaid: PlaidCaller) -> None:
        save(plaid, "mine", **BRANDED)
        again = save(plaid, "mine", text_strings={"connected": "Done"})
        assert again["background_color"] is None
        assert again["text_strings"] == {"connected": "Done"}
        assert again["institution_select"]["mode"] == "AUTOMATIC"

    def test_a_chosen_institution_listed_twice_is_kept_once(self, plaid: PlaidCaller) -> None:
        saved = save(
            plaid,
            "twice",
            institution_select={"mode": "CUSTOM", "institution_ids": ["ins_4", "ins_3", "ins_4"]},
        )
        assert saved["institution_select"]["institution_ids"] == ["ins_4", "ins_3"]


class TestBadInput:
    @pytest.mark.parametrize(
        ("fields", "code", "names"),
        [
            ({"background_color": "green"}, "INVALID_FIELD", "background_color"),
            ({"background_color": "#12345"}, "INVALID_FIELD", "background_color"),
            ({"background_color": "#12345G"}, "INVALID_FIELD", "background_color"),
            ({"background_color": 255}, "INVALID_FIELD", "background_color"),
            ({"text_strings": {"consent": ""}}, "INVALID_FIELD", "text_strings.consent"),
            ({"text_strings": {"connected": "   "}}, "INVALID_FIELD", "text_strings.connected"),
            (
                {"text_strings": {"institution_select": "x" * 101}},
                "INVALID_FIELD",
                "text_strings.institution_select",
            ),
            ({"text_strings": {"exit": "Bye"}}, "UNKNOWN_FIELDS", "text_strings.exit"),
            ({"institution_select": {"mode": "GRID"}}, "INVALID_FIELD", "institution_select.mode"),
            (
                {"institution_select": {"mode": "CUSTOM"}},
                "INVALID_FIELD",
                "institution_select.institution_ids",
            ),
            (
                {"institution_select": {"mode": "CUSTOM", "institution_ids": ["ins_nope"]}},
                "INVALID_FIELD",
                "institution_select.institution_ids",
            ),
            (
                {"institution_select": {"mode": "AUTOMATIC", "institution_ids": ["ins_4"]}},
                "INVALID_FIELD",
                "institution_select.institution_ids",
            ),
            (
                {"institution_select": {"mode": "CUSTOM", "institution_ids": ["ins_4"] * 13}},
                "INVALID_FIELD",
                "institution_select.institution_ids",
            ),
        ],
    )
    def test_refused_as_plaid_refuses_a_field(
        self, plaid: PlaidCaller, fields: dict[str, Any], code: str, names: str
    ) -> None:
        error = plaid.error(SAVE, {"name": "bad", **fields})
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", code)
        assert names in error["error_message"]
        # Nothing was saved.
        missing = plaid.error(GET, {"name": "bad"})
        assert missing["error_code"] == "INVALID_LINK_CUSTOMIZATION"


class TestTheFrameReceivesIt:
    def test_every_pane_carries_the_customization(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save(plaid, "branded", **BRANDED)
        frame = frame_for(plaid, client, link_customization_name="branded")
        panes = [frame.start()["view"], frame.act("continue")["view"]]
        panes.append(frame.act("select_institution", institution_id="ins_109508")["view"])
        for pane in panes:
            assert pane["customization"] == {
                "background_color": "#0A5C36",
                "text_strings": {
                    "consent": "checking account",
                    "institution_select": "Pick your bank",
                    "institution_search": "Find your bank",
                    "connected": "All set",
                },
                "institution_select": "CUSTOM",
            }

    def test_without_a_customization_the_frame_says_its_own_words(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        frame = frame_for(plaid, client)
        assert frame.start()["view"]["customization"] == {
            "background_color": None,
            "text_strings": {},
            "institution_select": "AUTOMATIC",
        }

    def test_the_chosen_institutions_are_shown_before_a_search_in_their_order(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save(plaid, "branded", **BRANDED)
        frame = frame_for(plaid, client, link_customization_name="branded")
        frame.start()
        shown = frame.act("continue")["view"]["results"]
        assert [i["institution_id"] for i in shown] == ["ins_4", "ins_109508", "ins_3"]
        # A search still finds any bank; clearing it shows the chosen ones again.
        found = frame.act("search", query="Tartan")["view"]["results"]
        assert found and all("Tartan" in i["name"] for i in found)
        cleared = frame.act("search", query="")["view"]["results"]
        assert [i["institution_id"] for i in cleared] == ["ins_4", "ins_109508", "ins_3"]

    def test_chosen_institutions_the_session_cannot_offer_are_left_out(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        # Flexible Platypus Open Banking is a European bank: a US link token cannot offer it.
        save(
            plaid,
            "eu-first",
            institution_select={"mode": "CUSTOM", "institution_ids": ["ins_117181", "ins_4"]},
        )
        frame = frame_for(plaid, client, link_customization_name="eu-first")
        frame.start()
        shown = frame.act("continue")["view"]["results"]
        assert [i["institution_id"] for i in shown] == ["ins_4"]

    def test_the_automatic_list_is_links_own(self, plaid: PlaidCaller, client: TestClient) -> None:
        save(plaid, "plain", text_strings={"connected": "Done"})
        custom = frame_for(plaid, client, link_customization_name="plain")
        custom.start()
        default = frame_for(plaid, client)
        default.start()
        assert (
            custom.act("continue")["view"]["results"] == default.act("continue")["view"]["results"]
        )

    def test_update_mode_says_the_re_connected_words(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save(plaid, "branded", **BRANDED)
        linked = link_item(plaid)
        frame = FrameDriver(
            client, update_token(plaid, linked.access_token, link_customization_name="branded")
        )
        texts = frame.start()["view"]["customization"]["text_strings"]
        assert texts["connected"] == "Connected again"
        assert "reconnected" not in texts
