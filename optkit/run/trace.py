"""The trace of a run, thinned so that its memory is bounded whatever ``max_iter`` is (conventions, "Traces").

Kept: the first ``HEAD`` records, the last ``TAIL`` records, and between them
every m-th record (k divisible by m).  m starts at 1 and doubles whenever more
than ``MIDDLE`` records would be kept between head and tail, dropping those
no longer on the grid — so at most HEAD + MIDDLE + TAIL records are held.
A thinned trace says so: ``thinning()`` = {kept, every} (None when nothing
was dropped).
"""

from __future__ import annotations

from collections import deque

from optkit.run.results import Record

HEAD = 1000
TAIL = 1000
MIDDLE = 2000


class Trace:
    """Records in order of k, thinned as the module docstring says."""

    def __init__(self, head: int | None = None, tail: int | None = None, middle: int | None = None):
        # the module's sizes are read here, not bound at definition, so a benchmark can change them
        self.head_size = HEAD if head is None else head
        self.middle_size = MIDDLE if middle is None else middle
        self.head: list[Record] = []
        self.middle: list[Record] = []
        self.tail: deque[Record] = deque(maxlen=TAIL if tail is None else tail)
        self.every = 1
        self.dropped = 0

    def append(self, record: Record) -> None:
        if len(self.head) < self.head_size:
            self.head.append(record)
            return
        if len(self.tail) == self.tail.maxlen:
            self._to_middle(self.tail[0])
        self.tail.append(record)

    def _to_middle(self, record: Record) -> None:
        if record.k % self.every:
            self.dropped += 1
            return
        self.middle.append(record)
        while len(self.middle) > self.middle_size:
            self.every *= 2
            kept = [r for r in self.middle if r.k % self.every == 0]
            self.dropped += len(self.middle) - len(kept)
            self.middle = kept

    @property
    def last(self) -> Record:
        return self.tail[-1] if self.tail else self.head[-1]

    def records(self) -> list[Record]:
        return [*self.head, *self.middle, *self.tail]

    def thinning(self) -> dict | None:
        """{kept, every} when records were dropped, else None."""
        if not self.dropped:
            return None
        return {"kept": len(self.head) + len(self.middle) + len(self.tail), "every": self.every}
