"""The Link customization editor: it loads a customization into its fields, previews a draft
with Link's own panes without storing anything, and publishes through the save endpoint, whose
validation errors it shows."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.dashboard.signing_in import csrf_token, sign_in
from tests.link.helpers import FrameDriver

PAGE = "/dashboard/customization"


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def _draft(**overrides: str) -> dict[str, str]:
    fields = {
        "name": "brand",
        "account_select": "MULTI_SELECT",
        "use_cases": "",
        "background_color": "#123456",
        "institution_mode": "AUTOMATIC",
        "institution_ids": "",
        **{f"text_{name}": "" for name in ("consent", "institution_select", "institution_search")},
        "text_connected": "",
        "text_reconnected": "",
    }
    fields.update(overrides)
    return fields


def _post(client: TestClient, path: str, fields: dict[str, str]) -> Any:
    token = csrf_token(client.get(PAGE).text)
    return client.post(path, data={**fields, "csrf_token": token}, follow_redirects=False)


def _preview(client: TestClient, **fields: str) -> dict[str, Any]:
    response = _post(client, f"{PAGE}/preview", _draft(**fields))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _frame_view(client: TestClient, plaid: PlaidCaller, name: str) -> dict[str, Any]:
    body = link_token_request(link_customization_name=name)
    frame = FrameDriver(client, plaid.ok("/link/token/create", body)["link_token"])
    view: dict[str, Any] = frame.start()["view"]
    return view


class TestEditorPage:
    def test_lists_the_built_in_and_saved_customizations(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        plaid.ok("/_gingham/link_customizations/save", {"name": "mine"})
        page = signed_in.get(PAGE).text
        for name in ("default", "single_account_select", "mine"):
            assert f'<option value="{name}"' in page

    def test_loads_a_customization_into_the_fields(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        plaid.ok(
            "/_gingham/link_customizations/save",
            {
                "name": "mine",
                "account_select": "SINGLE_SELECT",
                "background_color": "#AA0000",
                "text_strings": {"connected": "All set with Acme"},
                "data_transparency_messaging": {"enabled": True, "use_cases": ["Budgeting"]},
            },
        )
        page = signed_in.get(PAGE, params={"name": "mine"}).text
        assert 'value="All set with Acme"' in page
        assert 'value="#aa0000"' in page
        assert 'value="SINGLE_SELECT" checked' in page
        assert ">Budgeting</textarea>" in page

    def test_an_unknown_name_is_not_found(self, signed_in: TestClient) -> None:
        response = signed_in.get(PAGE, params={"name": "nope"})
        assert response.status_code == 404
        assert "INVALID_LINK_CUSTOMIZATION" in response.text

    def test_another_clients_customization_is_not_shown(
        self, signed_in: TestClient, other_plaid: PlaidCaller
    ) -> None:
        other_plaid.ok("/_gingham/link_customizations/save", {"name": "theirs"})
        assert '<option value="theirs"' not in signed_in.get(PAGE).text
        assert signed_in.get(PAGE, params={"name": "theirs"}).status_code == 404


class TestPublish:
    def test_saves_through_the_api_and_link_uses_it(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        fields = _draft(
            background_enabled="on",
            text_institution_select="Pick your bank",
            institution_mode="CUSTOM",
            institution_ids="ins_109509\nins_109508",
        )
        response = _post(signed_in, PAGE, fields)
        assert response.status_code == 303
        assert response.headers["location"] == f"{PAGE}?name=brand"
        assert "Published brand" in signed_in.get(response.headers["location"]).text
        saved = plaid.ok("/_gingham/link_customizations/get", {"name": "brand"})
        assert saved["link_customization"]["background_color"] == "#123456"
        assert saved["link_customization"]["institution_select"] == {
            "mode": "CUSTOM",
            "institution_ids": ["ins_109509", "ins_109508"],
        }
        view = _frame_view(signed_in, plaid, "brand")
        assert view["customization"]["background_color"] == "#123456"
        assert view["customization"]["text_strings"] == {"institution_select": "Pick your bank"}

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"institution_mode": "CUSTOM"}, "must name at least one institution"),
            ({"institution_mode": "CUSTOM", "institution_ids": "ins_nope"}, "ins_nope"),
            ({"background_enabled": "on", "background_color": "red"}, "background_color"),
            ({"text_connected": "x" * 101}, "text_strings.connected"),
            ({"name": ""}, "name must not be empty"),
        ],
    )
    def test_validation_errors_are_the_pages_notice(
        self, signed_in: TestClient, plaid: PlaidCaller, fields: dict[str, str], message: str
    ) -> None:
        response = _post(signed_in, PAGE, _draft(**fields))
        assert response.status_code == 400
        assert 'data-testid="notice"' in response.text and message in response.text
        assert 'role="alert"' in response.text
        # The draft is still in the form, to be corrected.
        assert 'value="brand"' in response.text or fields.get("name") == ""
        plaid.error("/_gingham/link_customizations/get", {"name": "brand"})

    def test_without_the_csrf_token_nothing_is_saved(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        response = signed_in.post(PAGE, data=_draft(), follow_redirects=False)
        assert response.status_code == 403
        plaid.error("/_gingham/link_customizations/get", {"name": "brand"})
        forged = signed_in.post(f"{PAGE}/preview", data={**_draft(), "csrf_token": "forged"})
        assert forged.status_code == 403


class TestPreview:
    def test_draws_the_draft_with_links_own_panes(self, signed_in: TestClient) -> None:
        consent = _preview(
            signed_in,
            background_enabled="on",
            dtm_enabled="on",
            use_cases="Budgeting\nSaving",
            text_consent="your Acme wallet",
        )["view"]
        assert consent["name"] == "CONSENT"
        assert consent["customization"]["background_color"] == "#123456"
        assert consent["customization"]["text_strings"] == {"consent": "your Acme wallet"}
        assert consent["use_cases"] == ["Budgeting", "Saving"]

        accounts = _preview(
            signed_in, preview_pane="SELECT_ACCOUNT", account_select="SINGLE_SELECT"
        )["view"]
        assert accounts["multi"] is False and len(accounts["accounts"]) > 1

        institutions = _preview(
            signed_in,
            preview_pane="SELECT_INSTITUTION",
            institution_mode="CUSTOM",
            institution_ids="ins_109510\nins_109508",
        )["view"]
        assert institutions["customization"]["institution_select"] == "CUSTOM"
        assert [i["institution_id"] for i in institutions["results"]] == [
            "ins_109510",
            "ins_109508",
        ]

        words = {"text_connected": "Done!", "text_reconnected": "Fixed!"}
        connected = _preview(signed_in, preview_pane="CONNECTED", **words)["view"]
        assert connected["customization"]["text_strings"] == {"connected": "Done!"}
        update = _preview(signed_in, preview_pane="CONNECTED", preview_update_mode="on", **words)[
            "view"
        ]
        assert update["customization"]["text_strings"] == {"connected": "Fixed!"}

    def test_an_invalid_draft_says_why(self, signed_in: TestClient) -> None:
        answer = _preview(signed_in, institution_mode="CUSTOM")
        assert "view" not in answer
        assert answer["error"]["error_code"] == "INVALID_FIELD"

    def test_a_draft_changes_nothing_in_link_and_leaves_no_session(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        plaid.ok("/_gingham/link_customizations/save", {"name": "brand"})
        for pane in ("CONSENT", "SELECT_INSTITUTION", "SELECT_ACCOUNT", "CONNECTED"):
            _preview(signed_in, preview_pane=pane, background_enabled="on")
        assert "No Link sessions yet" in signed_in.get("/dashboard/link-logs").text
        assert _frame_view(signed_in, plaid, "brand")["customization"]["background_color"] is None
        assert "No Items yet" in signed_in.get("/dashboard/items").text
