"""A minimal webhook receiver for bench/webhooks.py, run as a process of its own.

asyncio and a hand-written HTTP/1.1 keep-alive loop, so the receiver costs little next to the
sender: it reads each POST, notes the Gingham-Delivery-Id and the arrival time (wall clock), and
answers 200. It does not verify signatures (tests/webhooks/receiver.py does). On SIGTERM it
writes `<delivery id> <arrival unix time>` lines to the file named by its second argument.

    python bench/webhook_receiver.py PORT OUTPUT [DELAY_SECONDS]

With DELAY_SECONDS, each delivery is answered that long after it arrived (a slow receiver, so
that many deliveries are in flight at once).
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


async def main(port: int, output: str, delay: float) -> None:
    arrivals: list[tuple[str, float]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                arrived = time.time()
                length, delivery_id = 0, ""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"gingham-delivery-id":
                        delivery_id = value.strip().decode()
                await reader.readexactly(length)
                arrivals.append((delivery_id, arrived))
                if delay:
                    await asyncio.sleep(delay)
                writer.write(RESPONSE)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_signal_handler(signal.SIGINT, stopped.set)
    print("ready", flush=True)
    async with server:
        await stopped.wait()
    with open(output, "w") as out:
        out.writelines(f"{delivery_id} {arrived:.6f}\n" for delivery_id, arrived in arrivals)


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.0)
    )
