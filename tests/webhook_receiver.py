"""A webhook receiver on loopback for the notification tests: it keeps every request it was
sent (headers and body), can be stopped and started again on the same port, and answers
slowly when asked to, so a worker can be killed in the middle of a stream."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, delay: float = 0.0):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.delay = delay
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.times: list[float] = []  # time.monotonic() of each arrival
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                time.sleep(owner.delay)
                with owner.lock:
                    owner.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    owner.times.append(time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def ids(self) -> list[str]:
        with self.lock:
            return [h["webhook-id"] for h, _ in self.received]

    def wait_for(self, count: int, timeout: float = 60.0) -> None:
        """Until ``count`` distinct webhook ids arrived (or the timeout)."""
        end = time.monotonic() + timeout
        while len(set(self.ids())) < count and time.monotonic() < end:
            time.sleep(0.05)
