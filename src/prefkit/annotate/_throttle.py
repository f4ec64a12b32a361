"""Sign-in throttling: failed attempts per client, and sign-ins per account.

A client (an IP address) that sends more than ``failures`` unknown tokens in ``window``
seconds is refused with 429 and ``Retry-After`` until the window has passed, whatever it sends;
an account that signs in more than ``signins`` times in the window is refused the same way
(sessions are not minted in bulk). Each refusal is logged. Limits are per server process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from prefkit.annotate._work import WorkError

__all__ = ["Throttle"]

log = logging.getLogger("prefkit.annotate")


class Throttle:
    def __init__(self, *, failures: int = 20, signins: int = 30, window: float = 60.0) -> None:
        self.failures = failures
        self.signins = signins
        self.window = window
        self._failed: dict[str, deque[float]] = {}
        self._signed: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, table: dict[str, deque[float]], key: str, now: float) -> deque[float]:
        q = table.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        if len(table) > 50_000:  # forget quiet clients
            for k in [k for k, v in table.items() if not v][:25_000]:
                table.pop(k, None)
        return q

    def check_client(self, client: str) -> None:
        """Refuse a client that failed too often recently (429 with Retry-After)."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(self._failed, client, now)
            if len(q) >= self.failures:
                wait = int(q[0] + self.window - now) + 1
                log.warning("sign-in throttled: %s failed %d times in %.0f s", client, len(q),
                            self.window)  # fmt: skip
                raise WorkError(
                    429,
                    f"too many unknown tokens from your address; try again in {wait} s",
                    headers={"Retry-After": str(wait)},
                )

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(self._failed, client, time.monotonic()).append(time.monotonic())

    def signed_in(self, user: str) -> None:
        """Count a sign-in of ``user``; refuse when there were too many in the window."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(self._signed, user, now)
            if len(q) >= self.signins:
                wait = int(q[0] + self.window - now) + 1
                log.warning("sign-in throttled: account %r signed in %d times", user, len(q))
                raise WorkError(
                    429,
                    f"too many sign-ins for this account; try again in {wait} s",
                    headers={"Retry-After": str(wait)},
                )
            q.append(now)
