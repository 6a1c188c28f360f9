"""Plaid's error model: one exception hierarchy that carries its own HTTP status and error fields.

Every expected failure is raised as a `PlaidError` and rendered by `body` into Plaid's flat
error object. Anything else becomes INTERNAL_SERVER_ERROR without a traceback on the wire.

Errors that are kept rather than raised (an Item's `error`, a report's causes) and the errors
webhooks carry are built here too, from a `PlaidError`, and stored ones are read back with
`from_stored`, so every shape Plaid gives an error has one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class PlaidError(Exception):
    error_type: ClassVar[str] = "API_ERROR"
    status: ClassVar[int] = 400

    def __init__(
        self,
        error_code: str,
        error_message: str,
        *,
        display_message: str | None = None,
        error_code_reason: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(f"{error_code}: {error_message}")
        self.error_code = error_code
        self.error_message = error_message
        self.display_message = display_message
        self.error_code_reason = error_code_reason
        if status is not None:
            self.status = status  # type: ignore[misc]

    def summary(self) -> dict[str, Any]:
        """The four fields Link shows and hands to onExit (`PlaidError` in Plaid's SDKs)."""
        return {
            "error_type": self.error_type,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "display_message": self.display_message,
        }

    def stored(self) -> dict[str, Any]:
        """The error as Gingham keeps it and Plaid shows it where it is not the response (an
        Item's `error` in /item/get, an asset report's `causes`): the summary and
        `error_code_reason`."""
        return {
            "error_type": self.error_type,
            "error_code": self.error_code,
            "error_code_reason": self.error_code_reason,
            "error_message": self.error_message,
            "display_message": self.display_message,
        }

    def cause(self, item_id: str) -> dict[str, Any]:
        """The error as a warning's `cause` (Assets, Bank Income): the summary and the Item."""
        return {**self.summary(), "item_id": item_id}

    def webhook_body(self) -> dict[str, Any]:
        """The error as webhooks carry it: with its HTTP status, without a request_id, and with
        `error_code_reason` only when there is one (Plaid's examples)."""
        body = self.summary()
        if self.error_code_reason is not None:
            body["error_code_reason"] = self.error_code_reason
        body["status"] = self.status
        return body

    def body(self, request_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "error_type": self.error_type,
            "error_code": self.error_code,
            "error_code_reason": self.error_code_reason,
            "error_message": self.error_message,
            "display_message": self.display_message,
            "documentation_url": f"https://plaid.com/docs/errors/{_docs_section(self.error_type)}/#{self.error_code.lower()}",
            "suggested_action": None,
        }
        if request_id is not None:
            body["request_id"] = request_id
        return body


def _docs_section(error_type: str) -> str:
    return error_type.lower().replace("_error", "").replace("_", "-")


class InvalidRequest(PlaidError):
    error_type = "INVALID_REQUEST"


class InvalidInput(PlaidError):
    error_type = "INVALID_INPUT"


class ItemError(PlaidError):
    error_type = "ITEM_ERROR"


class InstitutionError(PlaidError):
    error_type = "INSTITUTION_ERROR"


class ApiError(PlaidError):
    error_type = "API_ERROR"
    status = 500


class SandboxError(PlaidError):
    error_type = "SANDBOX_ERROR"


class InvalidResult(PlaidError):
    error_type = "INVALID_RESULT"


class OAuthError(PlaidError):
    error_type = "OAUTH_ERROR"


class RateLimitExceeded(PlaidError):
    error_type = "RATE_LIMIT_EXCEEDED"
    status = 429


class TransactionsError(PlaidError):
    error_type = "TRANSACTIONS_ERROR"


_CLASS_OF_TYPE: dict[str, type[PlaidError]] = {
    cls.error_type: cls
    for cls in (
        InvalidRequest,
        InvalidInput,
        ItemError,
        InstitutionError,
        ApiError,
        SandboxError,
        InvalidResult,
        OAuthError,
        RateLimitExceeded,
        TransactionsError,
    )
}


def of_type(
    error_type: str,
    error_code: str,
    error_message: str,
    *,
    display_message: str | None = None,
    error_code_reason: str | None = None,
) -> PlaidError:
    """An error whose type is known only as a string (read back, or named by Plaid's docs for a
    product whose errors Gingham only ever reports, never raises). Its status is that of its
    class, or 400."""
    cls = _CLASS_OF_TYPE.get(error_type)
    if cls is not None:
        return cls(
            error_code,
            error_message,
            display_message=display_message,
            error_code_reason=error_code_reason,
        )
    error = PlaidError(
        error_code,
        error_message,
        display_message=display_message,
        error_code_reason=error_code_reason,
        status=400,
    )
    error.error_type = error_type  # type: ignore[misc]
    return error


def from_stored(stored: Mapping[str, Any], *, default_type: str = "ITEM_ERROR") -> PlaidError:
    """An error kept by `PlaidError.stored` (or shown by Link, `PlaidError.summary`) read back;
    `default_type` where the stored object names none."""
    return of_type(
        stored.get("error_type") or default_type,
        stored["error_code"],
        stored.get("error_message") or "",
        display_message=stored.get("display_message"),
        error_code_reason=stored.get("error_code_reason"),
    )


# Constructors for the errors raised from more than one place, so their wording stays identical.


def missing_fields(fields: list[str]) -> InvalidRequest:
    return InvalidRequest(
        "MISSING_FIELDS", "the following required fields are missing: " + ", ".join(fields)
    )


def unknown_fields(fields: list[str]) -> InvalidRequest:
    return InvalidRequest(
        "UNKNOWN_FIELDS",
        "the following fields are not recognized by this endpoint: " + ", ".join(fields),
    )


def invalid_field(message: str) -> InvalidRequest:
    return InvalidRequest("INVALID_FIELD", message)


def invalid_body(message: str) -> InvalidRequest:
    return InvalidRequest("INVALID_BODY", message)


def body_too_large(limit: int) -> InvalidRequest:
    return InvalidRequest(
        "INVALID_BODY",
        f"request body is larger than this server accepts ({limit} bytes); "
        "set GINGHAM_MAX_BODY_BYTES to change the limit",
        status=413,
    )


def body_too_slow(seconds: float) -> InvalidRequest:
    return InvalidRequest(
        "INVALID_BODY", f"request body did not arrive within {seconds:g} seconds", status=408
    )


def too_many_failed_credentials(who: str, seconds: int) -> RateLimitExceeded:
    return RateLimitExceeded(
        "RATE_LIMIT",
        f"too many requests with invalid client_id or secret from {who}; "
        f"try again in {seconds} seconds",
        display_message="Too many requests. Please try again later.",
    )


def invalid_api_keys() -> InvalidInput:
    return InvalidInput(
        "INVALID_API_KEYS",
        "invalid client_id or secret provided",
    )


# Legacy public keys. Plaid documents no code of its own for a public key it does not know or
# has switched off, so these use the code it gives for API keys it will not take, with a message
# that says what to use instead; a public key sent where none is taken gets the documented
# INCOMPATIBLE_API_VERSION.


def public_key_unknown() -> InvalidInput:
    return InvalidInput(
        "INVALID_API_KEYS",
        "invalid public_key provided: no API client has this public key. Use the public_key "
        "from /_gingham/client/public_key/get, or your client_id and secret",
    )


def public_key_link_disabled(environment: str) -> InvalidInput:
    return InvalidInput(
        "INVALID_API_KEYS",
        f"the public_key is disabled for Link in the {environment} environment. Initialize "
        "Link with a link_token from /link/token/create instead",
        display_message="This app cannot connect accounts right now. Please try again later.",
    )


def public_key_api_disabled(environment: str, endpoint: str) -> InvalidInput:
    return InvalidInput(
        "INVALID_API_KEYS",
        f"the public_key is disabled for the API in the {environment} environment. Call "
        f"{endpoint} with your client_id and secret instead",
    )


def oauth_needs_link_token(what: str) -> InvalidRequest:
    """Link opened with a public key reached OAuth (an OAuth institution, or Payment Initiation's
    paymentToken). Plaid's docs say only that OAuth needs a link token; they name no code for
    it, so this is INVALID_FIELD, naming what was asked and what to use instead."""
    return InvalidRequest(
        "INVALID_FIELD",
        f"{what} needs OAuth, and OAuth needs Link initialized with a link_token from "
        "/link/token/create: a public_key cannot open it",
        display_message=(
            "This institution can only be connected when the app opens Link with a link token. "
            "Please choose another institution."
        ),
    )


def public_key_not_accepted(endpoint: str) -> InvalidRequest:
    return InvalidRequest(
        "INCOMPATIBLE_API_VERSION",
        f"The public_key cannot be used for {endpoint} as of version 2020-09-14 of the API. "
        "Please use the client_id and secret instead.",
    )


def public_key_with_api_keys() -> InvalidRequest:
    return InvalidRequest(
        "INVALID_FIELD",
        "send either public_key or client_id and secret, not both: a request is authenticated "
        "one way",
    )


def invalid_access_token() -> InvalidInput:
    return InvalidInput("INVALID_ACCESS_TOKEN", "could not find matching access token")


def internal_server_error() -> ApiError:
    return ApiError(
        "INTERNAL_SERVER_ERROR",
        "an unexpected error occurred",
        display_message="Something went wrong. Please try again later.",
    )


def route_not_found(path: str) -> InvalidRequest:
    return InvalidRequest("NOT_FOUND", f"the route {path} does not exist in this API", status=404)


# --- Errors Link shows ------------------------------------------------------------------------


def institution_down(name: str) -> InstitutionError:
    return InstitutionError(
        "INSTITUTION_DOWN",
        f"{name} is not currently available",
        display_message="This financial institution is not currently responding to requests. We apologize for the inconvenience.",
    )


def institution_not_supported(name: str) -> InstitutionError:
    return InstitutionError(
        "INSTITUTION_NOT_SUPPORTED",
        f"{name} is no longer supported",
        display_message="This institution is not currently supported. Please choose another.",
    )


def institution_registration_required(name: str, missing: list[str]) -> InstitutionError:
    return InstitutionError(
        "INSTITUTION_REGISTRATION_REQUIRED",
        f"your application is not yet registered with {name}: it needs a completed application "
        f"profile (missing: {', '.join(missing)}); complete it with "
        "/_gingham/client/profile/update or on the dashboard's Application profile page",
    )


def invalid_mfa() -> ItemError:
    return ItemError(
        "INVALID_MFA",
        "the provided MFA responses were not correct",
        display_message="The provided MFA responses were not correct. Please try again.",
    )


def invalid_link_token_in_link() -> InvalidInput:
    """Link gave up on the link token (too many failed logins): it stops working."""
    return InvalidInput("INVALID_LINK_TOKEN", "invalid link_token provided")


def no_accounts_shared_at_bank() -> ItemError:
    return ItemError(
        "NO_ACCOUNTS",
        "the user shared no accounts at the bank; Link must be started again",
        display_message="No accounts were shared. Please try again and choose at least one account.",
    )


def access_not_granted(products: list[str], needed: str) -> ItemError:
    return ItemError(
        "ACCESS_NOT_GRANTED",
        "the user did not share the data these products need at the bank: "
        + ", ".join(products)
        + "; Link must be started again",
        display_message="The permissions needed to connect were not granted. "
        f"Please go back to your bank and share: {needed}.",
    )


def oauth_bank_refused(reason: str) -> ApiError:
    return ApiError(
        "INTERNAL_SERVER_ERROR",
        f"the bank returned the user without access ({reason}); Link must be started again",
        display_message="The connection to your bank was not completed. Please try again.",
    )


def nothing_to_update() -> ItemError:
    return ItemError(
        "ITEM_NO_ERROR",
        "update.user: none of this user's Items is in an error state, so Link has no Item to "
        "update; a user's update mode repairs the most recently broken Item (see /user/items/get)",
        display_message="Your accounts are already connected and working. There is nothing to update.",
    )


# Gingham's admin endpoints (/_gingham/admin/*: API clients, wiping data, restoring the banks).
ADMIN_TOKEN_HEADER = "Gingham-Admin-Token"


def admin_only_from_loopback(address: str | None) -> InvalidRequest:
    return InvalidRequest(
        "ADMIN_NOT_ALLOWED",
        f"Gingham's admin endpoints answer only requests from this machine, not from "
        f"{address or 'an unknown address'}; to allow others, set GINGHAM_ADMIN_TOKEN on the "
        f"server and send it in the {ADMIN_TOKEN_HEADER} header (the gingham command sends "
        "GINGHAM_ADMIN_TOKEN from its environment)",
        status=403,
    )


def admin_token_required() -> InvalidRequest:
    return InvalidRequest(
        "ADMIN_TOKEN_REQUIRED",
        f"requests to Gingham's admin endpoints from beyond this machine must send the "
        f"server's GINGHAM_ADMIN_TOKEN in the {ADMIN_TOKEN_HEADER} header (the gingham command "
        "sends GINGHAM_ADMIN_TOKEN from its environment)",
        status=403,
    )


def invalid_admin_token() -> InvalidRequest:
    return InvalidRequest(
        "INVALID_ADMIN_TOKEN",
        f"the {ADMIN_TOKEN_HEADER} header does not match the server's GINGHAM_ADMIN_TOKEN",
        status=403,
    )


def unknown_client(client_id: str) -> InvalidInput:
    return InvalidInput("INVALID_CLIENT_ID", f"no API client has client_id {client_id}")


def confirmation_required(what: str) -> InvalidRequest:
    return InvalidRequest("CONFIRMATION_REQUIRED", f'{what}: send "confirm": true to go ahead')
