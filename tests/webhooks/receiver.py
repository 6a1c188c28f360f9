"""A webhook receiver on loopback that checks every delivery the way Plaid's docs tell receivers
to, with PyJWT rather than anything of Gingham's:

1. read the JWT's header without verifying it, and accept only alg ES256;
2. fetch the key by its kid from /webhook_verification_key/get (cached), refusing expired keys;
3. verify the signature;
4. refuse an `iat` older than five minutes;
5. compare `request_body_sha256` with the SHA-256 of the raw body, in constant time.

A delivery that fails any check is answered 400; one that passes gets the next status of the
receiver's script (200 when the script is used up).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from jwt.algorithms import ECAlgorithm

MAX_AGE_SECONDS = 5 * 60

KeyFetcher = Callable[[str], dict[str, Any]]


class Rejected(Exception):
    pass


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    rejection: str | None
    answered: int

    @property
    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload

    @property
    def delivery_id(self) -> str:
        return self.headers["gingham-delivery-id"]


@dataclass
class Receiver:
    """Verifies with keys from `fetch_key`; answers with `script` in order, then 200."""

    fetch_key: KeyFetcher
    script: list[int] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    url: str = ""
    # Seconds to take before answering each delivery: a slow receiver.
    delay: float = 0.0
    _keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def verify(
        self, headers: dict[str, str], body: bytes, *, now: float | None = None
    ) -> dict[str, Any]:
        """The token's claims, or Rejected saying which check failed."""
        token = headers.get("plaid-verification")
        if not token:
            raise Rejected("no Plaid-Verification header")
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "ES256":
            raise Rejected(f"alg {header.get('alg')!r} is not ES256")
        key = self.key(header["kid"])
        if key["expired_at"] is not None:
            raise Rejected("the key has expired")
        public_key = ECAlgorithm.from_jwk(json.dumps(key))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=public_key,  # type: ignore[arg-type]
                algorithms=["ES256"],
                options={"verify_iat": False},
            )
        except jwt.InvalidTokenError as exc:
            raise Rejected(f"bad signature: {exc}") from None
        if (now if now is not None else time.time()) - claims["iat"] > MAX_AGE_SECONDS:
            raise Rejected("iat is older than five minutes")
        if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), claims["request_body_sha256"]):
            raise Rejected("the body's SHA-256 does not match request_body_sha256")
        return claims

    def key(self, kid: str) -> dict[str, Any]:
        with self._lock:
            cached = self._keys.get(kid)
        if cached is None:
            cached = self.fetch_key(kid)
            with self._lock:
                self._keys[kid] = cached
        return cached

    def forget_keys(self) -> None:
        with self._lock:
            self._keys.clear()

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        try:
            self.verify(headers, body)
        except Rejected as exc:
            verified, rejection, answer = False, str(exc), 400
        else:
            verified, rejection = True, None
            with self._lock:
                answer = self.script.pop(0) if self.script else 200
        with self._arrived:
            self.deliveries.append(Delivery(path, headers, body, verified, rejection, answer))
            self._arrived.notify_all()
        return answer

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Delivery]:
        """Block until `count` deliveries have arrived; all of them."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.deliveries) >= count, timeout)
        assert arrived, f"{len(self.deliveries)} deliveries arrived, expected {count}"
        return list(self.deliveries)

    def verified(self) -> list[Delivery]:
        return [delivery for delivery in self.deliveries if delivery.verified]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            time.sleep(receiver.delay)
            answer = receiver.receive(self.path, headers, body)
            reply = json.dumps({"received": answer < 300}).encode()
            self.send_response(answer)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    # Workers open dozens of connections at once; the default backlog of 5 would refuse some.
    request_queue_size = 256


@contextmanager
def running_receiver(
    fetch_key: KeyFetcher, *, script: list[int] | None = None
) -> Iterator[Receiver]:
    """A Receiver listening on a free 127.0.0.1 port; its URL is `receiver.url` + any path."""
    receiver = Receiver(fetch_key, list(script or []))
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
