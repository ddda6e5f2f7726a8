"""Per-request DataLoaders, each keyed by the batch function it calls.

A batch function reads many keys at once: `async def f(runtime, keys) -> values`, one value per
key in the keys' order (`shared.queries` helps). Fields of many entities in one response load
through it together: `_entities` over 357 municipalities is one query, not 357. Keying the
loader by the function itself means a key can never drift from what it loads, and the value's
type follows from the function's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader

from shared.runtime import ServiceRuntime

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Batch = Callable[[ServiceRuntime, Sequence[K]], Awaitable[Sequence[V]]]


class Loaders:
    """One request's loaders; they cache what they loaded until the request ends."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self._loaders: dict[Batch[Any, Any], DataLoader[Any, Any]] = {}

    def load(self, batch: Batch[K, V], key: K) -> Awaitable[V]:
        """`batch`'s value for `key`, loaded together with every other key asked for meanwhile."""
        return self._loader(batch).load(key)

    def _loader(self, batch: Batch[K, V]) -> DataLoader[K, V]:
        if batch not in self._loaders:
            runtime = self.runtime

            async def load_fn(keys: list[K]) -> Sequence[V]:
                return await batch(runtime, keys)

            self._loaders[batch] = DataLoader(load_fn=load_fn)
        return cast(DataLoader[K, V], self._loaders[batch])
