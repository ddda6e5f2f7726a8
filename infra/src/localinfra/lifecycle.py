"""What the local servers share: a broker, a database cluster, a container."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Server:
    """`with Server() as server:` starts it, and stops it on the way out, whatever happened."""

    def start(self) -> object:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
