"""The one Settings object. Every setting has a default that needs no configuration."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "GINGHAM_"


def _default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'gingham.db'}"


# Failed credentials a source address (or a client_id) may send per minute before it is refused.
DEFAULT_FAILED_CREDENTIALS_LIMIT = 30
DEFAULT_REQUEST_LOG_RETENTION = 1000
DEFAULT_READ_CACHE = 2_000


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(".gingham"))
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8765
    # The base URL printed in the banner and used to build links back to Gingham; defaults to
    # http://host:port when not set (set it when Gingham sits behind a proxy).
    public_url: str = ""
    log_level: str = "info"
    # Base64url of 32 bytes; empty means the key file in data_dir, created on first use.
    secret_key: str = ""
    # The sandbox OAuth bank listens on a port of its own, so it has its own origin as a real
    # bank would; 0 means the port after Gingham's.
    bank_port: int = 0
    bank_public_url: str = ""
    # Webhook retries: "plaid" (30 s, then four times longer each time, for up to 24 h) or
    # "compressed" (the same curve 600 times faster, for tests).
    webhook_retry: str = "plaid"
    # Whether `gingham serve` delivers webhooks itself; off when `gingham worker` processes do.
    webhook_worker: bool = True
    # How many processes `gingham serve` answers the API from (--workers N, GINGHAM_WORKERS);
    # more than one needs PostgreSQL (gingham/cli/processes.py says why).
    processes: int = 1
    # Seconds of the client's time from linking an Item with Transactions to its initial pull
    # (the last 30 days), and again from there to its historical pull (the rest of its ~24
    # months): Plaid's take a few seconds in the Sandbox, and apps poll or wait for webhooks.
    transactions_pull_seconds: float = 5.0
    # Seconds of the client's time an asset report, a statements refresh or a bank income
    # refresh takes to build: until then its endpoints answer PRODUCT_NOT_READY, as Plaid's do
    # for a few seconds in the Sandbox (Plaid's quickstart polls for up to 20 s).
    report_build_seconds: float = 3.0
    # The largest request body Gingham reads (Plaid's requests are a few kilobytes; a user_custom
    # login or a batch of custom transactions is the largest): 1 MiB. Larger bodies are refused
    # with 413 as they stream in, before any of them is parsed.
    max_body_bytes: int = 1 << 20
    # How long a client may take to send a request's body before it is refused (408): a slow
    # client cannot hold a connection and its buffer open indefinitely.
    body_timeout_seconds: float = 30.0
    # The demo app at / acts for the first API client without credentials (for its own page
    # only). None: on when Gingham listens on a loopback address, off when it listens on a
    # network a colleague could reach; GINGHAM_DEMO=0/1 decides either way.
    demo: bool | None = None
    failed_credentials_limit: int = DEFAULT_FAILED_CREDENTIALS_LIMIT
    # Whether webhooks may go to loopback and private addresses: yes in a sandbox, where
    # receivers run beside Gingham; a server shared on a network can refuse them.
    webhook_private_addresses: bool = True
    # One line per request on the log (gingham.wire.access_log); `gingham serve --quiet` drops it.
    access_log: bool = True
    # Whether API requests are recorded for /_gingham/requests/list and `gingham logs tail`,
    # and how many of each client's newest requests are kept.
    request_log: bool = True
    request_log_retention: int = DEFAULT_REQUEST_LOG_RETENTION
    # What a request to /_gingham/admin/* from beyond this machine (another container, another
    # host) must send in the Gingham-Admin-Token header; empty: such requests are refused, and
    # only loopback reaches the admin endpoints.
    admin_token: str = ""
    # How many Items (by access token, by id) and Items' accounts each process keeps in memory
    # for the read-only endpoints (gingham.read_cache): about 12 kB for an Item with a dozen
    # accounts, so the default stays near 25 MB at worst. 0 reads the database every time.
    read_cache: int = DEFAULT_READ_CACHE

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", _default_database_url(self.data_dir))

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"

    @property
    def bank_listen_port(self) -> int:
        return self.bank_port or self.port + 1

    @property
    def bank_url(self) -> str:
        return self.bank_public_url.rstrip("/") or f"http://{self.host}:{self.bank_listen_port}"

    @property
    def demo_enabled(self) -> bool:
        if self.demo is not None:
            return self.demo
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if data_dir := env.get(ENV_PREFIX + "DATA_DIR"):
            values["data_dir"] = Path(data_dir)
        for name in (
            "database_url",
            "host",
            "public_url",
            "log_level",
            "secret_key",
            "bank_public_url",
            "admin_token",
        ):
            if (value := env.get(ENV_PREFIX + name.upper())) is not None:
                values[name] = value
        for name in ("port", "bank_port"):
            if value := env.get(ENV_PREFIX + name.upper()):
                values[name] = int(value)
        if value := env.get(ENV_PREFIX + "WEBHOOK_RETRY"):
            values["webhook_retry"] = value
        if value := env.get(ENV_PREFIX + "TRANSACTIONS_PULL_SECONDS"):
            values["transactions_pull_seconds"] = float(value)
        if value := env.get(ENV_PREFIX + "REPORT_BUILD_SECONDS"):
            values["report_build_seconds"] = float(value)
        if value := env.get(ENV_PREFIX + "MAX_BODY_BYTES"):
            values["max_body_bytes"] = int(value)
        if value := env.get(ENV_PREFIX + "BODY_TIMEOUT_SECONDS"):
            values["body_timeout_seconds"] = float(value)
        if value := env.get(ENV_PREFIX + "FAILED_CREDENTIALS_LIMIT"):
            values["failed_credentials_limit"] = int(value)
        if value := env.get(ENV_PREFIX + "ACCESS_LOG"):
            values["access_log"] = _truthy(value)
        if value := env.get(ENV_PREFIX + "REQUEST_LOG"):
            values["request_log"] = _truthy(value)
        if value := env.get(ENV_PREFIX + "REQUEST_LOG_RETENTION"):
            values["request_log_retention"] = max(int(value), 1)
        if value := env.get(ENV_PREFIX + "READ_CACHE"):
            values["read_cache"] = max(int(value), 0)
        if value := env.get(ENV_PREFIX + "WEBHOOK_PRIVATE_ADDRESSES"):
            values["webhook_private_addresses"] = _truthy(value)
        if value := env.get(ENV_PREFIX + "DEMO"):
            values["demo"] = _truthy(value)
        if value := env.get(ENV_PREFIX + "WORKER"):
            values["webhook_worker"] = _truthy(value)
        if value := env.get(ENV_PREFIX + "WORKERS"):
            values["processes"] = max(int(value), 1)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _truthy(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off")
