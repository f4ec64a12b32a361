"""The HTTP protocol ``prefkit serve`` runs: uvicorn's own, with a read deadline.

uvicorn has no header or body read timeout: a client that sends half a request line by line
(slowloris) holds its connection for as long as it likes. Here every request must arrive whole
(headers and body) within ``read_timeout`` seconds of the connection or of the previous
response, or the connection is closed. This subclasses uvicorn internals (the httptools
protocol, or h11 where httptools is missing); it is kept to these few lines, and
``tests/annotate/test_slow_clients.py`` fails if a uvicorn upgrade breaks it. Behind a reverse
proxy, set the proxy's own timeouts as well.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["READ_TIMEOUT", "guarded_protocol"]

READ_TIMEOUT = 10.0


class _Deadline:
    """The deadline logic, mixed into a uvicorn protocol class."""

    loop: asyncio.AbstractEventLoop
    transport: Any
    cycle: Any
    read_timeout: float = READ_TIMEOUT
    _guard: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._guard = self.loop.call_later(self.read_timeout, self._expire)

    def _disarm(self) -> None:
        if self._guard is not None:
            self._guard.cancel()
            self._guard = None

    def _expire(self) -> None:
        self._guard = None
        cycle = self.cycle
        if cycle is None or cycle.response_complete or cycle.more_body:
            self.transport.close()  # no whole request in time

    def _request_in(self) -> None:
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and not cycle.more_body:
            self._disarm()  # the whole request is in: the app has it now

    # the hooks both uvicorn protocols share (the mixin comes first in the MRO)
    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._arm()  # the next request on this connection gets the same deadline


def guarded_protocol(read_timeout: float = READ_TIMEOUT) -> type[asyncio.Protocol]:
    """A uvicorn protocol class whose requests must arrive whole within ``read_timeout``."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        class GuardedHttpTools(_Deadline, HttpToolsProtocol):
            def on_message_complete(self) -> None:
                super().on_message_complete()
                self._request_in()

        GuardedHttpTools.read_timeout = read_timeout
        return GuardedHttpTools
    except ImportError:  # uvicorn without httptools
        from uvicorn.protocols.http.h11_impl import H11Protocol

        class GuardedH11(_Deadline, H11Protocol):
            def handle_events(self) -> None:
                super().handle_events()
                self._request_in()

        GuardedH11.read_timeout = read_timeout
        return GuardedH11
