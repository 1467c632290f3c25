"""One kept-alive HTTP connection to a witness's add-checkpoint (C2SP tlog-witness).

Why not urllib: a fresh connection and opener per checkpoint cost more than the witness's
own work on loopback; the ledger asks on every commit, so the connection is kept and opened
again only when the witness closed it.
"""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlsplit


class WitnessLink:
    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url.rstrip("/") + "/add-checkpoint")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url} is not an http(s) URL")
        self.url = parts.geturl()
        self._path = parts.path + (f"?{parts.query}" if parts.query else "")
        self._secure = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._timeout = timeout
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()  # one request at a time on the connection

    def post(self, body: bytes) -> tuple[int, str]:
        """The witness's status and answer; OSError (or http.client's) when it is unreachable."""
        with self._lock:
            for attempt in (1, 2):  # a kept connection the witness closed meanwhile: once more, afresh
                fresh = self._connection is None
                connection = self._connection or self._open()
                try:
                    connection.request("POST", self._path, body=body, headers={"Content-Type": "text/plain"})
                    response = connection.getresponse()
                    text = response.read().decode("utf-8", "replace")
                except (http.client.HTTPException, OSError):
                    connection.close()
                    self._connection = None
                    if fresh or attempt == 2:
                        raise
                    continue
                if response.will_close:
                    connection.close()
                    self._connection = None
                else:
                    self._connection = connection
                return response.status, text
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self) -> http.client.HTTPConnection:
        if self._secure:
            return http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
