"""The workbench's single writer: group commit for many concurrent annotators.

Every write (a submission, a skip, a claim of new work, a draft) is a job run on one thread.
Jobs that arrive while a transaction is being committed are run together in the next one, so
one fsync acknowledges many submissions: that is how a SQLite file with ``synchronous=FULL``
keeps up with dozens of annotators, and it means no two writers ever wait on each other's
locks. A job is acknowledged only after its transaction committed, so an acknowledged
submission is on disk. A job that fails unexpectedly is retried alone, so it cannot take
the others in its group down with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from prefkit.annotate._work import WorkError
from prefkit.data import Store, Transaction

__all__ = ["Writer"]

T = TypeVar("T")
_MAX_GROUP = 128


class Writer:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.groups = 0  # transactions committed (for tests and the bench)
        self.jobs_done = 0

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="prefkit-writer", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._jobs.put(None)
                self._thread.join(timeout=10)
                self._thread = None

    async def run(self, job: Callable[[Transaction], T]) -> T:
        """Run ``job(tx)`` in the next group transaction; return once it is committed."""
        self.start()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        self._jobs.put((job, fut, loop))
        return await fut

    def run_sync(self, job: Callable[[Transaction], T]) -> T:
        """The same from a plain thread (CLI, tests)."""
        self.start()
        done = threading.Event()
        box: list[Any] = []

        class _Fut:
            def set_result(self, v: Any) -> None:
                box.append((True, v))
                done.set()

            def set_exception(self, e: BaseException) -> None:
                box.append((False, e))
                done.set()

            def cancelled(self) -> bool:
                return False

        self._jobs.put((job, _Fut(), None))
        done.wait()
        ok, value = box[0]
        if not ok:
            raise value
        return value

    # ------------------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            group = [first]
            stop = False
            while len(group) < _MAX_GROUP:
                try:
                    nxt = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                group.append(nxt)
            self._commit_group(group)
            if stop:
                return

    def _commit_group(self, group: list[Any]) -> None:
        results: list[tuple[bool, Any]] = []
        try:
            with self.store.transaction() as tx:
                for job, _fut, _loop in group:
                    try:
                        results.append((True, job(tx)))
                    except WorkError as exc:  # refused before writing anything
                        results.append((False, exc))
            self.groups += 1
        except Exception:
            if len(group) == 1:
                job, fut, loop = group[0]
                try:
                    with self.store.transaction() as tx:
                        results = [(True, job(tx))]
                except Exception as exc:
                    results = [(False, exc)]
            else:  # one job broke the transaction: run each alone
                for item in group:
                    self._commit_group([item])
                return
        self.jobs_done += len(group)
        for (ok, value), (_job, fut, loop) in zip(results, group, strict=True):
            self._resolve(fut, loop, ok, value)

    @staticmethod
    def _resolve(fut: Any, loop: Any, ok: bool, value: Any) -> None:
        def set_() -> None:
            if fut.cancelled():
                return
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)

        if loop is None:
            set_()
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
                loop.call_soon_threadsafe(set_)
