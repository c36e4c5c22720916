"""A process-wide queue for heavy exports: a bounded number run at once, the rest wait their turn.

Pictures and brochures take seconds of CPU and hundreds of megabytes each; run all at once on
a two-core machine they would slow every visitor's page. Requests take a slot; when none is
free they wait (telling the caller their place in the line, for a progress message), and when
too many already wait they are refused at once instead of piling up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class QueueFull(Exception):  # noqa: N818  (reads as what happened: the queue was full)
    """Too many exports are waiting already; the request is refused without work."""


class ExportQueue:
    """At most ``slots`` jobs run at once; at most ``max_waiting`` wait, each at most ``max_wait`` s.

    >>> q = ExportQueue(slots=1)
    >>> q.run(lambda: 6 * 7)
    42
    >>> q.running, q.waiting
    (0, 0)
    """

    def __init__(self, slots: int = 1, max_waiting: int = 8, max_wait: float = 300.0) -> None:
        self.slots, self.max_waiting, self.max_wait = slots, max_waiting, max_wait
        self._cond = threading.Condition()
        self.running = 0
        self.waiting = 0
        self._tickets = 0  # order of arrival: served first come, first served
        self._serving = 0
        self._gave_up: set[int] = set()

    def run(self, job: Callable[[], T], on_wait: Callable[[int], None] | None = None) -> T:
        """Run ``job`` when a slot is free; ``on_wait(ahead)`` while waiting (jobs ahead of this one)."""
        with self._cond:
            if self.running >= self.slots and self.waiting >= self.max_waiting:
                raise QueueFull
            ticket = self._tickets
            self._tickets += 1
            self.waiting += 1
            deadline = time.monotonic() + self.max_wait
            reported = None
            try:
                while ticket != self._serving or self.running >= self.slots:
                    ahead = ticket - self._serving + self.running
                    if on_wait is not None and ahead != reported:
                        reported = ahead
                        on_wait(ahead)
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise QueueFull
                    self._cond.wait(min(left, 1.0))
            except BaseException:
                self.waiting -= 1
                self._gave_up.add(ticket)
                self._move_on()
                raise
            self.waiting -= 1
            self._serving += 1
            self._move_on()
            self.running += 1
            self._cond.notify_all()
        try:
            return job()
        finally:
            with self._cond:
                self.running -= 1
                self._cond.notify_all()

    def _move_on(self) -> None:
        # waiters that gave up are passed over when their turn comes
        while self._serving in self._gave_up:
            self._gave_up.discard(self._serving)
            self._serving += 1
        self._cond.notify_all()


#: The one queue of this process for pictures and brochures (two cores: one heavy job at a time
#: leaves the other core to the pages).
EXPORTS = ExportQueue(slots=1)
