"""Where a batch's clips run: in this process, on a local process pool, or on a Dask cluster.

Every executor maps a picklable function over items and yields each `Completed` as soon as it
finishes (in any order), so a progress bar can move and a failure in one item never stops the
others. Pick one by name with `get_executor`:

- ``serial``: one after another in this process (debugging, tests);
- ``local``: a process pool, one worker per core by default;
- ``dask``: a Dask distributed cluster (``pip install 'formcheck[dask]'``), given a scheduler
  address (``tcp://host:8786``), or a local cluster started for the run when none is given.
  Workers need formcheck installed, and the clips and the output folder at the same paths
  (a shared filesystem): each worker writes its clip's files itself.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from formcheck.errors import BadSettings
from formcheck.memory import limit_malloc_arenas

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "serial", "dask")


@dataclass(frozen=True)
class Completed(Generic[T, R]):
    """One finished item: its ``value``, or the ``error`` that escaped the function."""

    item: T
    value: R | None = None
    error: BaseException | None = None


class Executor(Protocol):
    name: str
    workers: int

    def map_unordered(
        self, fn: Callable[[T], R], items: Sequence[T]
    ) -> Iterator[Completed[T, R]]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


def cpu_count() -> int:
    """Cores this process may use (affinity-aware)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Base:
    name = "base"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or cpu_count())

    def __enter__(self) -> Any:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release workers; nothing to do by default."""


class SerialExecutor(_Base):
    """Runs each item in this process, in order."""

    name = "serial"

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(1)

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[Completed[T, R]]:
        for item in items:
            try:
                yield Completed(item, fn(item))
            except Exception as err:  # reported per item, like the pools do
                yield Completed(item, error=err)


class LocalExecutor(_Base):
    """A pool of worker processes (started with ``spawn``: safe with threads and native libs)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(workers)
        self._pool: ProcessPoolExecutor | None = None

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[Completed[T, R]]:
        """Yield results as they finish. Items caught in a crashed worker (the pool breaks for
        all of them) are retried one by one in a fresh process, so one clip that kills its
        worker fails alone."""
        broken: list[T] = []
        for done in self._run(fn, items, self.workers):
            if isinstance(done.error, BrokenProcessPool):
                broken.append(done.item)
            else:
                yield done
        for item in broken:
            log.warning("a worker died; running one item again on its own")
            yield from self._run(fn, [item], 1)

    def _run(
        self, fn: Callable[[T], R], items: Sequence[T], workers: int
    ) -> Iterator[Completed[T, R]]:
        if not items:
            return
        self.close()
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=min(workers, len(items)),
            mp_context=ctx,
            initializer=limit_malloc_arenas,  # flat memory over many clips (formcheck.memory)
        )
        futures: dict[Future[R], T] = {self._pool.submit(fn, item): item for item in items}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    err = fut.exception()
                    yield Completed(futures[fut], None if err else fut.result(), err)
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _quiet_distributed() -> None:
    """Dask's own logging says INFO (some 30 lines a run: scheduler, nanny, each connection);
    it follows formcheck's level instead, so only ``-v`` shows them."""
    level = max(logging.WARNING, logging.getLogger("formcheck").getEffectiveLevel())
    logging.getLogger("distributed").setLevel(level)


def _connect(client_cls: Any, scheduler: str, timeout_s: float) -> Any:
    """A client of the scheduler at ``scheduler``, once it has said it is one (see `_identify`)."""
    try:
        # on a thread of its own: the caller may be running an event loop (a notebook)
        with ThreadPoolExecutor(1) as thread:
            asked = asyncio.wait_for(_identify(scheduler, timeout_s), timeout_s)
            kind = thread.submit(asyncio.run, asked).result()
    except (OSError, TimeoutError) as err:
        reason = str(err) or f"no answer within {timeout_s:g} s"
        raise BadSettings(f"cannot reach the Dask scheduler {scheduler}: {reason}") from err
    except Exception as err:  # its bytes are no Dask message (Dask may try to allocate exabytes)
        raise BadSettings(
            f"{scheduler} answered, but not as a Dask scheduler: check the address and port "
            f"(a scheduler listens on 8786 by default)"
        ) from err
    if kind != "Scheduler":
        raise BadSettings(
            f"{scheduler} is a Dask {kind or 'server'}, not a scheduler: give the scheduler's address"
        )
    return client_cls(scheduler, timeout=f"{timeout_s}s")


async def _identify(address: str, timeout_s: float) -> str:
    """What the Dask server at ``address`` says it is ("Scheduler", "Worker", ...).

    Asked first, within the time allowed: ``Client`` alone waits for ever on a server that
    accepts the connection and never replies, and reads a web server's reply as a message
    header that asks it to allocate exabytes.
    """
    from distributed.comm import connect

    comm = await connect(address, timeout=timeout_s)
    try:
        await comm.write({"op": "identity", "reply": True})
        reply = await comm.read()
    finally:
        await comm.close()
    return str(reply.get("type", "")) if isinstance(reply, dict) else ""


class DaskExecutor(_Base):
    """Items as tasks on a Dask distributed cluster (``scheduler`` address, or a local one)."""

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        *,
        connect_timeout_s: float = 20.0,
        **cluster_opts: Any,
    ) -> None:
        super().__init__(workers)
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise BadSettings(
                "the dask executor needs Dask: pip install 'formcheck[dask]' (dask and distributed)"
            ) from err
        self._cluster: Any = None
        self._client: Any = None
        _quiet_distributed()
        try:
            if scheduler:
                self._client = _connect(Client, scheduler, connect_timeout_s)
            else:
                opts = {
                    "n_workers": self.workers,
                    "threads_per_worker": 1,
                    "processes": True,
                    # no dashboard: it needs a free port (8787) and bokeh, and no one reads it here
                    "dashboard_address": None,
                    **cluster_opts,
                }
                self._cluster = LocalCluster(**opts)
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as err:
            self.close()
            raise BadSettings(f"cannot reach the Dask scheduler {scheduler}: {err}") from err
        self.scheduler = scheduler or self._cluster.scheduler_address
        if scheduler:
            self.workers = max(1, sum(self._client.nthreads().values()))

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[Completed[T, R]]:
        from distributed import as_completed

        if not items:
            return
        futures = self._client.map(fn, list(items), pure=False)
        owner = {f.key: item for f, item in zip(futures, items, strict=True)}
        try:
            for fut in as_completed(futures):
                try:
                    yield Completed(owner[fut.key], fut.result())
                except Exception as err:  # the task's own error, raised again here
                    yield Completed(owner[fut.key], error=err)
        finally:
            self._client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def get_executor(
    name: str = "local", *, workers: int | None = None, scheduler: str | None = None
) -> Any:
    """An executor by name (see `EXECUTORS`); an unknown name lists the valid ones."""
    if scheduler and name != "dask":
        raise BadSettings("--scheduler needs --executor dask")
    if name == "local":
        return LocalExecutor(workers)
    if name == "serial":
        return SerialExecutor()
    if name == "dask":
        return DaskExecutor(workers, scheduler)
    raise BadSettings(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
