"""Executors beyond one machine: Dask and Ray, imported only when asked for.

Both need skillbound installed on every worker, and the roots readable at the same paths
there (a shared file system): workers read the skills themselves.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class BackendError(Exception):
    """The backend's package is not installed or its cluster cannot be reached."""


def dask_executor(scheduler: str | None) -> Executor:
    """An executor on the Dask cluster at ``scheduler`` (``tcp://host:8786``), or on a
    local cluster started for this scan when no address is given."""
    try:
        from distributed import Client
    except ImportError:
        raise BackendError("--backend dask needs the dask extra: "
                           "pip install 'skillbound[dask]'") from None
    try:
        client = Client(scheduler, timeout=10) if scheduler else Client(processes=True)
    except OSError as error:
        raise BackendError(f"--scheduler {scheduler}: cannot reach it: {error}") from None
    return DaskExecutor(client)


class DaskExecutor(Executor):
    """A Dask client's executor that closes the client when the scan is done."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._executor = client.get_executor(pure=False)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = self._executor.submit(fn, *args, **kwargs)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait)
        self._client.close()


class RayExecutor(Executor):
    """``concurrent.futures`` on Ray: each task is a remote function call."""

    def __init__(self, address: str | None) -> None:
        import ray
        self._ray = ray
        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        self._remote: dict[Callable[..., Any], Any] = {}

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        remote = self._remote.setdefault(fn, self._ray.remote(fn))
        future: Future[T] = remote.remote(*args, **kwargs).future()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._ray.shutdown()


def ray_executor(address: str | None) -> Executor:
    """An executor on the Ray cluster at ``address`` (``ray://host:10001`` or ``auto``), or
    on a local Ray started for this scan when no address is given."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise BackendError("--backend ray needs the ray extra: "
                           "pip install 'skillbound[ray]'") from None
    try:
        return RayExecutor(address)
    except ConnectionError as error:
        raise BackendError(f"--scheduler {address}: cannot reach it: {error}") from None
